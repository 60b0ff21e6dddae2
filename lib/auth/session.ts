// Who is calling, for pages, server actions and route handlers: a session cookie or a bearer token.
// The role is read from the database on every call, so a changed role takes effect at once.
import "server-only";
import { eq } from "drizzle-orm";
import { getServerSession } from "next-auth";
import { redirect } from "next/navigation";
import { connection } from "next/server";
import { getDb } from "@/db/client";
import { users } from "@/db/schema";
import type { Caller, Ctx } from "@/lib/services/context";
import { resolveToken } from "@/lib/services/tokens";
import { can, type Scope } from "./permissions";
import { getAuthOptions } from "./options";

export async function sessionCaller(): Promise<Caller | null> {
  await connection(); // request-time only: the build never opens the database or needs the secret
  const session = await getServerSession(getAuthOptions());
  const id = session?.user?.id;
  if (!id) return null;
  const user = getDb().select({ id: users.id, email: users.email, role: users.role, external: users.external }).from(users).where(eq(users.id, id)).get();
  if (!user || user.external) return null;
  return { userId: user.id, email: user.email, role: user.role };
}

/** The caller of an API request: `Authorization: Bearer <token>` first, else the session cookie. */
export async function requestCaller(request: Request): Promise<Caller | null> {
  const header = request.headers.get("authorization");
  if (header?.toLowerCase().startsWith("bearer ")) {
    return resolveToken({ db: getDb(), caller: null }, header.slice(7).trim());
  }
  return sessionCaller();
}

export function contextFor(caller: Caller | null): Ctx {
  return { db: getDb(), caller };
}

/** For pages: the signed-in caller, or a redirect to the login page. */
export async function requirePageCaller(scope?: Scope): Promise<Caller> {
  const caller = await sessionCaller();
  if (!caller) redirect("/login");
  if (scope && !can(caller.role, scope)) redirect("/");
  return caller;
}
