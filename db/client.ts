// Opens the embedded SQLite database (WAL, foreign keys, busy timeout) and wraps it in drizzle.
// SQL is written only in db/ and lib/services/ (lib/auth reads settings through db/queries), so
// another backend can be added without touching routes; the import-boundary check
// (.dependency-cruiser.cjs) keeps app/ from reaching past the services.
import Database from "better-sqlite3";
import { drizzle, type BetterSQLite3Database } from "drizzle-orm/better-sqlite3";
import fs from "node:fs";
import path from "node:path";
import * as schema from "./schema";

export type Db = BetterSQLite3Database<typeof schema> & { $client: Database.Database };

const DEFAULT_DB_PATH = "./data/arbiter.db";

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

/** The database file this process uses: `ARBITER_DB`, else ./data/arbiter.db under the working directory. */
export function resolveDbPath(explicit?: string): string {
  return path.resolve(/*turbopackIgnore: true*/ explicit ?? process.env.ARBITER_DB ?? DEFAULT_DB_PATH);
}

export function openDatabase(file: string): Db {
  const synchronous = synchronousMode();
  if (file !== ":memory:") fs.mkdirSync(path.dirname(file), { recursive: true });
  const sqlite = new Database(file);
  sqlite.pragma("journal_mode = WAL");
  sqlite.pragma("foreign_keys = ON");
  sqlite.pragma("busy_timeout = 5000");
  sqlite.pragma(`synchronous = ${synchronous}`);
  return drizzle(sqlite, { schema }) as Db;
}

/** True once the migrations (db/migrate.ts) have created Arbiter's tables in this database. */
export function isMigrated(db: Db): boolean {
  return db.$client.prepare("select 1 from sqlite_master where type = 'table' and name = 'projects'").get() !== undefined;
}

// One connection per process and file. Kept on globalThis so Next's module reloading in dev
// does not open a new connection on every edit.
const globalForDb = globalThis as unknown as { __arbiterDb?: Map<string, Db> };

export function getDb(file?: string): Db {
  const resolved = resolveDbPath(file);
  globalForDb.__arbiterDb ??= new Map();
  let db = globalForDb.__arbiterDb.get(resolved);
  if (!db) {
    db = openDatabase(resolved);
    globalForDb.__arbiterDb.set(resolved, db);
  }
  return db;
}
