// Prepared statements for the hot paths (claiming, judging, token lookup): SQLite compiles each
// statement once per connection, and rows come back in drizzle's shape (camelCase keys, JSON parsed,
// booleans) through the columns' own mappers. Building a query through drizzle costs more than the
// query itself on these paths; everything else keeps using drizzle's builder.
import type Database from "better-sqlite3";
import { getTableColumns, getTableName, type Table } from "drizzle-orm";

const cache = new WeakMap<Database.Database, Map<string, Database.Statement>>();

/** The SQLite connection itself, or the one behind a drizzle database or transaction (both run on the same one). */
export function connectionOf(db: unknown): Database.Database {
  if ((db as { inTransaction?: unknown }).inTransaction !== undefined && typeof (db as Database.Database).prepare === "function") return db as Database.Database;
  const client = (db as { $client?: Database.Database }).$client ?? (db as { session?: { client?: Database.Database } }).session?.client;
  if (!client) throw new Error("no SQLite connection behind this database handle");
  return client;
}

/**
 * How a cached statement returns rows: objects with named keys, tuples (`raw`, much cheaper to
 * build when a scan reads millions of rows), or the first column alone (`pluck`).
 */
export type RowMode = "object" | "raw" | "pluck";

/**
 * A statement prepared once per connection and row mode. Never switch the mode of one it returns
 * (`.raw()`/`.pluck()`): it is shared; ask for the mode instead.
 */
export function prepared(db: unknown, text: string, mode: RowMode = "object"): Database.Statement {
  const client = connectionOf(db);
  let stmts = cache.get(client);
  if (!stmts) cache.set(client, (stmts = new Map()));
  const key = mode === "object" ? text : `${mode}\0${text}`;
  let s = stmts.get(key);
  if (!s) {
    s = client.prepare(text);
    if (mode === "raw") s.raw(true);
    else if (mode === "pluck") s.pluck(true);
    stmts.set(key, s);
  }
  return s;
}

const transactions = new WeakMap<Database.Database, Map<(...args: never[]) => unknown, Database.Transaction>>();

/**
 * Runs `fn(...args)` in an immediate transaction on the connection behind `db` (a savepoint when one
 * is already open), through a wrapper built once per connection and function. Cheaper than drizzle's
 * transaction on the hot paths; `fn` reaches the database through `db` itself.
 */
export function immediate<A extends unknown[], R>(db: unknown, fn: (...args: A) => R, ...args: A): R {
  const client = connectionOf(db);
  let wrappers = transactions.get(client);
  if (!wrappers) transactions.set(client, (wrappers = new Map()));
  let t = wrappers.get(fn);
  if (!t) wrappers.set(fn, (t = client.transaction(fn)));
  return t.immediate(...args) as R;
}

/** A raw SQLite row (snake_case columns) as drizzle would return it. */
function rowOf<T extends Table>(table: T, raw: Record<string, unknown>): T["$inferSelect"] {
  const out: Record<string, unknown> = {};
  for (const [key, column] of Object.entries(getTableColumns(table))) {
    const value = raw[column.name];
    out[key] = value == null ? null : column.mapFromDriverValue(value);
  }
  return out as T["$inferSelect"];
}

/** Inserts one row (keys in drizzle terms) and returns it whole, defaults filled in. */
export function insertRow<T extends Table>(db: unknown, table: T, values: Partial<T["$inferInsert"]>): T["$inferSelect"] {
  const columns = getTableColumns(table);
  const keys = Object.keys(values).filter((k) => (values as Record<string, unknown>)[k] !== undefined);
  const text = `insert into "${getTableName(table)}" (${keys.map((k) => `"${columns[k].name}"`).join(", ")}) values (${keys.map(() => "?").join(", ")}) returning *`;
  const params = keys.map((k) => {
    const v = (values as Record<string, unknown>)[k];
    return v == null ? null : columns[k].mapToDriverValue(v);
  });
  return rowOf(table, prepared(db, text).get(...params) as Record<string, unknown>);
}

/** The first row whose columns equal the given values (keys in drizzle terms), or undefined. */
export function findRow<T extends Table>(db: unknown, table: T, where: Partial<T["$inferSelect"]>): T["$inferSelect"] | undefined {
  const columns = getTableColumns(table);
  const keys = Object.keys(where);
  const text = `select * from "${getTableName(table)}" where ${keys.map((k) => `"${columns[k].name}" = ?`).join(" and ")} limit 1`;
  const raw = prepared(db, text).get(...keys.map((k) => columns[k].mapToDriverValue((where as Record<string, unknown>)[k]))) as Record<string, unknown> | undefined;
  return raw ? rowOf(table, raw) : undefined;
}
