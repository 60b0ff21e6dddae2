// Backing up the SQLite database while the server runs, and restoring a backup into a stopped
// installation: consistent copies, checked before they are trusted, never half-written in place.
import Database from "better-sqlite3";
import fs from "node:fs";
import path from "node:path";
import { z } from "zod";
import { openDatabase } from "@/db/client";
import { MIGRATIONS_DIR, runMigrations } from "@/db/migrate";
import type { Ctx } from "./context";
import { badRequest, conflict, notFound, parseInput } from "./errors";

/** Rows per table of a database, by table name (every table but SQLite's own). */
export type TableCounts = Record<string, number>;

export interface BackupResult {
  file: string;
  bytes: number;
  tables: TableCounts;
  integrity: "ok";
}

export interface RestoreResult {
  file: string;
  from: string;
  tables: TableCounts;
  integrity: "ok";
  /** Migrations applied on top of the backup (an older backup is brought up to date). */
  migrated: number;
}

const MIGRATIONS_TABLE = "__drizzle_migrations";

/** Refuses a PostgreSQL URL: its backups are pg_dump's job, and this says how. */
export function refusePostgres(url: string | undefined, verb: "backup" | "restore"): void {
  if (!url || !/^postgres(ql)?:\/\//i.test(url)) return;
  throw badRequest(
    verb === "backup"
      ? 'this installation uses PostgreSQL ($ARBITER_DATABASE_URL): back it up with pg_dump, e.g. pg_dump --format=custom --file=arbiter.dump "$ARBITER_DATABASE_URL"'
      : 'this installation uses PostgreSQL ($ARBITER_DATABASE_URL): restore a pg_dump file with pg_restore while the server is stopped, e.g. pg_restore --clean --if-exists --no-owner --dbname="$ARBITER_DATABASE_URL" arbiter.dump',
  );
}

export const backupInput = z.object({
  out: z.string().min(1),
  force: z.boolean().default(false),
});

/**
 * Copies the database of `ctx.db` to `out` with VACUUM INTO: one read transaction, so the copy is
 * the database as of one commit while the server keeps writing (WAL readers do not block writers).
 * The online backup API would restart its page copy whenever another connection writes, which a
 * busy server may do for ever on a large file. The copy goes to a temporary file in `out`'s folder,
 * is synced and checked (integrity_check), and only then takes its final name.
 */
export function backupDatabase({ ctx, input }: { ctx: Ctx; input: z.input<typeof backupInput> }): BackupResult {
  const { out, force } = parseInput(backupInput, input);
  const file = path.resolve(out);
  if (!force && fs.existsSync(file)) throw conflict(`${file} already exists; choose another --out or add --force to replace it.`);
  const dir = path.dirname(file);
  if (!fs.existsSync(dir)) throw notFound(`Folder ${dir}`);
  const temp = tempBeside(file);
  try {
    ctx.db.$client.prepare("vacuum into ?").run(temp);
    syncFile(temp);
    const { tables } = checkDatabase(temp, `The copy of the database (${temp})`);
    if (force) fs.renameSync(temp, file);
    else {
      // link refuses an existing name atomically, where rename would replace a file made meanwhile.
      try {
        fs.linkSync(temp, file);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === "EEXIST") throw conflict(`${file} already exists; choose another --out or add --force to replace it.`);
        throw e;
      }
      fs.unlinkSync(temp);
    }
    syncFile(dir);
    return { file, bytes: fs.statSync(file).size, tables, integrity: "ok" };
  } finally {
    fs.rmSync(temp, { force: true });
  }
}

export const restoreInput = z.object({
  from: z.string().min(1),
  /** The installation's database file. */
  db: z.string().min(1),
  force: z.boolean().default(false),
});

/**
 * Replaces the database file `db` with the backup `from`, which must pass integrity_check and be an
 * Arbiter database no newer than this version. The target must not be open in any process (the
 * server, a CLI command): restoring under a running server would leave it reading a file that is
 * no longer there. Takes no context: it works on files while no connection to the target is open.
 */
export async function restoreDatabase({ input }: { input: z.input<typeof restoreInput> }): Promise<RestoreResult> {
  const parsed = parseInput(restoreInput, input);
  const from = path.resolve(parsed.from);
  const file = path.resolve(parsed.db);
  if (!fs.existsSync(from)) throw notFound(`Backup file ${from}`);
  if (from === file) throw badRequest("The backup and the database are the same file.");
  const exists = fs.existsSync(file);
  if (exists && !parsed.force) throw conflict(`${file} already holds a database; add --force to replace it with ${from}.`);
  if (exists) refuseIfInUse(file);
  fs.mkdirSync(path.dirname(file), { recursive: true });

  // The backup is checked on a copy beside the target, so nothing is ever written beside the backup.
  const temp = tempBeside(file);
  try {
    fs.copyFileSync(from, temp);
    syncFile(temp);
    checkDatabase(temp, `The backup ${from}`, { arbiter: true });
    if (exists) refuseIfInUse(file);
    // A -wal left behind (beside a database deleted after a crash) would be replayed onto the
    // restored file; with the old file present, the in-use check's connection has already recovered it into that file.
    for (const suffix of ["-wal", "-shm", "-journal"]) fs.rmSync(file + suffix, { force: true });
    fs.renameSync(temp, file);
    syncFile(path.dirname(file));
  } finally {
    for (const suffix of ["", "-wal", "-shm", "-journal"]) fs.rmSync(temp + suffix, { force: true });
  }

  const db = openDatabase(file);
  try {
    const before = appliedMigrations(db.$client);
    await runMigrations(db);
    const migrated = appliedMigrations(db.$client) - before;
    return { file, from, tables: tableCounts(db.$client), integrity: "ok", migrated };
  } finally {
    db.$client.close();
  }
}

/**
 * Refuses when another connection has the database open. A connection in WAL mode holds a shared
 * lock on the file for as long as it is open, even idle, so taking the exclusive lock without
 * waiting fails exactly when someone (the server, a CLI command) has it open. The -wal and -shm
 * files are no evidence: a crashed server leaves them behind.
 */
function refuseIfInUse(file: string): void {
  let db: Database.Database | undefined;
  try {
    db = new Database(file, { fileMustExist: true, timeout: 0 });
    db.pragma("locking_mode = EXCLUSIVE");
    db.exec("begin exclusive");
    db.exec("commit");
  } catch (e) {
    const code = (e as { code?: string }).code;
    if (code === "SQLITE_BUSY" || code === "SQLITE_LOCKED") {
      throw conflict(`${file} is in use (a running server or another arbiter command has it open); stop the server and try again.`);
    }
    throw badRequest(`${file} cannot be opened to be replaced: ${(e as Error).message}`);
  } finally {
    db?.close();
  }
}

/**
 * Opens a copy (our own temporary file: a WAL-mode file may need its -shm made beside it) and checks it: integrity_check, and with `arbiter` that it holds
 * Arbiter's migrations table and the tables every Arbiter database has, from a version no newer
 * than this one. Returns its row counts.
 */
function checkDatabase(file: string, what: string, options: { arbiter?: boolean } = {}): { tables: TableCounts } {
  let db: Database.Database;
  try {
    db = new Database(file, { fileMustExist: true });
  } catch (e) {
    throw badRequest(`${what} cannot be opened as a SQLite database: ${(e as Error).message}`);
  }
  try {
    let problems: string[];
    try {
      problems = (db.prepare("pragma integrity_check").all() as { integrity_check: string }[]).map((r) => r.integrity_check);
    } catch (e) {
      throw badRequest(`${what} is not a sound SQLite database (integrity_check: ${(e as Error).message}).`);
    }
    if (problems.length !== 1 || problems[0] !== "ok") {
      throw badRequest(`${what} failed integrity_check: ${problems.slice(0, 5).join("; ")}${problems.length > 5 ? ` (and ${problems.length - 5} more)` : ""}.`);
    }
    const tables = tableCounts(db);
    if (options.arbiter) {
      const missing = [MIGRATIONS_TABLE, ...baseTables()].filter((t) => !(t in tables));
      if (missing.length) throw badRequest(`${what} is not an Arbiter database (no ${missing.join(", ")} table${missing.length > 1 ? "s" : ""}).`);
      const newest = db.prepare(`select max(created_at) as at from ${MIGRATIONS_TABLE}`).get() as { at: number | null };
      if (newest.at !== null && newest.at > latestKnownMigration()) {
        throw badRequest(`${what} comes from a newer version of Arbiter (its schema has migrations this version does not know); restore it with that version.`);
      }
    }
    return { tables };
  } finally {
    db.close();
  }
}

/** Row counts of every table in a database, by name. */
function tableCounts(db: Database.Database): TableCounts {
  const names = db.prepare("select name from sqlite_master where type = 'table' and name not like 'sqlite\\_%' escape '\\' order by name").pluck().all() as string[];
  return Object.fromEntries(names.map((name) => [name, db.prepare(`select count(*) from "${name.replace(/"/g, '""')}"`).pluck().get() as number]));
}

function appliedMigrations(db: Database.Database): number {
  return db.prepare(`select count(*) from ${MIGRATIONS_TABLE}`).pluck().get() as number;
}

interface Journal {
  entries: { tag: string; when: number }[];
}

const journal = (): Journal => JSON.parse(fs.readFileSync(path.join(MIGRATIONS_DIR, "meta/_journal.json"), "utf8")) as Journal;

/** The tables the first migration creates: every Arbiter database, however old, has them. */
function baseTables(): string[] {
  const first = journal().entries[0];
  const sql = fs.readFileSync(path.join(MIGRATIONS_DIR, `${first.tag}.sql`), "utf8");
  return [...sql.matchAll(/CREATE TABLE `([^`]+)`/g)].map((m) => m[1]);
}

/** The drizzle migrator records each migration by its journal time; the newest this version ships. */
function latestKnownMigration(): number {
  return Math.max(...journal().entries.map((e) => e.when));
}

/** A fresh name in the same folder as `file`, so the final rename stays on one file system. */
function tempBeside(file: string): string {
  return path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}-${Date.now()}.tmp`);
}

/** Flushes a file (or a folder, after a rename) to disk. */
function syncFile(p: string): void {
  const fd = fs.openSync(p, "r");
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}
