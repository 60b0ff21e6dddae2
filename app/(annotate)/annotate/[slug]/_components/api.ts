// Fetch helpers for the annotation screens: JSON requests to the API whose failures become a
// RequestError carrying the server's message and status (0 when the server could not be reached).

export class RequestError extends Error {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

/** The message of an API error response, `{ error: { message } }`, or a generic one. */
async function apiError(res: Response): Promise<string> {
  try {
    const body = await res.json();
    return body?.error?.message ?? `Request failed (${res.status})`;
  } catch {
    return `Request failed (${res.status})`;
  }
}

/** Sends `body` as JSON; resolves with a 2xx response, throws a RequestError otherwise. */
export async function post(url: string, body: unknown, method: "POST" | "PUT" = "POST"): Promise<Response> {
  let res: Response;
  try {
    res = await fetch(url, { method, headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  } catch {
    throw new RequestError("Could not reach the server.", 0);
  }
  if (!res.ok) throw new RequestError(await apiError(res), res.status);
  return res;
}
