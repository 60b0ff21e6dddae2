// The PostgreSQL engine: a node-postgres pool behind the interface of db/engine.ts, for teams that
// run several Arbiter instances on one database.
//
// Every write transaction takes the transaction-scoped advisory lock WRITE_LOCK before its first
// statement, in one of two modes:
//
// - Exclusive (pg_advisory_xact_lock), the default: the transaction runs alone, across every
//   instance, as SQLite's BEGIN IMMEDIATE makes writes run on one file. Imports, settings,
//   adjudication, requeues and the rest decide from what they read (the judgments an item has, a
//   project's items) and then write; with no other writer in between, each such step is exact with
//   no lock or retry of its own to get wrong, and they are rare enough for queueing not to matter.
//
// - Shared (pg_advisory_xact_lock_shared) plus a lock on the annotator, for the annotation loop
//   (Engine.write with `{ annotator }`: claiming, judging, skipping), which is most writes: these run
//   alongside each other and are made exact by PostgreSQL's row locks instead. What such a step
//   decides from is of two kinds. What belongs to the annotator (their leases, judgments, quota,
//   gold score, qualification attempt) is guarded by pg_advisory_xact_lock(ANNOTATOR_LOCK, user id),
//   taken at BEGIN, so one annotator's steps run one at a time whichever connection or instance
//   sends them. An item's seats (its judgments and live leases against the judgments it wants) are
//   guarded by the item's row: every step that takes a seat locks the row first (the claim's pick
//   `for no key update skip locked`, then a lease insert that re-counts the seats after the lock;
//   a judgment updates items.judgment_count). Everything else a step reads (the project's settings,
//   memberships, the items themselves) changes only in exclusive transactions, which wait for every
//   shared one to end and keep new ones waiting until they end.
//
// Why row locks and not SERIALIZABLE: a serializable claim would fail and retry whenever two
// annotators read the same open item, which under load is nearly every claim; a skipped row lock
// sends the second annotator to the next item at once. Why not a lock per project: every annotator
// of a project would queue behind it again. Deadlocks cannot arise: locks are taken in one order
// (WRITE_LOCK, the annotator, then at most one item a step waits for, lib/services/assignment.ts),
// and a step never waits for an item while it holds another. Should PostgreSQL still report one
// (40P01) or a serialization failure (40001), the top-level transaction is run again, up to
// RETRIES times. Reads take no lock and never wait for writers.
import { drizzle } from "drizzle-orm/node-postgres";
import { migrate } from "drizzle-orm/node-postgres/migrator";
import pg from "pg";
import { confirmWith, requirePassed, firstOfEachInTurn, inWriteOf, refuseReentry, type Confirmation, type Engine, type WriteOptions, type OpenEngine, type Param, type Query, type Row, type Snapshot, type Statements } from "./engine";

/** The advisory lock every write transaction holds ("arbi"), exclusive or shared; any other number is free for other uses. */
export const WRITE_LOCK = 0x61726269;

/** The first key of an annotator's lock (two int4 keys, a space apart from WRITE_LOCK's one bigint): ("anno", user id). */
export const ANNOTATOR_LOCK = 0x616e6e6f;

const BEGIN_WRITE = `begin; select pg_advisory_xact_lock(${WRITE_LOCK})`;

function beginFor(options: WriteOptions | undefined): string {
  const annotator = options?.annotator;
  if (annotator === undefined) return BEGIN_WRITE;
  if (!Number.isSafeInteger(annotator) || annotator < -2147483648 || annotator > 2147483647) throw new Error(`write: annotator ${annotator} is not an int4 user id`);
  return `begin; select pg_advisory_xact_lock_shared(${WRITE_LOCK}); select pg_advisory_xact_lock(${ANNOTATOR_LOCK}, ${annotator})`;
}

/** Times a top-level write transaction is run again after a deadlock or serialization failure. */
export const RETRIES = 3;

/** 40P01 deadlock_detected, 40001 serialization_failure: the transaction was rolled back and may run again. */
function retryable(e: unknown): boolean {
  const code = (e as { code?: unknown } | null)?.code;
  return code === "40P01" || code === "40001";
}

/** The session advisory lock migrations run under ("migr"), so instances starting at once migrate one after another. */
export const MIGRATE_LOCK = 0x6d696772;

const PARSERS: Record<number, (value: string) => unknown> = {
  // int8 (count(*), sum of integers) and numeric (avg, sum of numerics): numbers, as on SQLite.
  20: (v) => Number(v),
  1700: (v) => Number(v),
  // timestamptz and timestamp: integer milliseconds, as the services count time.
  1184: (v) => Date.parse(v),
  1114: (v) => Date.parse(v + "Z"),
  // json and jsonb: the text, decoded by each query's decoder (db/engine.ts `json`), as on SQLite.
  114: (v) => v,
  3802: (v) => v,
};

const types = {
  getTypeParser(oid: number, format?: string) {
    return PARSERS[oid] ?? (pg.types.getTypeParser as (oid: number, format?: string) => unknown)(oid, format);
  },
};

function bind(params: readonly Param[] | undefined): unknown[] {
  return params ? params.map((p) => (p === undefined ? null : p)) : [];
}

/** A URL without its password, for messages. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = "***";
    return u.toString();
  } catch {
    return "postgres://…";
  }
}

/** What the executors need of a pool, a pooled connection or a connection taking turns. */
interface Client {
  query<R extends pg.QueryResultRow = Row>(config: pg.QueryConfig | string): Promise<pg.QueryResult<R>>;
}

/**
 * A snapshot's connection with its statements sent one after another. A stream asks for its next
 * batch while the caller works on this one, and the caller may run other statements meanwhile; pg
 * would queue them itself, but that is deprecated (pg 9 refuses a query on a busy client).
 */
function takingTurns(client: pg.PoolClient): Client {
  let last: Promise<unknown> = Promise.resolve();
  return {
    query<R extends pg.QueryResultRow>(config: pg.QueryConfig | string) {
      const run = last.then(() => client.query<R>(config));
      last = run.catch(() => undefined);
      return run;
    },
  };
}

class Names {
  private readonly byText = new Map<string, string>();
  of(q: Query<unknown>): string | undefined {
    if (!q.registered) return undefined;
    let name = this.byText.get(q.postgres);
    if (!name) this.byText.set(q.postgres, (name = `arbiter_${this.byText.size + 1}`));
    return name;
  }
}

async function query(client: Client, names: Names, q: Query<unknown>, params?: readonly Param[]): Promise<pg.QueryResult<Row>> {
  return client.query<Row>({ name: names.of(q), text: q.postgres, values: bind(params) });
}

function executor(client: Client, names: Names, location: string): Statements {
  return {
    kind: "postgres",
    location,
    async many(q, params) {
      const { rows } = await query(client, names, q, params);
      return rows.map(q.decode);
    },
    async first(q, params) {
      const { rows } = await query(client, names, q, params);
      return rows.length ? q.decode(rows[0]) : undefined;
    },
    async exec(q, params) {
      const { rowCount } = await query(client, names, q, params);
      return rowCount ?? 0;
    },
  };
}

let cursors = 0;

function snapshotOf(connection: pg.PoolClient, names: Names, location: string): Snapshot {
  const client = takingTurns(connection);
  return {
    ...executor(client, names, location),
    async *stream(q, params, batchSize = 1000) {
      // A server-side cursor in the open transaction: the server holds the result, we fetch a batch at
      // a time. The next batch is asked for before this one is handed out, so the server reads it while
      // the caller encodes (a statement the caller makes in between waits its turn behind that fetch).
      const cursor = `arbiter_cursor_${++cursors}`;
      const fetchNext = () => {
        const fetched = client.query<Row>(`fetch ${batchSize} from ${cursor}`);
        // Awaited below; until then a failure must not count as unhandled (which ends the process).
        fetched.catch(() => undefined);
        return fetched;
      };
      await client.query({ text: `declare ${cursor} no scroll cursor for ${q.postgres}`, values: bind(params) });
      let next: Promise<pg.QueryResult<Row>> | undefined = fetchNext();
      try {
        while (next) {
          const rows: Row[] = (await next).rows;
          next = rows.length < batchSize ? undefined : fetchNext();
          for (const row of rows) yield q.decode(row);
        }
      } finally {
        // A caller that stops early leaves a fetch in flight: let it finish before the cursor closes.
        await next?.catch(() => undefined);
        await client.query(`close ${cursor}`);
      }
    },
  };
}

/** The named statements each pooled connection has prepared in a write transaction (kept for the connection's life). */
const preparedOn = new WeakMap<pg.PoolClient, Set<string>>();

/**
 * A parameter as an SQL literal for EXECUTE: quoted like a bound parameter's text (an untyped
 * literal, so it takes the statement's parameter type as a bound value does), escaped by pg's own
 * escapeLiteral. Timestamps as ISO text (every timestamp column is timestamptz).
 */
function literal(value: Param | undefined): string {
  if (value === null || value === undefined) return "null";
  if (value instanceof Date) return pg.escapeLiteral(value.toISOString());
  if (Buffer.isBuffer(value)) return `'\\x${value.toString("hex")}'`;
  return pg.escapeLiteral(String(value));
}

/**
 * A write transaction on `client`, in as few round trips as its statements allow. BEGIN and its
 * advisory locks (`opening`) are not sent on their own: they go with the transaction's first
 * statement, and `finish` sends COMMIT with its last, each time in one simple query that runs the
 * statement as `execute <name>(<literals>)` when it is already prepared on this connection (its plan
 * kept, as a bound statement's); a statement not yet prepared there goes on its own, bound, as
 * before; `firstOfBoth` sends its two statements in one such query too. A write's Confirmation goes
 * with the opening the same way (then checked before anything else counts; a first round trip that
 * would also commit sends its COMMIT only after the check), or bound right after BEGIN where it is
 * not yet prepared on this connection. The annotation loop's steps
 * are a few statements each, and on a busy server each
 * statement's round trip is a good part of a request's cost (README "Claiming and judging over HTTP").
 * `state` says what is left for `write` to send: the opening was never sent (nothing to commit), the
 * transaction is open (COMMIT or ROLLBACK), or `finish` committed it.
 */
function transactionOf(client: pg.PoolClient, names: Names, location: string, shared: boolean, opening: string, confirm?: Confirmation): { tx: Engine; state: () => "unsent" | "open" | "committed"; confirmed: () => Promise<void> } {
  let state: "unsent" | "open" | "committed" = "unsent";
  let prepared = preparedOn.get(client);
  if (!prepared) preparedOn.set(client, (prepared = new Set()));
  const known = prepared;
  const check = (result: pg.QueryResult<Row>) => requirePassed(confirm!, result.rows.length ? confirm!.query.decode(result.rows[0]) : undefined);
  const begin = async () => {
    if (state === "committed") throw new Error("write: a statement after the transaction's finish (it committed)");
    if (state === "open") return;
    state = "open";
    await client.query(opening);
    if (confirm) {
      check(await query(client, names, confirm.query, confirm.params));
      const name = names.of(confirm.query);
      if (name !== undefined) known.add(name);
    }
  };
  // (A NUL cannot stand in a simple query's text: such a value goes bound, and PostgreSQL refuses it there.)
  const inlinable = (params: readonly Param[] | undefined) => !params?.some((p) => typeof p === "string" && p.includes("\u0000"));
  const executing = (name: string, params: readonly Param[] | undefined) => `execute ${name}${params?.length ? `(${params.map(literal).join(", ")})` : ""}`;
  /**
   * Runs `statements` in order, their results in that order: in one simple query (with the opening
   * when it is unsent, and COMMIT after them with `commit`) when each is prepared on this connection
   * already; else each bound on its own, as before.
   */
  const run = async (statements: readonly (readonly [Query<unknown>, readonly Param[] | undefined])[], commit: boolean): Promise<pg.QueryResult<Row>[]> => {
    if (state === "committed") throw new Error("write: a statement after the transaction's finish (it committed)");
    const opens = state === "unsent";
    // The confirmation goes with the opening, before the statements; their answers count only once it passed.
    const confirming = opens && confirm !== undefined;
    const named = [...(confirming ? [[confirm.query, confirm.params] as const] : []), ...statements].map(([q, params]) => ({ name: names.of(q), params }));
    const together = opens || commit || statements.length > 1;
    if (together && named.every(({ name, params }) => name !== undefined && known.has(name) && inlinable(params))) {
      // (A commit waits for the confirmation's check: it is sent after it, on its own.)
      const commitsHere = commit && !confirming;
      const sql = [...(opens ? [opening] : []), ...named.map(({ name, params }) => executing(name!, params)), ...(commitsHere ? ["commit"] : [])].join("; ");
      state = "open";
      const answer = (await client.query<Row>(sql)) as unknown as pg.QueryResult<Row> | pg.QueryResult<Row>[];
      if (commitsHere) state = "committed";
      const results = Array.isArray(answer) ? answer : [answer];
      const end = results.length - (commitsHere ? 1 : 0);
      if (confirming) check(results[end - statements.length - 1]);
      if (commit && !commitsHere) {
        await client.query("commit");
        state = "committed";
      }
      return results.slice(end - statements.length, end);
    }
    await begin();
    const out: pg.QueryResult<Row>[] = [];
    for (const [q, params] of statements) {
      out.push(await query(client, names, q, params));
      const name = names.of(q);
      if (name !== undefined) known.add(name);
    }
    if (commit) {
      await client.query("commit");
      state = "committed";
    }
    return out;
  };
  const firstOf = <R>(q: Query<R>, result: pg.QueryResult<Row>) => (result.rows.length ? q.decode(result.rows[0]) : undefined);
  let depth = 0;
  const tx: Engine = {
    kind: "postgres",
    location,
    async many(q, params) {
      const [{ rows }] = await run([[q, params]], false);
      return rows.map(q.decode);
    },
    async first(q, params) {
      const [result] = await run([[q, params]], false);
      return firstOf(q, result);
    },
    async finish(q, params) {
      // In a savepoint the outer transaction goes on: no commit there.
      const [result] = await run([[q, params]], depth === 0);
      return firstOf(q, result);
    },
    async firstOfBoth(a, aParams, b, bParams) {
      const [ra, rb] = await run([[a, aParams], [b, bParams]], false);
      return [firstOf(a, ra), firstOf(b, rb)];
    },
    async exec(q, params) {
      const [{ rowCount }] = await run([[q, params]], false);
      return rowCount ?? 0;
    },
    async write(fn, options) {
      // A nested plain write counts on running alone, which a transaction holding the shared lock does not.
      if (shared && options?.annotator === undefined) throw new Error("write: a plain write nested in an annotator's write would not run alone; pass { annotator } or make the outer write plain");
      await begin();
      const name = `arbiter_sp_${++depth}`;
      await client.query(`savepoint ${name}`);
      try {
        if (options?.confirm) await confirmWith(tx, options.confirm);
        const out = await fn(tx);
        await client.query(`release savepoint ${name}`);
        return out;
      } catch (e) {
        await client.query(`rollback to savepoint ${name}`);
        throw e;
      } finally {
        depth--;
      }
    },
    snapshot: async (fn) => {
      await begin();
      return fn(snapshotOf(client, names, location));
    },
  };
  // (A write that sent nothing still checks its confirmation before it answers.)
  return { tx, state: () => state, confirmed: async () => (confirm && state === "unsent" ? begin() : undefined) };
}

export class PostgresEngine implements OpenEngine {
  readonly kind = "postgres" as const;
  readonly location: string;
  private readonly names = new Names();
  private readonly root: Statements;

  constructor(
    readonly url: string,
    readonly pool: pg.Pool,
  ) {
    this.location = redactUrl(url);
    this.root = executor(pool, this.names, this.location);
  }

  async many<R>(q: Query<R>, params?: readonly Param[]): Promise<R[]> {
    refuseReentry(this);
    return this.root.many(q, params);
  }

  async first<R>(q: Query<R>, params?: readonly Param[]): Promise<R | undefined> {
    refuseReentry(this);
    return this.root.first(q, params);
  }

  finish<R>(q: Query<R>, params?: readonly Param[]): Promise<R | undefined> {
    return this.first(q, params);
  }

  firstOfBoth<A, B>(a: Query<A>, aParams: readonly Param[], b: Query<B>, bParams: readonly Param[]): Promise<[A | undefined, B | undefined]> {
    return firstOfEachInTurn(this, a, aParams, b, bParams);
  }

  async exec(q: Query<unknown>, params?: readonly Param[]): Promise<number> {
    refuseReentry(this);
    return this.root.exec(q, params);
  }

  async write<T>(fn: (tx: Engine) => Promise<T>, options?: WriteOptions): Promise<T> {
    refuseReentry(this);
    const begin = beginFor(options);
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.writeOnce(begin, options?.annotator !== undefined, fn, options?.confirm);
      } catch (e) {
        if (attempt >= RETRIES || !retryable(e)) throw e;
      }
    }
  }

  private async writeOnce<T>(begin: string, shared: boolean, fn: (tx: Engine) => Promise<T>, confirm?: Confirmation): Promise<T> {
    const client = await this.pool.connect();
    let broken: Error | undefined;
    // BEGIN and the locks go with the first statement (transactionOf): they are held from it to the
    // commit. A transaction that sent nothing has nothing to commit or roll back; one that `finish`ed
    // has committed.
    const { tx, state, confirmed } = transactionOf(client, this.names, this.location, shared, begin, confirm);
    try {
      const out = await inWriteOf(this, () => fn(tx));
      await confirmed();
      if (state() === "open") await client.query("commit");
      return out;
    } catch (e) {
      if (state() === "open") await client.query("rollback").catch((err: Error) => (broken = err));
      throw e;
    } finally {
      client.release(broken);
    }
  }

  async snapshot<T>(fn: (view: Snapshot) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    let broken: Error | undefined;
    try {
      await client.query("begin isolation level repeatable read read only");
      const out = await fn(snapshotOf(client, this.names, this.location));
      await client.query("commit");
      return out;
    } catch (e) {
      await client.query("rollback").catch((err: Error) => (broken = err));
      throw e;
    } finally {
      client.release(broken);
    }
  }

  /**
   * drizzle's migrator on one connection holding MIGRATE_LOCK: a second instance starting at the
   * same moment waits, then finds the migrations applied and does nothing.
   */
  async migrate(folder: string): Promise<void> {
    refuseReentry(this);
    const client = await this.pool.connect();
    let broken: Error | undefined;
    try {
      await client.query("select pg_advisory_lock($1)", [MIGRATE_LOCK]);
      try {
        await migrate(drizzle({ client }), { migrationsFolder: folder });
      } finally {
        await client.query("select pg_advisory_unlock($1)", [MIGRATE_LOCK]).catch((err: Error) => (broken = err));
      }
    } finally {
      client.release(broken);
    }
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}

/** Connections each process keeps open at most (`ARBITER_PG_POOL_SIZE`, default 10). */
export function poolSize(source: Record<string, string | undefined> = process.env): number {
  const raw = source.ARBITER_PG_POOL_SIZE;
  if (raw === undefined || raw === "") return 10;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > 1000) throw new Error(`ARBITER_PG_POOL_SIZE: must be a whole number from 1 to 1000 (got "${raw}")`);
  return n;
}

export function isPostgresUrl(target: string): boolean {
  return /^postgres(ql)?:\/\//i.test(target);
}

export function openPostgres(url: string, options: { max?: number } = {}): PostgresEngine {
  const pool = new pg.Pool({ connectionString: url, max: options.max ?? poolSize(), types });
  // An idle connection the server dropped (restart, failover) must not crash the process; the pool replaces it.
  pool.on("error", (err) => console.error(`PostgreSQL connection error (${redactUrl(url)}): ${err.message}`));
  return new PostgresEngine(url, pool);
}
