// The one interface the services reach the database through, whichever engine is behind it (SQLite
// in db/sqlite.ts, PostgreSQL in db/postgres.ts). A statement is a `Query`: its SQL text for each
// engine, written once with the few fragments that differ (`Dialect`), and the decoder that turns a
// row into a named, typed object. Services never see a driver, a positional tuple or a dialect.
import { AsyncLocalStorage } from "node:async_hooks";

export type EngineKind = "sqlite" | "postgres";

/** A value bound to a `?` placeholder. Dates are timestamps (integer milliseconds on SQLite, timestamptz on PostgreSQL). */
export type Param = string | number | boolean | bigint | null | Date | Buffer;

/** A row as the driver gives it: integers and timestamps as numbers, JSON as text, booleans as booleans or 0/1. */
export type Row = Record<string, unknown>;

export interface Query<R = Row> {
  readonly name: string;
  readonly sqlite: string;
  readonly postgres: string;
  readonly decode: (row: Row) => R;
  /** False for statements built at run time (not listed for the statement test, not cached by the driver). */
  readonly registered: boolean;
}

/** The SQL fragments that differ between the engines; everything else is written once. */
export interface Dialect {
  readonly kind: EngineKind;
  /** The current time as stored in timestamp columns. */
  readonly now: string;
  /** A timestamp column (or expression) as integer milliseconds since the epoch, for arithmetic. */
  ms(expr: string): string;
  /** A from-clause source yielding one row per element of the JSON text array `expr`, its text as `alias.value`. */
  eachText(expr: string, alias: string): string;
  /** Length of a JSON array column or expression. */
  jsonLength(expr: string): string;
  /** A placeholder bound to JSON text, typed as the engine's JSON type. */
  readonly jsonParam: string;
  /** A JSON array of `expr`'s values over the group, as JSON text. */
  jsonGroupArray(expr: string): string;
  /** A floating-point value of `expr` (division without integer truncation). */
  float(expr: string): string;
  greatest(...exprs: string[]): string;
  least(...exprs: string[]): string;
  /** Case-insensitive LIKE. */
  readonly ilike: string;
  /** A planner hint naming an index (SQLite's `indexed by`); nothing on PostgreSQL, whose planner needs none. */
  indexedBy(index: string): string;
  /** Concatenation of `expr`'s text values over the group, separated by `separator` (a SQL string literal). */
  groupConcat(expr: string, separator: string): string;
}

const sqliteDialect: Dialect = {
  kind: "sqlite",
  now: "(cast(unixepoch('subsec') * 1000 as integer))",
  ms: (expr) => expr,
  eachText: (expr, alias) => `json_each(${expr}) as ${alias}`,
  jsonLength: (expr) => `json_array_length(${expr})`,
  jsonParam: "?",
  jsonGroupArray: (expr) => `json_group_array(${expr})`,
  float: (expr) => `cast(${expr} as real)`,
  greatest: (...exprs) => `max(${exprs.join(", ")})`,
  least: (...exprs) => `min(${exprs.join(", ")})`,
  ilike: "like",
  indexedBy: (index) => `indexed by ${index}`,
  groupConcat: (expr, separator) => `group_concat(${expr}, ${separator})`,
};

const postgresDialect: Dialect = {
  kind: "postgres",
  now: "now()",
  ms: (expr) => `(extract(epoch from ${expr}) * 1000)::bigint`,
  eachText: (expr, alias) => `jsonb_array_elements_text(${expr}) as ${alias}(value)`,
  jsonLength: (expr) => `jsonb_array_length(${expr})`,
  jsonParam: "?::jsonb",
  jsonGroupArray: (expr) => `coalesce(jsonb_agg(${expr}), '[]'::jsonb)`,
  float: (expr) => `(${expr})::float8`,
  greatest: (...exprs) => `greatest(${exprs.join(", ")})`,
  least: (...exprs) => `least(${exprs.join(", ")})`,
  ilike: "ilike",
  indexedBy: () => "",
  groupConcat: (expr, separator) => `string_agg((${expr})::text, ${separator})`,
};

export const DIALECTS: Record<EngineKind, Dialect> = { sqlite: sqliteDialect, postgres: postgresDialect };

/**
 * SQLite's `?` placeholders as PostgreSQL's `$1, $2, …`. Question marks inside string literals,
 * quoted identifiers and comments are left alone.
 */
export function numberPlaceholders(text: string): string {
  let out = "";
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === "'" || c === '"') {
      const end = text.indexOf(c, i + 1);
      const stop = end === -1 ? text.length : end + 1;
      out += text.slice(i, stop);
      i = stop - 1;
    } else if (c === "-" && text[i + 1] === "-") {
      const end = text.indexOf("\n", i);
      const stop = end === -1 ? text.length : end;
      out += text.slice(i, stop);
      i = stop - 1;
    } else if (c === "?") {
      out += "$" + ++n;
    } else {
      out += c;
    }
  }
  return out;
}

const registry: Query<unknown>[] = [];
const names = new Set<string>();

function build<R>(name: string, text: string | ((d: Dialect) => string), decode: ((row: Row) => R) | undefined, registered: boolean): Query<R> {
  const render = (d: Dialect) => (typeof text === "string" ? text : text(d));
  return {
    name,
    sqlite: render(sqliteDialect),
    postgres: numberPlaceholders(render(postgresDialect)),
    decode: decode ?? ((row) => row as R),
    registered,
  };
}

/**
 * Defines a statement once, at module load: `text` uses `?` placeholders and, where the engines
 * differ, the dialect's fragments; `decode` turns each row into the caller's named object. Every
 * statement defined here is prepared against both engines by test/integration/queries.test.ts.
 */
export function defineQuery<R = Row>(name: string, text: string | ((d: Dialect) => string), decode?: (row: Row) => R): Query<R> {
  if (names.has(name)) throw new Error(`query "${name}" is defined twice`);
  names.add(name);
  const q = build(name, text, decode, true);
  registry.push(q as Query<unknown>);
  return q;
}

/**
 * A statement whose text is only known at run time (a multi-row insert, a table named by a caller).
 * Prefer `defineQuery`: these are not prepared by the statement test.
 */
export function dynamicQuery<R = Row>(text: string | ((d: Dialect) => string), decode?: (row: Row) => R): Query<R> {
  return build("dynamic", text, decode, false);
}

/** Every statement defined with `defineQuery` so far (import the db/queries modules first). */
export function definedQueries(): readonly Query<unknown>[] {
  return registry;
}

/** What every engine does: run statements and transactions. Inside `write`, the same interface runs in the transaction. */
export interface Engine {
  readonly kind: EngineKind;
  /** Every row, decoded. */
  many<R>(q: Query<R>, params?: readonly Param[]): Promise<R[]>;
  /** The first row, decoded, or undefined. */
  first<R>(q: Query<R>, params?: readonly Param[]): Promise<R | undefined>;
  /** Runs a statement; resolves to the number of rows it changed. */
  exec(q: Query<unknown>, params?: readonly Param[]): Promise<number>;
  /**
   * `first` for the last statement of a write transaction: on PostgreSQL the transaction commits in
   * the same round trip, and runs no statement after it (one throws). The annotation loop's steps end
   * this way (a claim's lease, a judgment's insert). Elsewhere (SQLite, outside a transaction, in a
   * nested write) the same as `first`, the commit coming when `write` returns.
   */
  finish<R>(q: Query<R>, params?: readonly Param[]): Promise<R | undefined>;
  /**
   * `first` of two statements, `b` run after `a` whatever `a` returns: on PostgreSQL in one round trip
   * inside a write transaction (with BEGIN when they are its first statements) once both are prepared
   * on its connection; elsewhere one after the other. For a step that knows its second statement's
   * values before its first answers (a claim's pick sent with its project read, on a guess it checks).
   */
  firstOfBoth<A, B>(a: Query<A>, aParams: readonly Param[], b: Query<B>, bParams: readonly Param[]): Promise<[A | undefined, B | undefined]>;
  /**
   * Runs `fn` in a write transaction: all of it or none of it, and no other write transaction of any
   * process on this database runs between its reads and its writes (SQLite: BEGIN IMMEDIATE;
   * PostgreSQL: an advisory lock, db/postgres.ts says why). Nested, it is a savepoint.
   * `fn` does database work only: no network calls, no waiting on anything else.
   *
   * With `{ annotator }`, the transaction is one annotator's step of the annotation loop (claiming,
   * judging, skipping) and is exact by locking the rows it decides on instead: on PostgreSQL it runs
   * alongside other annotators' such steps, one at a time per annotator, and still never alongside a
   * plain write; it must lock each item whose seats it decides on (db/queries/assignment.ts says
   * how). SQLite ignores the option: every write there runs alone.
   */
  write<T>(fn: (tx: Engine) => Promise<T>, options?: WriteOptions): Promise<T>;
  /**
   * Runs `fn` on one consistent view of the database that other writers do not block (a read
   * transaction on its own connection), with `stream` for large results.
   */
  snapshot<T>(fn: (view: Snapshot) => Promise<T>): Promise<T>;
  /** The location, for messages (a file path, or a URL without its password). */
  readonly location: string;
}

/** How a write transaction is made exact (Engine.write). */
export interface WriteOptions {
  /** The annotator whose step of the annotation loop this is: it locks the rows it decides on (see Engine.write). */
  annotator?: number;
  /** A statement whose answer must pass before the transaction's own answers count (see Confirmation). */
  confirm?: Confirmation;
}

/**
 * A statement a write transaction runs before its own, whose row must pass `accept` for the
 * transaction to go on; otherwise it throws ConfirmationFailed and changes nothing. On PostgreSQL it
 * goes in the transaction's first round trip, with BEGIN (db/postgres.ts), so checking costs no round
 * trip of its own: how a caller this process read on an earlier request is confirmed by the request
 * that acts for it (lib/services/tokens.ts, `confirming`).
 */
export interface Confirmation<R = unknown> {
  query: Query<R>;
  params: readonly Param[];
  accept(row: R | undefined): boolean;
}

/** A write's Confirmation did not pass: the transaction was rolled back before anything it did counted. */
export class ConfirmationFailed extends Error {
  readonly code = "confirmation_failed";
  constructor() {
    super("The write's confirmation did not pass; nothing was changed.");
  }
}

/**
 * Whether `e` is a ConfirmationFailed, by its code: a bundle may hold this module more than once
 * (the production build does), and an error from one copy is no instance of another's class.
 */
export function isConfirmationFailed(e: unknown): e is ConfirmationFailed {
  return e instanceof Error && (e as { code?: unknown }).code === "confirmation_failed";
}

/** Throws ConfirmationFailed unless `row` (the confirmation's first row, decoded) passes. */
export function requirePassed<R>(confirmation: Confirmation<R>, row: R | undefined): void {
  if (!confirmation.accept(row)) throw new ConfirmationFailed();
}

/** Runs a Confirmation as a statement of its own (where it cannot go with BEGIN). */
export async function confirmWith(db: Pick<Engine, "first">, confirmation: Confirmation): Promise<void> {
  requirePassed(confirmation, await db.first(confirmation.query, confirmation.params));
}

/**
 * `db` for work on behalf of someone not yet confirmed: its first write carries `confirmation`, and
 * anything else it runs first is preceded by it; once one has passed, statements go straight
 * through. So nothing this engine runs answers before the confirmation has passed.
 */
export function confirming(db: OpenEngine, confirmation: Confirmation): OpenEngine {
  let confirmed = false;
  const first = async () => {
    if (confirmed) return;
    await confirmWith(db, confirmation);
    confirmed = true;
  };
  return {
    kind: db.kind,
    location: db.location,
    many: async (q, params) => (await first(), db.many(q, params)),
    first: async (q, params) => (await first(), db.first(q, params)),
    exec: async (q, params) => (await first(), db.exec(q, params)),
    finish: async (q, params) => (await first(), db.finish(q, params)),
    firstOfBoth: async (a, aParams, b, bParams) => (await first(), db.firstOfBoth(a, aParams, b, bParams)),
    async write(fn, options) {
      if (confirmed) return db.write(fn, options);
      const out = await db.write(fn, { ...options, confirm: confirmation });
      confirmed = true;
      return out;
    },
    snapshot: async (fn) => (await first(), db.snapshot(fn)),
    migrate: (folder) => db.migrate(folder),
    close: () => db.close(),
  };
}

/** `firstOfBoth` where nothing goes together: one statement after the other. */
export async function firstOfEachInTurn<A, B>(db: Pick<Engine, "first">, a: Query<A>, aParams: readonly Param[], b: Query<B>, bParams: readonly Param[]): Promise<[A | undefined, B | undefined]> {
  return [await db.first(a, aParams), await db.first(b, bParams)];
}

/** An engine, its write transaction or a snapshot: what runs the statements of a helper that reads and writes within its caller's work. */
export type Statements = Omit<Engine, "write" | "snapshot" | "finish" | "firstOfBoth">;

export interface Snapshot extends Statements {
  /** The rows of `q` in batches of `batchSize`, decoded, without holding them all in memory. */
  stream<R>(q: Query<R>, params?: readonly Param[], batchSize?: number): AsyncGenerator<R, void, undefined>;
}

/** An engine the process opened; closing it ends its connections. */
export interface OpenEngine extends Engine {
  /** Applies the drizzle-kit migrations in `folder` not yet applied (db/migrate.ts picks the engine's folder). */
  migrate(folder: string): Promise<void>;
  close(): Promise<void>;
}

// Decoders shared by the query modules: what the drivers return for each stored type.

/** An integer or float column (SQLite numbers, PostgreSQL int8/numeric already parsed by db/postgres.ts). */
export function num(v: unknown): number {
  return typeof v === "number" ? v : Number(v);
}

export function numOrNull(v: unknown): number | null {
  return v == null ? null : num(v);
}

/** A boolean column: 0/1 on SQLite, true/false on PostgreSQL. */
export function bool(v: unknown): boolean {
  return v === true || v === 1 || v === "1" || v === "t";
}

/** jsonb's key order: shorter keys (in UTF-8 bytes) first, equal lengths in byte order. */
function jsonbKeyOrder(a: string, b: string): number {
  const la = Buffer.byteLength(a);
  const lb = Buffer.byteLength(b);
  return la !== lb ? la - lb : Buffer.compare(Buffer.from(a), Buffer.from(b));
}

/**
 * `value` with every object's keys in PostgreSQL jsonb's order. PostgreSQL stores JSON as jsonb,
 * which keeps keys in that order; putting them in the same order on SQLite makes every engine
 * hand back the same objects, so exports are byte-identical whichever engine wrote them.
 */
export function canonicalJson<T>(value: T): T {
  if (Array.isArray(value)) return value.map(canonicalJson) as T;
  if (value === null || typeof value !== "object") return value;
  const keys = Object.keys(value);
  const out: Record<string, unknown> = {};
  for (const k of keys.sort(jsonbKeyOrder)) out[k] = canonicalJson((value as Record<string, unknown>)[k]);
  return out as T;
}

/** A value as the text to bind to a JSON column (keys in jsonb's order, see `canonicalJson`). */
export function jsonText(value: unknown): string {
  return JSON.stringify(canonicalJson(value));
}

/** A JSON column: text on both engines (db/postgres.ts keeps jsonb as text), parsed here, keys in jsonb's order. */
export function json<T>(v: unknown): T {
  return canonicalJson((typeof v === "string" ? JSON.parse(v) : v) as T);
}

export function jsonOrNull<T>(v: unknown): T | null {
  return v == null ? null : json<T>(v);
}

export function str(v: unknown): string {
  return typeof v === "string" ? v : String(v);
}

export function strOrNull(v: unknown): string | null {
  return v == null ? null : str(v);
}

/** A timestamp param from milliseconds (services count time in milliseconds; see `Param`). */
export function at(ms: number): Date {
  return new Date(ms);
}

// Which engine's write transaction the current async call runs in. A statement sent to that engine
// itself (not to the `tx` its write passed on) would wait for the transaction it runs in, forever:
// the engines refuse it with this error instead.
const writingOn = new AsyncLocalStorage<object>();

export function inWriteOf<T>(engine: object, fn: () => Promise<T>): Promise<T> {
  return writingOn.run(engine, fn);
}

export function refuseReentry(engine: object): void {
  if (writingOn.getStore() === engine) {
    throw new Error("A statement was sent to the engine inside its own write transaction: use the `tx` that write() passed on (and a ctx built on it).");
  }
}
