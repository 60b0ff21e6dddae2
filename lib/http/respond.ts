// The one place typed errors become HTTP responses: {"error": {"code", "message", "fields"?, "details"?}},
// never a stack.
import "server-only";
import { AppError } from "@/lib/services/errors";
import type { Caller } from "@/lib/services/context";
import { requestCaller } from "@/lib/auth/session";

export function json(body: unknown, status = 200, headers?: HeadersInit): Response {
  return Response.json(body, { status, headers });
}

/** The `error` object of a response: a typed error as it is, anything else logged and reported as internal. */
export function errorBody(err: unknown, internalMessage = "Something went wrong on the server; the error was logged."): {
  code: string;
  message: string;
  fields?: Record<string, string>;
  details?: unknown;
} {
  if (err instanceof AppError) {
    return { code: err.code, message: err.message, ...(err.fields ? { fields: err.fields } : {}), ...(err.details ? { details: err.details } : {}) };
  }
  console.error("Unexpected error in API route:", err);
  return { code: "internal", message: internalMessage };
}

export function errorResponse(err: unknown): Response {
  return json({ error: errorBody(err) }, err instanceof AppError ? err.status : 500);
}

type RouteContext<P> = { params: Promise<P> };

/**
 * Wraps an /api/v1 handler: authenticates (401 for anonymous callers), awaits the route params and
 * maps any thrown error. The handler itself parses, loads, authorizes (in the service) and acts.
 */
export function apiRoute<P = Record<string, never>>(
  handler: (args: { request: Request; params: P; caller: Caller }) => Promise<Response> | Response,
) {
  return async (request: Request, context: RouteContext<P>): Promise<Response> => {
    try {
      const caller = await requestCaller(request);
      if (!caller) throw new AppError("unauthorized", "Sign in or send an API token (Authorization: Bearer <token>).");
      return await handler({ request, params: await context.params, caller });
    } catch (err) {
      return errorResponse(err);
    }
  };
}

/** Reads a JSON body; an empty body is `{}`, a malformed one a 400. */
export async function readJson(request: Request): Promise<unknown> {
  // No body at all (e.g. a bare claim): skip reading the empty stream.
  if (request.headers.get("content-length") === "0") return {};
  const text = await request.text();
  if (!text.trim()) return {};
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new AppError("bad_request", `Request body is not valid JSON: ${(e as Error).message}`);
  }
}
