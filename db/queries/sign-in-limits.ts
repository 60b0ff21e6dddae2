// Statements on the sign-in throttle's counters (sign_in_limits: one row per throttled key, shared by
// every server on the database). The upsert is one statement so concurrent attempts cannot both
// read a count below the limit.
import { defineQuery, num, numOrNull, str } from "../engine";

export interface LimitRow {
  points: number;
  /** When the window ends (ms), or null for a key that never expires. */
  expire: number | null;
}

const limitRow = (r: Record<string, unknown>): LimitRow => ({ points: num(r.points), expire: numOrNull(r.expire) });

/**
 * Adds points to a key's count, or starts a new window (points, expire) when the key is new or its
 * window has passed. Params: key, points, expire, now, now.
 */
export const LIMIT_ADD = defineQuery(
  "signInLimits.add",
  `insert into sign_in_limits (key, points, expire) values (?, ?, ?)
   on conflict (key) do update set
     points = case when sign_in_limits.expire <= ? then excluded.points else sign_in_limits.points + excluded.points end,
     expire = case when sign_in_limits.expire <= ? then excluded.expire else sign_in_limits.expire end
   returning points, expire`,
  limitRow,
);

/** Sets a key's count and window, whatever they were. Params: key, points, expire. */
export const LIMIT_SET = defineQuery(
  "signInLimits.set",
  `insert into sign_in_limits (key, points, expire) values (?, ?, ?)
   on conflict (key) do update set points = excluded.points, expire = excluded.expire
   returning points, expire`,
  limitRow,
);

/** A key's count while its window lasts. Params: key, now. */
export const LIMIT_GET = defineQuery("signInLimits.get", "select points, expire from sign_in_limits where key = ? and (expire > ? or expire is null)", limitRow);

export const LIMIT_DELETE = defineQuery("signInLimits.delete", "delete from sign_in_limits where key = ? returning key", (r) => str(r.key));

/** Forgets windows that ended before the time given. */
export const LIMIT_CLEAR_EXPIRED = defineQuery("signInLimits.clearExpired", "delete from sign_in_limits where expire < ?");
