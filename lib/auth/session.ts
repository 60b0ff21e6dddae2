// Who is calling, for pages, server actions and route handlers: a session cookie or a bearer token.
// The user's row is read on every call (one primary-key read; on the annotation loop's routes on
// PostgreSQL, sent with the request's first statement instead): a session whose version is behind
// the user's (sign-out, password change, deactivation, role change) is refused at once. This
// is the request side of auth (next/auth adapters calling the users and tokens services): the
// import-boundary check counts it with lib/http, above the services.
import "server-only";
import { cookies } from "next/headers";
import { forbidden, redirect } from "next/navigation";
import { connection } from "next/server";
import { getDb } from "@/db/client";
import { confirming } from "@/db/engine";
import type { Caller, Ctx } from "@/lib/services/context";
import { resolveToken } from "@/lib/services/tokens";
import { sessionCallerOf } from "@/lib/services/users";
import { can, type Scope } from "./permissions";
import { getAuthOptions } from "./options";
import { openSessionToken, sessionTokenOf } from "./session-token";

/** `provisional`: see requestCaller. */
export async function sessionCaller(options: { provisional?: boolean } = {}): Promise<Caller | null> {
  await connection(); // request-time only: the build never opens the database or needs the secret
  const { secret } = await getAuthOptions();
  if (!secret) throw new Error("No auth secret: getAuthOptions always resolves one (lib/auth/secret.ts).");
  const token = sessionTokenOf(await cookies());
  const claims = token ? await openSessionToken(token, secret) : null;
  if (!claims) return null;
  return sessionCallerOf(contextFor(null), claims.userId, claims.sessionVersion, options);
}

/**
 * The caller of an API request: `Authorization: Bearer <token>` first, else the session cookie.
 * `provisional`: a token or a session may answer as this process last read it, confirmed by the
 * request's own first statement (resolveToken, sessionCallerOf); only for routes that say so
 * (lib/http/respond.ts).
 */
export async function requestCaller(request: Request, options: { provisional?: boolean } = {}): Promise<Caller | null> {
  const header = request.headers.get("authorization");
  if (header?.toLowerCase().startsWith("bearer ")) {
    return await resolveToken({ db: getDb(), caller: null }, header.slice(7).trim(), options);
  }
  return sessionCaller(options);
}

/** The context a request's work runs in; a caller still to be confirmed gets a database that confirms it first (db/engine.ts `confirming`). */
export function contextFor(caller: Caller | null): Ctx {
  return { db: caller?.confirm ? confirming(getDb(), caller.confirm) : getDb(), caller };
}

/**
 * For pages and server actions: the signed-in caller, or a redirect to the login page. A caller
 * whose role lacks the scope gets the 403 page (app/forbidden.tsx), which says why and where to go.
 */
export async function requirePageCaller(scope?: Scope): Promise<Caller> {
  const caller = await sessionCaller();
  if (!caller) redirect("/login");
  if (scope && !can(caller.role, scope)) forbidden();
  return caller;
}
