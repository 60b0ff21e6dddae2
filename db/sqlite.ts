// The embedded engine: one better-sqlite3 connection per process and file (WAL, foreign keys, busy
// timeout), behind the async interface of db/engine.ts. better-sqlite3 is synchronous, so a
// statement costs what it did before; what the interface adds is a turn: while one caller's write
// transaction awaits between its statements, every other caller on this connection waits for it
// (otherwise their statements would run inside it), and write transactions take SQLite's write lock
// at their start (BEGIN IMMEDIATE) so concurrent processes queue instead of failing.
import Database from "better-sqlite3";
import { drizzle } from "drizzle-orm/better-sqlite3";
import { migrate } from "drizzle-orm/better-sqlite3/migrator";
import fs from "node:fs";
import path from "node:path";
import { confirmWith, firstOfEachInTurn, inWriteOf, refuseReentry, type Engine, type OpenEngine, type Param, type Query, type Snapshot, type WriteOptions } from "./engine";

/** The values `ARBITER_SQLITE_SYNCHRONOUS` may take; README "Durability" has the measurement behind the default. */
export const SYNCHRONOUS_MODES = ["NORMAL", "FULL"] as const;
export type SynchronousMode = (typeof SYNCHRONOUS_MODES)[number];
export const DEFAULT_SYNCHRONOUS: SynchronousMode = "NORMAL";

/**
 * How hard SQLite waits for the disk on commit. In WAL mode NORMAL never corrupts the database but a
 * power loss or OS crash may undo the last commits; FULL syncs the WAL on every commit. A value
 * other than NORMAL or FULL stops the process at the first open, naming the variable.
 */
export function synchronousMode(source: Record<string, string | undefined> = process.env): SynchronousMode {
  const raw = source.ARBITER_SQLITE_SYNCHRONOUS;
  if (raw === undefined || raw === "") return DEFAULT_SYNCHRONOUS;
  const mode = raw.toUpperCase();
  if (!(SYNCHRONOUS_MODES as readonly string[]).includes(mode)) {
    throw new Error(`ARBITER_SQLITE_SYNCHRONOUS: must be ${SYNCHRONOUS_MODES.join(" or ")} (got "${raw}")`);
  }
  return mode as SynchronousMode;
}

export function openSqliteConnection(file: string, options: { readonly?: boolean } = {}): Database.Database {
  if (options.readonly) return new Database(file, { readonly: true, fileMustExist: true });
  // A bad setting stops the open before anything is created on disk.
  const synchronous = synchronousMode();
  if (file !== ":memory:") fs.mkdirSync(path.dirname(file), { recursive: true });
  const conn = new Database(file);
  conn.pragma("journal_mode = WAL");
  conn.pragma("foreign_keys = ON");
  conn.pragma("busy_timeout = 5000");
  conn.pragma(`synchronous = ${synchronous}`);
  return conn;
}

function bind(params: readonly Param[] | undefined): unknown[] {
  if (!params) return [];
  return params.map((p) => (p === undefined ? null : typeof p === "boolean" ? (p ? 1 : 0) : p instanceof Date ? p.getTime() : p));
}

/** Statements compiled once per connection (the text is the key). */
class Statements {
  private readonly cache = new Map<string, Database.Statement>();
  constructor(readonly conn: Database.Database) {}
  get(q: Query<unknown>): Database.Statement {
    let s = this.cache.get(q.sqlite);
    if (!s) {
      s = this.conn.prepare(q.sqlite);
      if (q.registered) this.cache.set(q.sqlite, s);
    }
    return s;
  }
}

function runMany<R>(stmts: Statements, q: Query<R>, params?: readonly Param[]): R[] {
  const s = stmts.get(q);
  if (!s.reader) {
    s.run(...bind(params));
    return [];
  }
  return (s.all(...bind(params)) as Record<string, unknown>[]).map(q.decode);
}

function runFirst<R>(stmts: Statements, q: Query<R>, params?: readonly Param[]): R | undefined {
  const s = stmts.get(q);
  if (!s.reader) {
    s.run(...bind(params));
    return undefined;
  }
  const row = s.get(...bind(params)) as Record<string, unknown> | undefined;
  return row === undefined ? undefined : q.decode(row);
}

function runExec(stmts: Statements, q: Query<unknown>, params?: readonly Param[]): number {
  const s = stmts.get(q);
  if (s.reader) {
    // A statement that returns rows (insert … returning) still changes them: count what it returned.
    return s.all(...bind(params)).length;
  }
  return s.run(...bind(params)).changes;
}

/** The connection's turn: one write transaction at a time, and nobody else on the connection while it is open. */
class Turn {
  private held: Promise<void> | null = null;
  private release: (() => void) | null = null;

  async acquire(): Promise<void> {
    while (this.held) await this.held;
    this.held = new Promise((resolve) => (this.release = resolve));
  }

  end(): void {
    const release = this.release;
    this.held = null;
    this.release = null;
    release?.();
  }

  /** Resolves when no transaction is open (at once, most of the time). */
  async idle(): Promise<void> {
    while (this.held) await this.held;
  }

  get busy(): boolean {
    return this.held !== null;
  }
}

/** The engine inside an open write transaction on `conn`: no waiting for the turn (it holds it); nested writes are savepoints. */
function transactionEngine(file: string, stmts: Statements, owner: SqliteEngine): Engine {
  let depth = 0;
  const tx: Engine = {
    kind: "sqlite",
    location: file,
    many: async (q, params) => runMany(stmts, q, params),
    first: async (q, params) => runFirst(stmts, q, params),
    finish: async (q, params) => runFirst(stmts, q, params),
    firstOfBoth: async (a, aParams, b, bParams) => [runFirst(stmts, a, aParams), runFirst(stmts, b, bParams)],
    exec: async (q, params) => runExec(stmts, q, params),
    async write(fn, options) {
      const name = `arbiter_sp_${++depth}`;
      stmts.conn.exec(`savepoint ${name}`);
      try {
        if (options?.confirm) await confirmWith(tx, options.confirm);
        const out = await fn(tx);
        stmts.conn.exec(`release ${name}`);
        return out;
      } catch (e) {
        stmts.conn.exec(`rollback to ${name}`);
        stmts.conn.exec(`release ${name}`);
        throw e;
      } finally {
        depth--;
      }
    },
    snapshot: (fn) => fn(snapshotOn(file, stmts)),
  };
  void owner;
  return tx;
}

function snapshotOn(file: string, stmts: Statements): Snapshot {
  return {
    kind: "sqlite",
    location: file,
    many: async (q, params) => runMany(stmts, q, params),
    first: async (q, params) => runFirst(stmts, q, params),
    exec: async (q, params) => runExec(stmts, q, params),
    async *stream(q, params) {
      // The statement's own iterator reads rows from SQLite one at a time; it is not cached because
      // a statement that is iterating cannot run again until it is done.
      const s = stmts.conn.prepare(q.sqlite);
      for (const row of s.iterate(...bind(params)) as IterableIterator<Record<string, unknown>>) yield q.decode(row);
    },
  };
}

export class SqliteEngine implements OpenEngine {
  readonly kind = "sqlite" as const;
  readonly stmts: Statements;
  private readonly turn = new Turn();
  private readonly tx: Engine;

  constructor(
    readonly location: string,
    readonly conn: Database.Database,
  ) {
    this.stmts = new Statements(conn);
    this.tx = transactionEngine(location, this.stmts, this);
  }

  async many<R>(q: Query<R>, params?: readonly Param[]): Promise<R[]> {
    if (this.turn.busy) {
      refuseReentry(this);
      await this.turn.idle();
    }
    return runMany(this.stmts, q, params);
  }

  async first<R>(q: Query<R>, params?: readonly Param[]): Promise<R | undefined> {
    if (this.turn.busy) {
      refuseReentry(this);
      await this.turn.idle();
    }
    return runFirst(this.stmts, q, params);
  }

  finish<R>(q: Query<R>, params?: readonly Param[]): Promise<R | undefined> {
    return this.first(q, params);
  }

  firstOfBoth<A, B>(a: Query<A>, aParams: readonly Param[], b: Query<B>, bParams: readonly Param[]): Promise<[A | undefined, B | undefined]> {
    return firstOfEachInTurn(this, a, aParams, b, bParams);
  }

  async exec(q: Query<unknown>, params?: readonly Param[]): Promise<number> {
    if (this.turn.busy) {
      refuseReentry(this);
      await this.turn.idle();
    }
    return runExec(this.stmts, q, params);
  }

  async write<T>(fn: (tx: Engine) => Promise<T>, options?: WriteOptions): Promise<T> {
    if (this.turn.busy) refuseReentry(this);
    await this.turn.acquire();
    try {
      this.conn.exec("begin immediate");
      try {
        const out = await inWriteOf(this, async () => {
          if (options?.confirm) await confirmWith(this.tx, options.confirm);
          return fn(this.tx);
        });
        this.conn.exec("commit");
        return out;
      } catch (e) {
        if (this.conn.inTransaction) this.conn.exec("rollback");
        throw e;
      }
    } finally {
      this.turn.end();
    }
  }

  /**
   * A read transaction on a second, read-only connection: WAL lets it read one consistent state
   * while this connection goes on writing. An in-memory database has no second connection, so it
   * reads through this one, in its turn.
   */
  async snapshot<T>(fn: (view: Snapshot) => Promise<T>): Promise<T> {
    if (this.location === ":memory:") {
      await this.turn.acquire();
      try {
        return await fn(snapshotOn(this.location, this.stmts));
      } finally {
        this.turn.end();
      }
    }
    const reader = openSqliteConnection(this.location, { readonly: true });
    try {
      reader.exec("begin");
      return await fn(snapshotOn(this.location, new Statements(reader)));
    } finally {
      if (reader.inTransaction) reader.exec("commit");
      reader.close();
    }
  }

  /** drizzle's migrator on this connection, in the connection's turn (it runs its own transaction). */
  async migrate(folder: string): Promise<void> {
    await this.turn.acquire();
    try {
      migrateConnection(this.conn, folder);
    } finally {
      this.turn.end();
    }
  }

  async close(): Promise<void> {
    await this.turn.idle();
    this.conn.close();
  }
}

/**
 * Applies the migrations in `folder` to a connection at once (better-sqlite3 is synchronous), for
 * code that has a bare connection and cannot await: the synchronous test helper and the benchmarks.
 */
export function migrateConnection(conn: Database.Database, folder: string): void {
  migrate(drizzle(conn), { migrationsFolder: folder });
}

export function openSqlite(file: string): SqliteEngine {
  return new SqliteEngine(file, openSqliteConnection(file));
}
