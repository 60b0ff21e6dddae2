// Throttles sign-in attempts per account and per client address (rate-limiter-flexible), with the
// counters in Arbiter's own database (its Drizzle store over the sign_in_limits table), so every
// server on the same database shares them. An attempt is counted before the password is checked
// (the store's upsert is atomic, so concurrent guesses cannot slip past the limit) and given back
// when it succeeds; a refused attempt costs one small write and no password hashing.
import { RateLimiterDrizzle, RateLimiterRes } from "rate-limiter-flexible";
import type { Db } from "@/db/client";
import { signInLimits } from "@/db/schema";
import type { Ctx } from "./context";

/** Attempts allowed in each window; the window restarts when it has passed since its first attempt. */
export const SIGN_IN_LIMITS = {
  account: { points: 10, duration: 15 * 60 },
  address: { points: 50, duration: 15 * 60 },
} as const;

interface Limiters {
  account: RateLimiterDrizzle;
  address: RateLimiterDrizzle;
}

const byDb = new WeakMap<Db, Limiters>();

function limitersFor(db: Db): Limiters {
  let limiters = byDb.get(db);
  if (!limiters) {
    const common = { storeClient: db, schema: signInLimits, clearExpiredByTimeout: true };
    limiters = {
      account: new RateLimiterDrizzle({ ...common, keyPrefix: "account", ...SIGN_IN_LIMITS.account }),
      address: new RateLimiterDrizzle({ ...common, keyPrefix: "address", ...SIGN_IN_LIMITS.address }),
    };
    byDb.set(db, limiters);
  }
  return limiters;
}

export interface SignInAttempt {
  email: string;
  /** The client's address (lib/http/client-address.ts), or undefined when unknown. */
  address?: string;
}

export type Admission = { ok: true } | { ok: false; retryAfterMs: number; limit: "account" | "address" };

function accountKey(email: string): string {
  return email.trim().toLowerCase();
}

/**
 * Counts one sign-in attempt against the address, then the account; refuses when either is spent.
 * An address already refused does not spend the account's attempts, so a flood from one address
 * does not lock its target out for everyone else.
 */
export async function admitSignIn({ ctx, input: attempt }: { ctx: Pick<Ctx, "db">; input: SignInAttempt }): Promise<Admission> {
  const limiters = limitersFor(ctx.db);
  const checks: [keyof Limiters, string][] = [];
  if (attempt.address) checks.push(["address", attempt.address]);
  checks.push(["account", accountKey(attempt.email)]);
  for (const [limit, key] of checks) {
    try {
      await limiters[limit].consume(key);
    } catch (err) {
      if (!(err instanceof RateLimiterRes)) throw err; // a store failure is a bug, not a refusal
      return { ok: false, retryAfterMs: Math.max(err.msBeforeNext, 1000), limit };
    }
  }
  return { ok: true };
}

/** A successful sign-in clears the account's count and gives the address its attempt back. */
export async function signInSucceeded({ ctx, input: attempt }: { ctx: Pick<Ctx, "db">; input: SignInAttempt }): Promise<void> {
  const limiters = limitersFor(ctx.db);
  await limiters.account.delete(accountKey(attempt.email));
  if (attempt.address) await limiters.address.reward(attempt.address);
}
