// The one place typed errors become HTTP responses: {"error": {"code", "message"}}, never a stack.
import "server-only";
import { AppError } from "@/lib/services/errors";
import type { Caller } from "@/lib/services/context";
import { requestCaller } from "@/lib/auth/session";

export function json(body: unknown, status = 200, headers?: HeadersInit): Response {
  return Response.json(body, { status, headers });
}

export function errorResponse(err: unknown): Response {
  if (err instanceof AppError) {
    return json({ error: { code: err.code, message: err.message, ...(err.details ? { details: err.details } : {}) } }, err.status);
  }
  console.error("Unexpected error in API route:", err);
  return json({ error: { code: "internal", message: "Something went wrong on the server; the error was logged." } }, 500);
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
