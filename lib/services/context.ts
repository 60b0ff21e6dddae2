// What every service call receives besides its input: the database and who is acting.
import type { Db } from "@/db/client";
import type { Confirmation, Engine, Param, Query } from "@/db/engine";
import type { RoleName } from "@/db/schema/constants";
import { can, type Scope } from "@/lib/auth/permissions";
import { AppError } from "./errors";

export interface Caller {
  userId: number;
  email: string;
  role: RoleName;
  /**
   * Set when this caller is what an earlier request read (a bearer token's or a session's, with
   * `provisional`: lib/services/remembered-callers.ts): the check its context's database runs with its
   * first statement (db/engine.ts `confirming`), so a revoked token, an ended session or a changed
   * user is refused by the very request that would act.
   */
  confirm?: Confirmation;
}

export interface Ctx {
  db: Db;
  /** Null when the system itself acts: the CLI run by the operator, seeding. */
  caller: Caller | null;
  now?: () => number;
}

/**
 * A service input as it arrives from outside (a JSON body, a query string): any values, checked by
 * the service's own zod schema. Verbs that callers reach with raw requests take this, so routes pass
 * what they read without casts.
 */
export type Untrusted<T> = { [K in keyof T]?: unknown };

export function nowOf(ctx: Ctx): number {
  return ctx.now ? ctx.now() : Date.now();
}

/** Refuses unless the caller's role grants the scope; the system (no caller) may do anything. */
export function requireScope(ctx: Ctx, scope: Scope): void {
  if (!ctx.caller) return;
  if (!can(ctx.caller.role, scope)) {
    throw new AppError("forbidden", `Your role (${ctx.caller.role}) does not allow ${scope}.`);
  }
}

export function requireCaller(ctx: Ctx): Caller {
  if (!ctx.caller) throw new AppError("unauthorized", "This action needs a signed-in user.");
  return ctx.caller;
}

/**
 * The count a counting statement (`select count(*) …`, decoded to a number) returns: 0 when it
 * returns no row.
 */
export async function countRows(db: Pick<Engine, "first">, q: Query<number>, params?: readonly Param[]): Promise<number> {
  return (await db.first(q, params)) ?? 0;
}
