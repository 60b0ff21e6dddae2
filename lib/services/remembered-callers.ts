// Callers a process read lately (a bearer token's, a signed-in session's), remembered so that the
// annotation loop's routes on PostgreSQL can act for one at once, with the request's own first
// statement confirming it (db/engine.ts Confirmation, sent in the round trip of its BEGIN) instead of
// a read in a round trip of its own. A remembered caller is never an answer on its own: it always
// travels with the statement that would have read it, and a row that no longer matches refuses the
// request's work and forgets the entry (lib/http/respond.ts then reads the caller afresh).
import type { Confirmation, Engine, Query } from "@/db/engine";
import type { Caller } from "./context";

/** Entries kept at most; past it the memory starts over (each entry is a read saved, nothing more). */
const MAX_ENTRIES = 10_000;

export class RememberedCallers {
  private readonly entries = new Map<string, { caller: Caller; since: number }>();

  /** `maxAgeMs`: how long after `since` (remember's) an entry may still stand in for a read. */
  constructor(private readonly maxAgeMs: number) {}

  /**
   * The caller remembered under `key` no longer than maxAgeMs before `now`, not yet confirmed; only
   * for a `provisional` resolution on PostgreSQL, where the read it stands in for is a round trip of
   * its own (on SQLite the read is in process, and a remembered caller would save nothing).
   */
  recall(db: Pick<Engine, "kind">, key: string, now: number, provisional: boolean | undefined): Caller | undefined {
    if (!provisional || db.kind !== "postgres") return undefined;
    const entry = this.entries.get(key);
    return entry && now - entry.since <= this.maxAgeMs ? entry.caller : undefined;
  }

  /** Keeps `caller`, read from `db` at `since`, for recall (on PostgreSQL only: see recall). */
  remember(db: Pick<Engine, "kind">, key: string, caller: Caller, since: number): void {
    if (db.kind !== "postgres") return;
    if (this.entries.size >= MAX_ENTRIES && !this.entries.has(key)) this.entries.clear();
    this.entries.set(key, { caller, since });
  }

  forget(key: string): void {
    this.entries.delete(key);
  }

  /**
   * `caller` (as recalled under `key`) carrying its confirmation: `query` with `params`, the read that
   * would have found it, whose first row must pass `holds`; when it does not, the entry is forgotten.
   */
  provisional<R>(key: string, caller: Caller, query: Query<R>, params: Confirmation["params"], holds: (row: R | undefined) => boolean): Caller {
    const confirm: Confirmation<R> = {
      query,
      params,
      accept: (row) => {
        const same = holds(row);
        if (!same) this.forget(key);
        return same;
      },
    };
    return { ...caller, confirm: confirm as Confirmation };
  }
}

/** Whether a row read for a remembered caller still gives that caller: the same user, email and role. */
export function sameCaller(caller: Caller, row: { userId: number; email: string; role: Caller["role"] } | undefined): boolean {
  return row !== undefined && row.userId === caller.userId && row.email === caller.email && row.role === caller.role;
}
