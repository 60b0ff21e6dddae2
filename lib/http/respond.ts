// The one place typed errors become HTTP responses, and the adapter every /api/v1 route goes through: {"error": {"code", "message", "fields"?, "details"?}},
// never a stack.
import "server-only";
import { isConfirmationFailed } from "@/db/engine";
import { AppError } from "@/lib/services/errors";
import type { Caller } from "@/lib/services/context";
import { requestCaller } from "@/lib/auth/session";
import { checkCookieWrite, checkDeclaredLength, checkQueryText, isWrite, JSON_TYPES, readJsonBody } from "./guard";
import { HSTS } from "./headers";
import { BODY_LIMITS } from "./limits";

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
  const status = err instanceof AppError ? err.status : 500;
  // A refused body may still be arriving: the connection closes after the answer instead of
  // being reused with unread bytes on it (which a client would see as a reset).
  return json({ error: errorBody(err) }, status, status === 413 ? { connection: "close" } : undefined);
}

type RouteContext<P> = { params: Promise<P> };

export interface RouteOptions {
  /** `json` (the default) or `judgment`: a JSON body within that BODY_LIMITS entry; or a streamed upload's limit and content types. */
  body?: "json" | "judgment" | { maxBytes: () => number; contentTypes: readonly string[] };
  /**
   * The annotation loop's routes: a bearer token or a session this process read lately acts at once,
   * confirmed by the handler's own first statement instead of a read of its own (lib/services/tokens.ts
   * `resolveToken`, lib/services/users.ts `sessionCallerOf`). When that finds the token revoked, the
   * session ended or its user changed, nothing the handler did counts and it runs once more with the
   * caller read afresh. Only for handlers whose work before their first statement decides nothing
   * they answer with.
   */
  provisionalCaller?: boolean;
}

interface HandlerArgs<P> {
  request: Request;
  params: P;
  caller: Caller;
  /** The JSON body within the route's limit; `{}` when there is none. */
  readJson: () => Promise<unknown>;
}

/**
 * Whether a route param (a segment, or the segments of a catch-all) holds a NUL character. No stored
 * id or slug holds one, and PostgreSQL refuses NUL in text outright (an error, not an empty result),
 * so such an address is answered 404 before it reaches a query, the same on every engine.
 */
function holdsNul(params: unknown): boolean {
  if (params === null || typeof params !== "object") return false;
  return Object.values(params).some((v) => (Array.isArray(v) ? v : [v]).some((s) => typeof s === "string" && s.includes("\0")));
}

/**
 * Wraps an /api/v1 handler: refuses a body declared over the route's limit (413), authenticates
 * (401 for anonymous callers), holds cookie-authenticated writes to the same-origin rule (403),
 * awaits the route params and maps any thrown error. The handler itself parses, loads, authorizes
 * (in the service) and acts.
 */
export function apiRoute<P = Record<string, never>>(handler: (args: HandlerArgs<P>) => Promise<Response> | Response, options: RouteOptions = {}) {
  const body = options.body ?? "json";
  const jsonLimit = typeof body === "string" ? BODY_LIMITS[body] : undefined;
  return async (request: Request, context: RouteContext<P>): Promise<Response> => {
    try {
      const write = isWrite(request);
      const limit = jsonLimit ?? (body as { maxBytes: () => number }).maxBytes();
      if (write) checkDeclaredLength(request, limit);
      const bearer = /^bearer /i.test(request.headers.get("authorization") ?? "");
      const unauthorized = () => new AppError("unauthorized", "Sign in or send an API token (Authorization: Bearer <token>).");
      const caller = await requestCaller(request, { provisional: options.provisionalCaller });
      if (!caller) throw unauthorized();
      if (write && !bearer) checkCookieWrite(request, typeof body === "string" ? JSON_TYPES : body.contentTypes);
      // A route without dynamic segments gets no params object.
      const params = ((await context?.params) ?? {}) as P;
      if (holdsNul(params)) throw new AppError("not_found", "Not found: the address holds a NUL character, which no id or slug contains.");
      checkQueryText(request);
      // (Read once: a handler run again gets the same body.)
      let json: Promise<unknown> | undefined;
      const readJson = () => (json ??= readJsonBody(request, limit));
      let response: Response;
      try {
        response = await handler({ request, params, caller, readJson });
      } catch (e) {
        if (!isConfirmationFailed(e)) throw e;
        // The token or session this process knew is revoked or ended, or its user changed: read afresh, the handler runs again.
        const current = await requestCaller(request);
        if (!current) throw unauthorized();
        response = await handler({ request, params, caller: current, readJson });
      }
      // Behind a TLS-terminating proxy next.config.ts adds HSTS from X-Forwarded-Proto; this covers TLS served directly.
      if (request.url.startsWith("https:")) response.headers.set("strict-transport-security", HSTS);
      return response;
    } catch (err) {
      return errorResponse(err);
    }
  };
}
