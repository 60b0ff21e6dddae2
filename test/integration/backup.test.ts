// Backup and restore on real SQLite files: a copy taken while another connection writes, refusals
// that leave files untouched, and the `arbiter backup|restore` commands run as users run them.
import Database from "better-sqlite3";
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { Worker } from "node:worker_threads";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { openDatabase, synchronousMode } from "@/db/client";
import { dynamicQuery, num } from "@/db/engine";
import { migrateConnection } from "@/db/sqlite";
import { MIGRATIONS_DIR } from "@/db/migrate";
import { backupDatabase, restoreDatabase } from "@/lib/services/backup";
import { AppError } from "@/lib/services/errors";
import { ENGINES, importText, jsonl, makeProject, makeUser, pairRecord, tempDb, tempDbOn, type TempDb } from "../helpers/db";

const ROOT = path.resolve(__dirname, "../..");
let t: TempDb;
let dir: string;
beforeEach(() => {
  t = tempDb();
  dir = path.dirname(t.file);
});
afterEach(() => t.close());

async function fill(items: number): Promise<number> {
  const p = await makeProject(t);
  await makeUser(t, "annotator");
  await importText(t, p.slug, jsonl(Array.from({ length: items }, (_, i) => pairRecord(i))));
  return p.id;
}

const JOURNAL = JSON.parse(fs.readFileSync(path.join(MIGRATIONS_DIR, "meta/_journal.json"), "utf8")) as { entries: { tag: string }[] };

/** A WAL-mode database migrated up to, not including, the last committed migration. */
function olderDatabase(file: string): void {
  const folder = path.join(dir, "older-migrations");
  fs.cpSync(MIGRATIONS_DIR, folder, { recursive: true });
  fs.writeFileSync(path.join(folder, "meta/_journal.json"), JSON.stringify({ ...JOURNAL, entries: JOURNAL.entries.slice(0, -1) }));
  const sqlite = new Database(file);
  sqlite.pragma("journal_mode = WAL");
  migrateConnection(sqlite, folder);
  sqlite.close();
}

/** Row counts of a database file, read on a connection of its own. */
function counts(file: string): Record<string, number> {
  const db = new Database(file, { readonly: true });
  try {
    const names = db.prepare("select name from sqlite_master where type = 'table' and name not like 'sqlite_%'").pluck().all() as string[];
    return Object.fromEntries(names.map((n) => [n, db.prepare(`select count(*) from "${n}"`).pluck().get() as number]));
  } finally {
    db.close();
  }
}

async function refusal(fn: () => Promise<unknown>): Promise<AppError> {
  try {
    await fn();
  } catch (e) {
    if (e instanceof AppError) return e;
    throw e;
  }
  throw new Error("expected a refusal");
}

const sha = (file: string) => fs.readFileSync(file).toString("base64");

describe("backupDatabase", () => {
  it("copies a consistent database while another connection writes in a loop", async () => {
    const projectId = await fill(3000);
    // The writer: its own connection in another thread, each transaction one item and its two candidates.
    const written = new Int32Array(new SharedArrayBuffer(8));
    const worker = new Worker(
      `const { workerData } = require("node:worker_threads");
       const Database = require(workerData.driver);
       const db = new Database(workerData.file, { timeout: 5000 });
       db.pragma("journal_mode = WAL");
       const item = db.prepare("insert into items (project_id, external_id, prompt) values (?, ?, '\\"written during the backup\\"') returning id");
       const cand = db.prepare("insert into candidates (item_id, position, content) values (?, ?, 'x')");
       const one = db.transaction((n) => { const { id } = item.get(workerData.projectId, "w" + n); cand.run(id, 0); cand.run(id, 1); });
       for (let n = 0; Atomics.load(workerData.written, 1) === 0; n++) { one(n); Atomics.add(workerData.written, 0, 1); }
       db.close();`,
      { eval: true, workerData: { driver: require.resolve("better-sqlite3"), file: t.file, projectId, written } },
    );
    const exited = new Promise((resolve, reject) => worker.once("exit", resolve).once("error", reject));
    while (Atomics.load(written, 0) < 20) await new Promise((r) => setTimeout(r, 5));
    const before = Atomics.load(written, 0);
    const out = path.join(dir, "during.db");
    const result = await backupDatabase({ ctx: t.system, input: { out } });
    const after = Atomics.load(written, 0);
    await new Promise((r) => setTimeout(r, 50));
    Atomics.store(written, 1, 1);
    await exited;

    expect(after, "the writer kept writing during the copy").toBeGreaterThan(before);
    expect(result).toMatchObject({ file: out, integrity: "ok", bytes: fs.statSync(out).size });
    const copy = counts(out);
    expect(result.tables).toEqual(copy);
    // As of one commit: every item has both its candidates, and the copy holds what was written by then.
    expect(copy.candidates).toBe(2 * copy.items);
    expect(copy.items - 3000).toBeGreaterThanOrEqual(before);
    expect(copy.items - 3000).toBeLessThanOrEqual(after);
    const check = new Database(out, { readonly: true });
    expect(check.pragma("integrity_check", { simple: true })).toBe("ok");
    check.close();
    // Nothing but the backup is left in the folder (no temporary file).
    expect(fs.readdirSync(dir).filter((f) => f.includes("during"))).toEqual(["during.db"]);
  });

  it("refuses to overwrite an existing file unless forced", async () => {
    await fill(5);
    const out = path.join(dir, "existing.db");
    fs.writeFileSync(out, "precious");
    const e = await refusal(() => backupDatabase({ ctx: t.system, input: { out } }));
    expect(e.code).toBe("conflict");
    expect(e.message).toMatch(/already exists.*--force/);
    expect(fs.readFileSync(out, "utf8")).toBe("precious");
    const forced = await backupDatabase({ ctx: t.system, input: { out, force: true } });
    expect(forced.tables.items).toBe(5);
    expect(fs.readdirSync(dir).filter((f) => f.endsWith(".tmp"))).toEqual([]);
  });
});

describe("restoreDatabase", () => {
  it("restores into a stopped installation with the same row counts, and brings an older backup up to date", async () => {
    await fill(40);
    const out = path.join(dir, "backup.db");
    const backed = await backupDatabase({ ctx: t.system, input: { out } });
    const target = path.join(dir, "restored", "arbiter.db");
    const restored = await restoreDatabase({ input: { from: out, db: target } });
    expect(restored).toMatchObject({ file: target, integrity: "ok", migrated: 0 });
    expect(restored.tables).toEqual(backed.tables);
    expect(counts(target)).toEqual(backed.tables);

    // An older backup: a database migrated up to the migration before the last, so restore applies
    // the last one (whatever it is: the test does not undo a particular migration by hand).
    const old = path.join(dir, "older.db");
    olderDatabase(old);
    fs.copyFileSync(old, out);
    const olderTables = counts(out);
    // The database file is gone but a crashed server's -wal, with a commit of its own, is still
    // beside it (with the file present, the in-use check's own connection recovers it into the old file).
    const crashed = new Database(target);
    crashed.pragma("wal_autocheckpoint = 0");
    crashed.prepare("insert into projects (slug, name) values ('left-in-wal', 'Left in the WAL')").run();
    const wal = fs.readFileSync(`${target}-wal`);
    crashed.close();
    fs.rmSync(target);
    fs.writeFileSync(`${target}-wal`, wal);
    const replaced = await restoreDatabase({ input: { from: out, db: target } });
    expect(replaced.migrated).toBe(1);
    for (const [table, rows] of Object.entries(olderTables)) if (table !== "__drizzle_migrations") expect(replaced.tables[table], table).toBe(rows);
    // No temporary file, and the old -wal and -shm are gone (the restore's own connection closed cleanly).
    expect(fs.readdirSync(path.dirname(target))).toEqual(["arbiter.db"]);
    const restoredDb = new Database(target, { readonly: true });
    expect(restoredDb.prepare("select count(*) from __drizzle_migrations").pluck().get()).toBe(JOURNAL.entries.length);
    restoredDb.close();
  });

  it("refuses to replace an existing database without --force, and one that is in use", async () => {
    await fill(3);
    const out = path.join(dir, "backup.db");
    await backupDatabase({ ctx: t.system, input: { out } });
    // t.db is the open connection a running server would hold.
    const before = counts(t.file);
    const exists = await refusal(() => restoreDatabase({ input: { from: out, db: t.file } }));
    expect(exists.code).toBe("conflict");
    expect(exists.message).toMatch(/already holds a database; add --force/);
    const busy = await refusal(() => restoreDatabase({ input: { from: out, db: t.file, force: true } }));
    expect(busy.code).toBe("conflict");
    expect(busy.message).toMatch(/is in use .*stop the server/);
    expect(counts(t.file)).toEqual(before);
    // An idle connection of another process counts too.
    const other = path.join(dir, "other.db");
    fs.copyFileSync(out, other);
    const holder = openDatabase(other);
    await holder.first(dynamicQuery("select count(*) as n from items"));
    expect((await refusal(() => restoreDatabase({ input: { from: out, db: other, force: true } }))).message).toMatch(/is in use/);
    await holder.close();
    expect((await restoreDatabase({ input: { from: out, db: other, force: true } })).tables.items).toBe(3);
  });

  it("refuses a corrupt or non-Arbiter file with a clear message and leaves the target untouched", async () => {
    await fill(30);
    const out = path.join(dir, "backup.db");
    await backupDatabase({ ctx: t.system, input: { out } });
    const target = path.join(dir, "target.db");
    fs.copyFileSync(out, target);
    const original = sha(target);

    const truncated = path.join(dir, "truncated.db");
    fs.writeFileSync(truncated, fs.readFileSync(out).subarray(0, Math.floor(fs.statSync(out).size / 2)));
    const foreign = path.join(dir, "foreign.db");
    const f = new Database(foreign);
    f.exec("create table notes (id integer primary key, body text); insert into notes (body) values ('hello')");
    f.close();
    const text = path.join(dir, "notes.txt");
    fs.writeFileSync(text, "this is not a database at all, just some text that is long enough to be read".repeat(20));

    for (const [from, message] of [
      [truncated, /is not a sound SQLite database|failed integrity_check/],
      [foreign, /is not an Arbiter database \(no __drizzle_migrations, .*tables\)/],
      [text, /cannot be opened as a SQLite database|is not a sound SQLite database/],
      [path.join(dir, "missing.db"), /Backup file .* not found/],
    ] as const) {
      const e = await refusal(() => restoreDatabase({ input: { from, db: target, force: true } }));
      expect(e.message, from).toMatch(message);
      expect(sha(target), from).toBe(original);
    }
    expect(fs.readdirSync(dir).filter((x) => x.endsWith(".tmp") || x.includes(".tmp-"))).toEqual([]);
  });
});

describe("arbiter backup and restore", () => {
  function arbiter(env: Record<string, string>, ...args: string[]) {
    const r = spawnSync(process.execPath, [path.join(ROOT, "lib/cli/bin.mjs"), ...args], { cwd: ROOT, encoding: "utf8", env: { ...process.env, ARBITER_DB: t.file, ...env } });
    return { code: r.status, out: r.stdout, err: r.stderr };
  }

  it("backs up with row counts, refuses to overwrite, and restores into a stopped installation", async () => {
    await fill(12);
    const out = path.join(dir, "cli-backup.db");
    const made = arbiter({}, "backup", "--out", out, "--json");
    expect(made.err).toBe("");
    expect(made.code).toBe(0);
    const json = JSON.parse(made.out);
    expect(json).toEqual({ file: out, bytes: fs.statSync(out).size, tables: counts(out), integrity: "ok" });
    expect(json.tables).toMatchObject({ items: 12, candidates: 24, projects: 1 });

    const human = arbiter({}, "backup", "--out", out);
    expect(human.code).toBe(1);
    expect(human.err).toMatch(/^arbiter: .*cli-backup\.db already exists; choose another --out or add --force/);
    const forced = arbiter({}, "backup", "--out", out, "--force");
    expect(forced.code).toBe(0);
    expect(forced.out).toMatch(/^Backed up .* \(\d+ bytes, integrity ok\)\n/);
    expect(forced.out).toMatch(/\n {2}items +12\n/);

    const target = path.join(dir, "fresh", "arbiter.db");
    const restored = arbiter({}, "restore", "--from", out, "--db", target, "--json");
    expect(restored.err).toBe("");
    expect(JSON.parse(restored.out)).toEqual({ file: target, from: out, tables: json.tables, integrity: "ok", migrated: 0 });
    const again = arbiter({}, "restore", "--from", out, "--db", target);
    expect(again.code).toBe(1);
    expect(again.err).toMatch(/already holds a database; add --force/);
    // The test's own connection to t.file stands for a running server.
    const busy = arbiter({}, "restore", "--from", out, "--force");
    expect(busy.code).toBe(1);
    expect(busy.err).toMatch(/is in use .*stop the server/);
    expect(arbiter({}, "restore").code).toBe(2);
    expect(arbiter({}, "help").out).toMatch(/ {2}backup --out FILE \[--force\]\s+copy the database while the server runs\n {2}restore --from FILE \[--force\]/);
  });

  it("refuses a missing database instead of backing up an empty one", () => {
    const missing = path.join(dir, "nothing-here.db");
    const r = arbiter({}, "backup", "--db", missing, "--out", path.join(dir, "b.db"));
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/Database .*nothing-here\.db not found/);
    expect(fs.existsSync(missing)).toBe(false);
  });

  it("points a PostgreSQL installation to pg_dump and pg_restore", () => {
    const url = { ARBITER_DATABASE_URL: "postgres://arbiter@db.example/arbiter" };
    const b = arbiter(url, "backup", "--out", path.join(dir, "pg.db"));
    expect(b.code).toBe(1);
    expect(b.err).toMatch(/PostgreSQL .*pg_dump --format=custom --file=arbiter\.dump "\$ARBITER_DATABASE_URL"/);
    const r = arbiter(url, "restore", "--from", path.join(dir, "pg.dump"));
    expect(r.err).toMatch(/pg_restore --clean --if-exists --no-owner --dbname="\$ARBITER_DATABASE_URL" arbiter\.dump/);
  });
});

describe.skipIf(!ENGINES.includes("postgres"))("on PostgreSQL", () => {
  it("refuses backup and restore, pointing to pg_dump, pg_restore and a copy into SQLite", async () => {
    const pg = await tempDbOn("postgres");
    try {
      const out = path.join(dir, "pg.db");
      const backup = await refusal(() => backupDatabase({ ctx: pg.system, input: { out } }));
      expect(backup.code).toBe("bad_request");
      expect(backup.message).toMatch(/PostgreSQL .*pg_dump --format=custom .*arbiter db copy/);
      expect(fs.existsSync(out)).toBe(false);
      await backupDatabase({ ctx: t.system, input: { out } });
      const restore = await refusal(() => restoreDatabase({ input: { from: out, db: pg.file, force: true } }));
      expect(restore.message).toMatch(/PostgreSQL .*pg_restore --clean/);
    } finally {
      await pg.close();
    }
  });
});

describe("the durability setting", () => {
  it("opens with synchronous = NORMAL unless ARBITER_SQLITE_SYNCHRONOUS says FULL, and refuses anything else", async () => {
    const level = dynamicQuery("pragma synchronous", (r) => num(r.synchronous));
    expect(synchronousMode({})).toBe("NORMAL");
    expect(synchronousMode({ ARBITER_SQLITE_SYNCHRONOUS: "full" })).toBe("FULL");
    expect(() => synchronousMode({ ARBITER_SQLITE_SYNCHRONOUS: "OFF" })).toThrow('ARBITER_SQLITE_SYNCHRONOUS: must be NORMAL or FULL (got "OFF")');
    // SQLite reports the level as a number: 1 NORMAL, 2 FULL.
    expect(await t.db.first(level)).toBe(synchronousMode() === "FULL" ? 2 : 1);
    const saved = process.env.ARBITER_SQLITE_SYNCHRONOUS;
    process.env.ARBITER_SQLITE_SYNCHRONOUS = "FULL";
    try {
      const full = openDatabase(path.join(dir, "full.db"));
      expect(await full.first(level)).toBe(2);
      await full.close();
      process.env.ARBITER_SQLITE_SYNCHRONOUS = "EXTRA";
      expect(() => openDatabase(path.join(dir, "extra.db"))).toThrow(/ARBITER_SQLITE_SYNCHRONOUS: must be NORMAL or FULL/);
      expect(fs.existsSync(path.join(dir, "extra.db"))).toBe(false);
    } finally {
      if (saved === undefined) delete process.env.ARBITER_SQLITE_SYNCHRONOUS;
      else process.env.ARBITER_SQLITE_SYNCHRONOUS = saved;
    }
  });
});
