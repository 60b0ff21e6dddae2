// The checks every /api/v1 request passes before its handler runs (README "Security"): a body over
// the route's limit is refused before it is read, and a write authenticated by the session cookie
// must come from Arbiter's own pages. Bearer-token callers are not browsers, so nothing can forge
// their requests: the origin rule does not apply to them.
import { AppError, fieldError } from "@/lib/services/errors";
import { ILL_FORMED_TEXT, illFormedTextPath, NUL_TEXT, nulTextPath } from "@/lib/formats/unicode";
import { formatBytes } from "./limits";

/** What a route accepts: its body limit and, for writes, the content types a cookie caller may send. */
export interface BodyRule {
  maxBytes: number;
  /** Media types (lower case, without parameters) accepted from cookie-authenticated callers. */
  contentTypes: readonly string[];
}

export const JSON_TYPES = ["application/json"] as const;

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

export function isWrite(request: Request): boolean {
  return !SAFE_METHODS.has(request.method);
}

export function tooLarge(limit: number): AppError {
  return new AppError("payload_too_large", `The request body is larger than this route's limit of ${formatBytes(limit)}.`, { limit_bytes: limit });
}

/** Refuses a body whose declared length is over the limit, before a byte of it is read. */
export function checkDeclaredLength(request: Request, limit: number): void {
  const declared = request.headers.get("content-length");
  if (declared !== null && Number(declared) > limit) throw tooLarge(limit);
}

function hasBody(request: Request): boolean {
  const length = request.headers.get("content-length");
  return (length !== null && length !== "0") || request.headers.has("transfer-encoding");
}

/**
 * The origins this server answers on: the one the browser addressed (Host, or X-Forwarded-Host and
 * -Proto behind a reverse proxy) and the public URL in NEXTAUTH_URL.
 */
function ownOrigins(request: Request): string[] {
  const url = new URL(request.url);
  const proto = request.headers.get("x-forwarded-proto")?.split(",")[0].trim() || url.protocol.slice(0, -1);
  const host = request.headers.get("x-forwarded-host")?.split(",")[0].trim() || request.headers.get("host") || url.host;
  const origins = [`${proto}://${host}`.toLowerCase()];
  const publicUrl = process.env.NEXTAUTH_URL;
  if (publicUrl && URL.canParse(publicUrl)) origins.push(new URL(publicUrl).origin.toLowerCase());
  return origins;
}

/**
 * A cookie-authenticated write must be same-origin: `Origin` when the browser sends it (every
 * browser does on a POST, PUT, PATCH or DELETE), else `Sec-Fetch-Site`. A request with neither
 * did not come from a browser and so cannot carry a victim's cookie against their will. A body
 * must have one of the route's content types: `application/json` needs a CORS preflight from
 * another origin, which Arbiter never grants, while a form or `text/plain` post needs none.
 */
export function checkCookieWrite(request: Request, contentTypes: readonly string[]): void {
  const origin = request.headers.get("origin");
  if (origin !== null) {
    if (!ownOrigins(request).includes(origin.toLowerCase())) {
      throw new AppError("forbidden", `Cross-origin request refused: ${origin} is not this server. Call the API from Arbiter's own pages or with an API token.`);
    }
  } else {
    const site = request.headers.get("sec-fetch-site");
    if (site !== null && site !== "same-origin" && site !== "none") {
      throw new AppError("forbidden", `Cross-site request refused (Sec-Fetch-Site: ${site}). Call the API from Arbiter's own pages or with an API token.`);
    }
  }
  if (!hasBody(request)) return;
  const type = (request.headers.get("content-type") ?? "").split(";")[0].trim().toLowerCase();
  if (!contentTypes.includes(type)) {
    throw new AppError("forbidden", `Content-Type ${type || "(none)"} refused for a signed-in browser: send ${contentTypes.join(" or ")}.`);
  }
}

/** The body's bytes, counted as they arrive: past `limit` the read stops and the request is refused. */
export async function readLimited(request: Request, limit: number): Promise<Uint8Array> {
  checkDeclaredLength(request, limit);
  if (!request.body) return new Uint8Array(0);
  // A declared length within the limit bounds the body (the HTTP parser reads no more than it
  // declares), so it is read in one go; only a chunked body needs counting.
  if (request.headers.has("content-length")) return new Uint8Array(await request.arrayBuffer());
  const reader = request.body.getReader();
  const parts: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel().catch(() => {});
      throw tooLarge(limit);
    }
    parts.push(value);
  }
  const out = new Uint8Array(size);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.byteLength;
  }
  return out;
}

const utf8 = new TextDecoder("utf-8", { fatal: true });

/**
 * A JSON body within `limit`: an empty body is `{}`. Malformed JSON or UTF-8 is a 400, and so is a
 * string holding a lone surrogate (it cannot be stored or exported as UTF-8) or a NUL character
 * (PostgreSQL stores none; lib/formats/unicode.ts), named by its path.
 */
export async function readJsonBody(request: Request, limit: number): Promise<unknown> {
  // No body at all (e.g. a bare claim): skip reading the empty stream.
  if (request.headers.get("content-length") === "0") return {};
  const bytes = await readLimited(request, limit);
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    throw fieldError("body", "is not valid UTF-8");
  }
  if (!text.trim()) return {};
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new AppError("bad_request", `Request body is not valid JSON: ${(e as Error).message}`, undefined, { body: "is not valid JSON" });
  }
  const bad = illFormedTextPath(value);
  if (bad !== undefined) throw fieldError(bad || "body", ILL_FORMED_TEXT);
  const nul = nulTextPath(value);
  if (nul !== undefined) throw fieldError(nul || "body", NUL_TEXT);
  return value;
}

/**
 * Refuses a query parameter holding a NUL character with a 400 naming it: no stored text holds one,
 * and PostgreSQL refuses one in a compared value with an error (a search would answer 500, a CSV
 * stream would break off) where SQLite matches nothing. Refused here, every engine answers alike.
 */
export function checkQueryText(request: Request): void {
  for (const [name, value] of new URL(request.url).searchParams) {
    if (name.includes("\u0000") || value.includes("\u0000")) throw fieldError(name.replaceAll("\u0000", "\\u0000"), "contains a NUL character (\\u0000), which no stored text holds");
  }
}

/** The body as a JSON object, or a 400 naming `body` with what arrived instead. */
export function jsonObject(value: unknown): Record<string, unknown> {
  if (typeof value === "object" && value !== null && !Array.isArray(value)) return value as Record<string, unknown>;
  const got = value === null ? "null" : Array.isArray(value) ? "an array" : `a ${typeof value}`;
  throw fieldError("body", `must be a JSON object, got ${got}`);
}
