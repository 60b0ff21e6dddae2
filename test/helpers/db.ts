// A fresh migrated database per test (a SQLite file, or a PostgreSQL database made from a migrated
// template), and small factories that build rows through the services.
//
// A suite runs on every engine there is (PostgreSQL when a server answers, test/helpers/postgres.ts):
//
//   describe.each(ENGINES)("… on %s", (kind) => {
//     let t: TempDb;
//     beforeEach(async () => { t = await tempDbOn(kind); });
//     afterEach(() => t.close());
//     …
//   });
//
// and counts rows and refusals with `countRowsAsync` and `errorCodeAsync`, which work on both. A test
// reads or changes rows directly with a statement written inline, through the engine like any other:
//
//   const { n } = await t.one<{ n: number }>(sql`select count(*) as n from items where project_id = ${id}`);
//
// `tempDb()` opens a SQLite file synchronously, for the suites that are about SQLite files or CLI
// options beside one (backup, cli, qc-cli) rather than about the engine.
import { createHash } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import { openDatabase, type Db } from "@/db/client";
import { dynamicQuery, jsonText, num, type Dialect, type EngineKind, type Param, type Query, type Row } from "@/db/engine";
import { MIGRATIONS_DIR, PG_MIGRATIONS_DIR, runMigrations } from "@/db/migrate";
import { openPostgres } from "@/db/postgres";
import { migrateConnection, openSqlite } from "@/db/sqlite";
import pg from "pg";
import { postgresAvailable, TEST_SERVER_URL, testDatabaseUrl } from "./postgres";
import type { RoleName } from "@/db/schema/constants";
import type { Caller, Ctx } from "@/lib/services/context";
import { importItems } from "@/lib/services/importer";
import { createProject, type ProjectInput } from "@/lib/services/projects";
import { USER_INSERT } from "@/db/queries/users";
import { scryptSync } from "node:crypto";
import type { ImportRecord } from "@/lib/formats/record";
import { AppError } from "@/lib/services/errors";

export interface TempDb {
  db: Db;
  /** The SQLite file, or the PostgreSQL database's URL. */
  file: string;
  system: Ctx;
  /** The first row of an inline statement (`sql` below); fails when there is none. */
  one<R = Row>(statement: Inline): Promise<R>;
  /** Every row of an inline statement. */
  all<R = Row>(statement: Inline): Promise<R[]>;
  /** Runs an inline statement; resolves to the number of rows it changed. */
  run(statement: Inline): Promise<number>;
  /** Closes the connections and removes the database. */
  close(): Promise<void>;
}

/** SQL text spliced into an inline statement as written (a fragment from db/queries), not bound. */
export interface Fragment {
  readonly fragment: string | ((d: Dialect) => string);
}

export function fragment(text: string | ((d: Dialect) => string)): Fragment {
  return { fragment: text };
}

/** A statement written in a test: its query and the values bound to its placeholders. */
export interface Inline {
  readonly query: Query<Row>;
  readonly params: Param[];
}

/**
 * A statement written inline in a test: every `${value}` is bound as a parameter (never spliced
 * into the text), except a `fragment(…)`, which is SQL. Write it once for both engines: quote
 * camel-case aliases (`as "itemId"`), test booleans as booleans (`where gold`).
 */
export function sql(strings: TemplateStringsArray, ...values: (Param | Fragment)[]): Inline {
  const params: Param[] = [];
  const parts: (string | Fragment)[] = [strings[0]];
  values.forEach((v, i) => {
    if (v !== null && typeof v === "object" && "fragment" in v) parts.push(v);
    else {
      params.push(v);
      parts.push("?");
    }
    parts.push(strings[i + 1]);
  });
  const render = (d: Dialect) => parts.map((p) => (typeof p === "string" ? p : typeof p.fragment === "string" ? p.fragment : p.fragment(d))).join("");
  return { query: dynamicQuery(render), params };
}

export function tempDbOf(db: Db, file: string, close: () => Promise<void>): TempDb {
  return {
    db,
    file,
    system: { db, caller: null },
    async one<R>(s: Inline) {
      const row = await db.first(s.query, s.params);
      if (row === undefined) throw new Error(`no row from: ${s.query.sqlite.trim()}`);
      return row as R;
    },
    async all<R>(s: Inline) {
      return (await db.many(s.query, s.params)) as R[];
    },
    run: (s) => db.exec(s.query, s.params),
    close,
  };
}

/** The engines the suites run on: SQLite always, PostgreSQL when the test server answers (under CI=true it must). */
export const ENGINES: EngineKind[] = ["sqlite", ...((await postgresAvailable()) ? (["postgres"] as const) : [])];

export function tempDbFile(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "arbiter-test-"));
  return path.join(dir, "arbiter.db");
}

/** A migrated SQLite file, made synchronously (the migrator of better-sqlite3 is) for setup that cannot await. */
export function tempDb(): TempDb {
  const file = tempDbFile();
  const db = openSqlite(file);
  migrateConnection(db.conn, MIGRATIONS_DIR);
  return tempDbOf(db, file, async () => {
    await db.close();
    fs.rmSync(path.dirname(file), { recursive: true, force: true });
  });
}

/** A migrated database on `kind`, removed by `close()`. */
export async function tempDbOn(kind: EngineKind): Promise<TempDb> {
  if (kind === "sqlite") {
    const file = tempDbFile();
    const db = openDatabase(file);
    await runMigrations(db);
    return tempDbOf(db, file, async () => {
      await db.close();
      fs.rmSync(path.dirname(file), { recursive: true, force: true });
    });
  }
  const name = await createFromTemplate();
  const url = testDatabaseUrl(name);
  // A few connections per test database: test files run in parallel, and the server's limit is shared.
  const db = openPostgres(url, { max: 5 });
  return tempDbOf(db, url, async () => {
    await db.close();
    await onServer((c) => c.query(`drop database if exists "${name}" with (force)`));
  });
}

// PostgreSQL test databases are copies of a template migrated once per set of migrations: its name
// carries a hash of db/migrations-pg, so a new migration makes a new template and worktrees or runs
// with different migrations never share one. Creating it is guarded by an advisory lock, so parallel
// vitest workers build it once; the others wait and find it built.

/** The advisory lock (on the server's maintenance database) held while a template is built ("tmpl"). */
const TEMPLATE_LOCK = 0x746d706c;

function filesUnder(dir: string): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? filesUnder(path.join(dir, e.name)) : [path.join(dir, e.name)]))
    .sort();
}

function templateName(): string {
  const hash = createHash("sha256");
  for (const file of filesUnder(PG_MIGRATIONS_DIR)) hash.update(path.relative(PG_MIGRATIONS_DIR, file)).update("\0").update(fs.readFileSync(file));
  return `arbiter_template_${hash.digest("hex").slice(0, 16)}`;
}

async function onServer<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: TEST_SERVER_URL });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

let template: Promise<string> | undefined;

/** The migrated template's name, built by the first worker that needs it. */
function migratedTemplate(): Promise<string> {
  template ??= onServer(async (c) => {
    const name = templateName();
    await c.query("select pg_advisory_lock($1)", [TEMPLATE_LOCK]);
    try {
      const { rowCount } = await c.query("select 1 from pg_database where datname = $1", [name]);
      if (!rowCount) {
        // Built under another name and renamed when done, so a crash midway never leaves a half-migrated template.
        const building = `${name}_building`;
        await c.query(`drop database if exists "${building}" with (force)`);
        await c.query(`create database "${building}" template template0 encoding 'UTF8' lc_collate 'C' lc_ctype 'C'`);
        const engine = openPostgres(testDatabaseUrl(building), { max: 1 });
        try {
          await runMigrations(engine);
        } finally {
          await engine.close();
        }
        await c.query(`alter database "${building}" rename to "${name}"`);
      }
    } finally {
      await c.query("select pg_advisory_unlock($1)", [TEMPLATE_LOCK]);
    }
    return name;
  });
  return template;
}

let databases = 0;

/** A new database copied from the template; retried while another session briefly holds the template (SQLSTATE 55006). */
async function createFromTemplate(): Promise<string> {
  const source = await migratedTemplate();
  const name = `arbiter_t_${process.pid}_${Date.now().toString(36)}_${++databases}`;
  for (let attempt = 0; ; attempt++) {
    try {
      await onServer((c) => c.query(`create database "${name}" template "${source}"`));
      return name;
    } catch (e) {
      if ((e as { code?: string }).code !== "55006" || attempt >= 50) throw e;
      await new Promise((r) => setTimeout(r, 20 + Math.random() * 80));
    }
  }
}

let counter = 0;

/**
 * A stored password hash made synchronously with a small scrypt cost (N=2^10), so a factory can
 * make hundreds of accounts fast; a real sign-in upgrades it to the current cost, as it would an old
 * hash. `createUser` itself (async, full cost) is tested in test/integration/accounts.test.ts.
 */
export function quickHash(password: string, N = 1024): string {
  const salt = Buffer.from(`salt-${password}`.padEnd(16, "x").slice(0, 16));
  const hash = scryptSync(password, salt, 32, { N, r: 8, p: 1 });
  return `scrypt$${N}$8$1$${salt.toString("base64")}$${hash.toString("base64")}`;
}

/** A user with a quick hash (see `quickHash`), inserted as `createUser` inserts one, on either engine. */
export async function makeUser(t: TempDb, role: RoleName, email?: string): Promise<{ caller: Caller; ctx: Ctx; password: string }> {
  const password = "password-" + ++counter;
  const address = email ?? `${role}${counter}@test.local`;
  const user = (await t.db.first(USER_INSERT, [address, address.split("@")[0], role, quickHash(password), jsonText([])]))!;
  const caller = { userId: user.id, email: user.email, role: user.role };
  return { caller, ctx: { db: t.db, caller }, password };
}

/** `count` users of one role, made one after another (their ids in order). */
export async function makeUsers(t: TempDb, count: number, role: RoleName): Promise<Awaited<ReturnType<typeof makeUser>>[]> {
  const made = [];
  for (let i = 0; i < count; i++) made.push(await makeUser(t, role));
  return made;
}

export async function makeProject(t: TempDb, input: Partial<ProjectInput> = {}) {
  return createProject({ ctx: t.system, input: { slug: `p${++counter}`, name: "Test project", status: "active", ...input } });
}

export function pairRecord(i: number, extra: Partial<ImportRecord> = {}): ImportRecord {
  return {
    id: `item-${i}`,
    prompt: `Question number ${i}?`,
    responses: [
      { content: `First answer to ${i}`, model: "model-x" },
      { content: `Second answer to ${i}`, model: "model-y" },
    ],
    ...extra,
  };
}

export function jsonl(records: unknown[]): string {
  return records.map((r) => (typeof r === "string" ? r : JSON.stringify(r))).join("\n") + "\n";
}

export async function importText(t: TempDb, slug: string, text: string, options: { skipInvalid?: boolean } = {}) {
  return importItems({ ctx: t.system, input: { slug, source: () => Readable.from([text]), ...options } });
}

/** Rows in a table of the test database, on either engine. */
export async function countRowsAsync(t: TempDb, table: string): Promise<number> {
  if (!/^[a-z_]+$/.test(table)) throw new Error(`not a table name: ${table}`);
  return (await t.db.first(dynamicQuery(`select count(*) as n from ${table}`, (r) => num(r.n))))!;
}

/** The AppError code a call throws, or undefined when it succeeds (other errors propagate). */
export function errorCode<T>(fn: () => T extends PromiseLike<unknown> ? never : T): string | undefined {
  try {
    // A call that returns a promise is refused by the type above: its error would come after this returns (use errorCodeAsync).
    fn();
  } catch (e) {
    if (e instanceof AppError) return e.code;
    throw e;
  }
  return undefined;
}

/**
 * The AppError code an async call rejects with (or a call throws), or undefined when it succeeds
 * (other errors propagate).
 */
export async function errorCodeAsync(fn: () => unknown): Promise<string | undefined> {
  try {
    await fn();
  } catch (e) {
    if (e instanceof AppError) return e.code;
    throw e;
  }
  return undefined;
}
