// Throttles sign-in attempts per account and per client address (rate-limiter-flexible), with the
// counters in Arbiter's own database (a store on the engine over the sign_in_limits table), so every
// server on the same database shares them. An attempt is counted before the password is checked
// (the store's upsert is one atomic statement, so concurrent guesses cannot slip past the limit) and
// given back when it succeeds; a refused attempt costs one small write and no password hashing.
import { RateLimiterRes } from "rate-limiter-flexible";
import RateLimiterStoreAbstract from "rate-limiter-flexible/lib/RateLimiterStoreAbstract";
import { at, type Engine } from "@/db/engine";
import { LIMIT_ADD, LIMIT_CLEAR_EXPIRED, LIMIT_DELETE, LIMIT_GET, LIMIT_SET, type LimitRow } from "@/db/queries/sign-in-limits";
import type { Ctx } from "./context";

/** Attempts allowed in each window; the window restarts when it has passed since its first attempt. */
export const SIGN_IN_LIMITS = {
  account: { points: 10, duration: 15 * 60 },
  address: { points: 50, duration: 15 * 60 },
} as const;

/** How often expired counters are deleted, and how long after their window they are kept. */
const CLEANUP_INTERVAL_MS = 5 * 60_000;
const EXPIRED_KEPT_MS = 60 * 60_000;

/**
 * rate-limiter-flexible's store contract (`_upsert`, `_get`, `_delete`, `_getRateLimiterRes`, as its
 * own Drizzle store implements it) on the engine: the limiter's logic (points, windows, rewards)
 * stays the library's, the counters live in sign_in_limits on either engine.
 */
class EngineStore extends RateLimiterStoreAbstract {
  constructor(
    private readonly engine: Engine,
    options: { keyPrefix: string; points: number; duration: number },
  ) {
    super({ ...options, storeClient: engine });
  }

  _getRateLimiterRes(_rlKey: string, changedPoints: number, row: LimitRow): RateLimiterRes {
    const consumed = row.points;
    const msBeforeNext = row.expire === null ? -1 : Math.max(row.expire - Date.now(), 0);
    return new RateLimiterRes(Math.max(this.points - consumed, 0), msBeforeNext, consumed, consumed === changedPoints);
  }

  async _upsert(rlKey: string, points: number, msDuration: number, forceExpire = false): Promise<LimitRow> {
    const now = Date.now();
    const expire = msDuration > 0 ? at(now + msDuration) : null;
    const row = forceExpire
      ? await this.engine.first(LIMIT_SET, [rlKey, points, expire])
      : await this.engine.first(LIMIT_ADD, [rlKey, points, expire, at(now), at(now)]);
    return row!;
  }

  async _get(rlKey: string): Promise<LimitRow | null> {
    return (await this.engine.first(LIMIT_GET, [rlKey, at(Date.now())])) ?? null;
  }

  async _delete(rlKey: string): Promise<boolean> {
    return (await this.engine.first(LIMIT_DELETE, [rlKey])) !== undefined;
  }
}

interface Limiters {
  account: EngineStore;
  address: EngineStore;
}

// The limiters hold no counts (those are in the database): one pair per engine is only to build them once.
const byEngine = new WeakMap<Engine, Limiters>();

function limitersFor(engine: Engine): Limiters {
  let limiters = byEngine.get(engine);
  if (!limiters) {
    limiters = {
      account: new EngineStore(engine, { keyPrefix: "account", ...SIGN_IN_LIMITS.account }),
      address: new EngineStore(engine, { keyPrefix: "address", ...SIGN_IN_LIMITS.address }),
    };
    byEngine.set(engine, limiters);
    clearExpiredLater(new WeakRef(engine));
  }
  return limiters;
}

/** Deletes counters whose window ended over an hour ago, every few minutes, while the engine is in use. */
function clearExpiredLater(engine: WeakRef<Engine>): void {
  const timer = setTimeout(() => {
    const target = engine.deref();
    if (!target) return;
    target
      .exec(LIMIT_CLEAR_EXPIRED, [at(Date.now() - EXPIRED_KEPT_MS)])
      .catch((error: unknown) => console.warn("Failed to clear expired sign-in counters:", error))
      .finally(() => clearExpiredLater(engine));
  }, CLEANUP_INTERVAL_MS);
  timer.unref();
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
