// Opens the database this process uses: an embedded SQLite file (db/sqlite.ts) or a PostgreSQL
// server (db/postgres.ts), both behind db/engine.ts. SQL is written only in db/ and lib/services/
// (lib/auth reads settings through db/queries), so routes never see which engine runs; the
// import-boundary check (.dependency-cruiser.cjs) keeps app/ from reaching past the services.
import path from "node:path";
import type { OpenEngine } from "./engine";
import { isPostgresUrl, openPostgres } from "./postgres";
import { openSqlite } from "./sqlite";

export { DEFAULT_SYNCHRONOUS, SYNCHRONOUS_MODES, synchronousMode, type SynchronousMode } from "./sqlite";

/** The engine a process opened; services, the CLI, tests and benchmarks reach the database only through it. */
export type Db = OpenEngine;

const DEFAULT_DB_PATH = "./data/arbiter.db";

/**
 * The database this process uses: an explicit target (CLI `--database-url` or `--db`), else
 * `ARBITER_DATABASE_URL` (PostgreSQL), else `ARBITER_DB` (a SQLite file), else ./data/arbiter.db
 * under the working directory. A SQLite path comes back absolute.
 */
export function resolveDbPath(explicit?: string): string {
  const target = explicit ?? (process.env.ARBITER_DATABASE_URL || undefined) ?? process.env.ARBITER_DB ?? DEFAULT_DB_PATH;
  return isPostgresUrl(target) || target === ":memory:" ? target : path.resolve(/*turbopackIgnore: true*/ target);
}

/** Opens the engine for `target`: a postgres:// URL, or a SQLite file path (":memory:" for a throwaway one). */
export function openDatabase(target: string): Db {
  return isPostgresUrl(target) ? openPostgres(target) : openSqlite(target);
}

// One engine per process and database (a SQLite connection, or a PostgreSQL pool). Kept on
// globalThis so Next's module reloading in dev does not open a new one on every edit.
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

/**
 * Closes every engine `getDb` opened, for a process that is done (the CLI): an open PostgreSQL pool
 * would keep it alive until its idle connections time out.
 */
export async function closeDatabases(): Promise<void> {
  const open = globalForDb.__arbiterDb;
  if (!open) return;
  globalForDb.__arbiterDb = undefined;
  await Promise.all([...open.values()].map((db) => db.close()));
}
