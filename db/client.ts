// Opens the database this process uses: an embedded SQLite file (db/sqlite.ts) or a PostgreSQL
// server (db/postgres.ts), both behind db/engine.ts. SQL is written only in db/ and lib/services/
// (lib/auth reads settings through db/queries), so routes never see which engine runs; the
// import-boundary check (.dependency-cruiser.cjs) keeps app/ from reaching past the services.
import type Database from "better-sqlite3";
import { drizzle, type BetterSQLite3Database } from "drizzle-orm/better-sqlite3";
import path from "node:path";
import type { Engine, OpenEngine } from "./engine";
import { isPostgresUrl, openPostgres } from "./postgres";
import * as schema from "./schema";
import { openSqlite, SqliteEngine } from "./sqlite";

export { DEFAULT_SYNCHRONOUS, SYNCHRONOUS_MODES, synchronousMode, type SynchronousMode } from "./sqlite";

/**
 * TRANSITION (issue 11): while the services move to the engine interface (db/engine.ts), the SQLite
 * engine also answers drizzle's builder, so a service not yet moved still runs on SQLite. A service
 * that has moved uses only `Engine`'s methods and runs on both engines.
 */
type LegacyDrizzle = BetterSQLite3Database<typeof schema> & { $client: Database.Database };
export type Db = LegacyDrizzle & OpenEngine;

const DEFAULT_DB_PATH = "./data/arbiter.db";

const legacyViews = new WeakMap<object, Db>();

/** The engine with drizzle's builder over the same SQLite connection (transition only). */
function withLegacy(engine: Engine, conn: Database.Database, opened: SqliteEngine): Db {
  let view = legacyViews.get(engine);
  if (view) return view;
  const d = drizzle(conn, { schema }) as LegacyDrizzle;
  view = Object.assign(d, {
    kind: engine.kind,
    location: engine.location,
    many: engine.many.bind(engine),
    first: engine.first.bind(engine),
    exec: engine.exec.bind(engine),
    write: <T>(fn: (tx: Engine) => Promise<T>) => engine.write((tx) => fn(withLegacy(tx, conn, opened))),
    snapshot: engine.snapshot.bind(engine),
    migrate: (folder: string) => opened.migrate(folder),
    close: () => opened.close(),
  }) as unknown as Db;
  legacyViews.set(engine, view);
  return view;
}

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
  if (isPostgresUrl(target)) return openPostgres(target) as unknown as Db;
  const engine: SqliteEngine = openSqlite(target);
  return withLegacy(engine, engine.conn, engine);
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
