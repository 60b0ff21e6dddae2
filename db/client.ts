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

/** The database file this process uses: `ARBITER_DB`, else ./data/arbiter.db under the working directory. */
export function resolveDbPath(explicit?: string): string {
  return path.resolve(/*turbopackIgnore: true*/ explicit ?? process.env.ARBITER_DB ?? DEFAULT_DB_PATH);
}

export function openDatabase(file: string): Db {
  if (file !== ":memory:") fs.mkdirSync(path.dirname(file), { recursive: true });
  const sqlite = new Database(file);
  sqlite.pragma("journal_mode = WAL");
  sqlite.pragma("foreign_keys = ON");
  sqlite.pragma("busy_timeout = 5000");
  sqlite.pragma("synchronous = NORMAL");
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
