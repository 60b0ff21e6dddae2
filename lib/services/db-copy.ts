// Moving an installation between engines (`arbiter db copy`): every table of one database, SQLite or
// PostgreSQL, copied into another in one transaction on the target, then verified table by table.
//
// The source is read in one snapshot (a consistent state even while a server writes to it), each
// table streamed in primary-key order; the target is written in ONE write transaction, so a copy
// that fails part-way leaves the target exactly as it was. Each value goes through its column's kind
// (db/tables.ts): integer milliseconds ↔ timestamptz, 0/1 ↔ boolean, JSON text ↔ jsonb. The same
// normalised values feed a checksum per table (lib/formats/table-checksum.ts), computed while
// copying on the source's side and read back from the target after the commit, so "verified" means
// every table arrived with the same rows, value for value.
import fs from "node:fs";
import path from "node:path";
import { z } from "zod";
import { openDatabase, resolveDbPath, type Db } from "@/db/client";
import { at, dynamicQuery, jsonText, type Engine, type Param, type Query, type Row, type Snapshot } from "@/db/engine";
import { migrationsDir, runMigrations } from "@/db/migrate";
import { isPostgresUrl } from "@/db/postgres";
import { DATABASE_IDENTITY, MIGRATIONS_TABLE, NEWEST_MIGRATION } from "@/db/queries/copy";
import { TABLES, type ColumnInfo, type ColumnKind, type TableInfo } from "@/db/tables";
import { TableChecksum, type TableValue } from "@/lib/formats/table-checksum";
import { AppError, badRequest, conflict, notFound, parseInput } from "./errors";

export const copyInput = z.object({
  /** A SQLite file path or a postgres:// URL. */
  from: z.string().min(1),
  to: z.string().min(1),
  /** Replace the rows the target already holds (deleted in the copy's own transaction). */
  force: z.boolean().default(false),
});

/** One table's rows and checksum (sha256, hex) on one side of a copy. */
export interface TableSum {
  rows: number;
  checksum: string;
}

/** By table name, in the order the copy inserts them (each after the tables it references). */
export type TableSums = Record<string, TableSum>;

export interface TableDifference {
  table: string;
  source: TableSum;
  target: TableSum;
}

export interface CopyResult {
  /** Where the rows came from and went to, for messages (a PostgreSQL URL without its password). */
  from: string;
  to: string;
  /** The source's tables as copied. */
  tables: TableSums;
  /** True when every table's row count and checksum on the target equal the source's. */
  verified: boolean;
  /** The tables that differ on the target (none when verified). */
  differences: TableDifference[];
}

export interface CopyHooks {
  /**
   * Called in the target's transaction after each table is inserted, with its row count and the
   * transaction (the CLI shows progress with it). Throwing rolls the whole copy back: the tests fail
   * a copy part-way so, and change a copied row through `tx` to see the verification catch it.
   */
  afterTable?(table: string, rows: number, tx: Engine): void | Promise<void>;
}

/** Rows per stream batch from the source, and at most per insert statement. */
const BATCH = 1000;

/** Placeholders one statement may hold: SQLite's limit (PostgreSQL allows 65,535). */
const MAX_PARAMS = 32766;

/**
 * Copies every table of `from` into `to` and verifies the copy. Refuses a source that is not
 * migrated to this version's migrations, the same database on both sides, and a target that
 * already holds rows unless `force`. Opens and closes its own connections.
 */
export async function copyDatabase({ input, hooks = {} }: { input: z.input<typeof copyInput>; hooks?: CopyHooks }): Promise<CopyResult> {
  const { from, to, force } = parseInput(copyInput, input);
  const sourceTarget = resolveDbPath(from);
  // Opening a SQLite path that does not exist would create an empty database to copy from.
  if (!isPostgresUrl(sourceTarget) && !fs.existsSync(sourceTarget)) throw notFound(`Database ${sourceTarget}`);
  const source = open(sourceTarget);
  try {
    await refuseOutdated(source, "source");
    const target = open(resolveDbPath(to));
    try {
      if ((await identity(source)) === (await identity(target))) {
        throw badRequest(`--from and --to name the same database (${source.location}): copy into another database.`);
      }
      await reach(target, () => runMigrations(target));
      await refuseOutdated(target, "target");
      const tables = await source.snapshot((view) => target.write((tx) => copyTables(view, tx, force, hooks)));
      const copied = await tableChecksums(target);
      const differences = TABLES.filter((t) => !sameSum(tables[t.name], copied[t.name])).map((t) => ({ table: t.name, source: tables[t.name], target: copied[t.name] }));
      return { from: source.location, to: target.location, tables, verified: differences.length === 0, differences };
    } finally {
      await target.close();
    }
  } finally {
    await source.close();
  }
}

/** Every table's row count and checksum, read in one snapshot the way the copy reads its source. */
export async function tableChecksums(db: Engine): Promise<TableSums> {
  return db.snapshot(async (view) => {
    const sums: TableSums = {};
    for (const table of TABLES) {
      const sum = new TableChecksum();
      for await (const row of view.stream(selectAll(table), [], BATCH)) sum.add(row);
      sums[table.name] = { rows: sum.rows, checksum: sum.digest() };
    }
    return sums;
  });
}

const sameSum = (a: TableSum | undefined, b: TableSum | undefined) => a !== undefined && b !== undefined && a.rows === b.rows && a.checksum === b.checksum;

async function copyTables(view: Snapshot, tx: Engine, force: boolean, hooks: CopyHooks): Promise<TableSums> {
  const occupied: string[] = [];
  for (const table of TABLES) if (await tx.first(anyRow(table))) occupied.push(table.name);
  if (occupied.length && !force) {
    throw conflict(`${tx.location} already holds data (in ${occupied.join(", ")}); add --force to replace it with the copy, or copy into an empty database.`);
  }
  if (force) for (const table of [...TABLES].reverse()) await tx.exec(deleteAll(table));

  const sums: TableSums = {};
  for (const table of TABLES) {
    const sum = new TableChecksum();
    const perInsert = Math.max(1, Math.min(BATCH, Math.floor(MAX_PARAMS / table.columns.length)));
    let batch: TableValue[][] = [];
    try {
      for await (const row of view.stream(selectAll(table), [], BATCH)) {
        sum.add(row);
        batch.push(row);
        if (batch.length === perInsert) {
          await tx.exec(insertRows(table, batch.length), bindRows(table, batch));
          batch = [];
        }
      }
      if (batch.length) await tx.exec(insertRows(table, batch.length), bindRows(table, batch));
      // PostgreSQL's identity sequences do not move for explicit ids: without this the next new row would collide with a copied one.
      if (tx.kind === "postgres" && table.identity) await tx.exec(resetIdentity(table));
    } catch (e) {
      throw copyFailure(table, tx, e);
    }
    sums[table.name] = { rows: sum.rows, checksum: sum.digest() };
    await hooks.afterTable?.(table.name, sum.rows, tx);
  }
  return sums;
}

/** A failure while copying `table`, said so; the write transaction it leaves rolls the target back. */
function copyFailure(table: TableInfo, tx: Engine, e: unknown): AppError {
  const err = e as Error & { code?: string };
  // PostgreSQL refuses U+0000 in text (22021) and in jsonb (22P05) where SQLite stores it.
  const hint = err.code === "22021" || err.code === "22P05" ? " (PostgreSQL cannot store the NUL character U+0000, which the source holds)" : "";
  return badRequest(`Copying ${table.name} failed: ${err.message}${hint}. The copy was rolled back: ${tx.location} is as it was.`);
}

// The statements on each table, built once per table (and per insert size) from db/tables.ts.

const quote = (name: string) => `"${name}"`;
const built = new Map<string, Query<unknown>>();

function once<R>(key: string, make: () => Query<R>): Query<R> {
  let q = built.get(key);
  if (!q) built.set(key, (q = make() as Query<unknown>));
  return q as Query<R>;
}

/**
 * Every row of `table` in primary-key order, each as its values in column order, normalised by
 * kind. Text keys are ordered by their bytes on both engines (PostgreSQL's "C" collation is what
 * SQLite's BINARY does), so both sides hash the rows in the same order whatever the database's locale.
 */
function selectAll(table: TableInfo): Query<TableValue[]> {
  return once(`select ${table.name}`, () =>
    dynamicQuery(
      (d) => {
        const order = table.primaryKey.map((k) => {
          const text = table.columns.find((c) => c.name === k)?.kind === "text";
          return quote(k) + (text && d.kind === "postgres" ? ' collate "C"' : "");
        });
        return `select ${table.columns.map((c) => quote(c.name)).join(", ")} from ${quote(table.name)} order by ${order.join(", ")}`;
      },
      (r) => table.columns.map((c) => readValue(table, c, r)),
    ),
  );
}

function anyRow(table: TableInfo): Query<Row> {
  return once(`any ${table.name}`, () => dynamicQuery(`select 1 as found from ${quote(table.name)} limit 1`));
}

function deleteAll(table: TableInfo): Query<unknown> {
  return once(`delete ${table.name}`, () => dynamicQuery(`delete from ${quote(table.name)}`));
}

function insertRows(table: TableInfo, rows: number): Query<unknown> {
  return once(`insert ${table.name} ${rows}`, () => {
    const tuple = `(${table.columns.map(() => "?").join(", ")})`;
    return dynamicQuery(`insert into ${quote(table.name)} (${table.columns.map((c) => quote(c.name)).join(", ")}) values ${Array(rows).fill(tuple).join(", ")}`);
  });
}

/** Moves the table's identity sequence past its largest id (to 1 when it is empty). */
function resetIdentity(table: TableInfo): Query<unknown> {
  return once(`identity ${table.name}`, () =>
    dynamicQuery(`select setval(pg_get_serial_sequence('${table.name}', 'id'), coalesce(max("id"), 0) + 1, false) from ${quote(table.name)}`),
  );
}

function bindRows(table: TableInfo, rows: TableValue[][]): Param[] {
  const params: Param[] = [];
  for (const row of rows) {
    for (let i = 0; i < table.columns.length; i++) {
      const v = row[i];
      params.push(v !== null && table.columns[i].kind === "timestamp" ? at(v as number) : v);
    }
  }
  return params;
}

const KIND_NAMES: Record<ColumnKind, string> = {
  integer: "an integer",
  real: "a number",
  text: "text",
  boolean: "a boolean",
  timestamp: "a timestamp in whole milliseconds",
  json: "JSON",
};

/**
 * A column's value as the driver gave it, normalised: numbers for integers, reals and timestamps
 * (milliseconds), booleans, text, JSON re-encoded by `jsonText` (keys in jsonb's order) or null. A
 * value that is not what the column's kind says (SQLite stores what it is given) stops the copy, naming the row.
 */
function readValue(table: TableInfo, column: ColumnInfo, row: Row): TableValue {
  const v = row[column.name];
  if (v === null || v === undefined) return null;
  switch (column.kind) {
    case "integer":
    case "timestamp":
      if (typeof v === "number" && Number.isSafeInteger(v)) return v;
      if (typeof v === "bigint" && v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER)) return Number(v);
      break;
    case "real":
      if (typeof v === "number" && Number.isFinite(v)) return v;
      break;
    case "text":
      if (typeof v === "string") return v;
      break;
    case "boolean":
      if (v === true || v === 1) return true;
      if (v === false || v === 0) return false;
      break;
    case "json":
      if (typeof v === "string") {
        try {
          return jsonText(JSON.parse(v));
        } catch {
          // Not JSON: said below.
        }
      }
      break;
  }
  const key = table.primaryKey.map((k) => `${k} ${JSON.stringify(row[k])}`).join(", ");
  const shown = typeof v === "string" ? JSON.stringify(v.length > 60 ? v.slice(0, 60) + "…" : v) : Buffer.isBuffer(v) ? "a blob" : String(v);
  throw badRequest(`${table.name} row ${key}: ${column.name} holds ${shown}, not ${KIND_NAMES[column.kind]}; correct it in the source and copy again.`);
}

/**
 * Which database an engine reaches: SQLite by the file's device and inode (a symlink or another
 * spelling of the path is the same file), PostgreSQL by the database on its server.
 */
async function identity(db: Engine): Promise<string> {
  const row = await reach(db, () => db.first(DATABASE_IDENTITY));
  const id = row?.identity ?? "";
  if (db.kind === "postgres") return `postgres ${id}`;
  if (id === "") return `sqlite memory ${Math.random()}`;
  const stat = fs.statSync(id);
  return `sqlite ${stat.dev} ${stat.ino}`;
}

/** The journal time of the newest migration this version ships for an engine. */
function newestKnownMigration(kind: Engine["kind"]): number {
  const journal = JSON.parse(fs.readFileSync(path.join(migrationsDir(kind), "meta/_journal.json"), "utf8")) as { entries: { when: number }[] };
  return Math.max(...journal.entries.map((e) => e.when));
}

/** Refuses a database whose migrations are not exactly this version's: older (migrate it first) or newer (another version of Arbiter). */
async function refuseOutdated(db: Db, side: "source" | "target"): Promise<void> {
  const newest = (await reach(db, () => db.first(MIGRATIONS_TABLE))) ? (await db.first(NEWEST_MIGRATION))?.createdAt ?? null : null;
  const known = newestKnownMigration(db.kind);
  if (newest !== null && newest > known) {
    throw badRequest(`The ${side} ${db.location} comes from a newer version of Arbiter (its schema has migrations this version does not know); copy it with that version.`);
  }
  if (newest === null || newest < known) {
    const flag = db.kind === "postgres" ? `--database-url '${db.location}'` : `--db ${db.location}`;
    throw badRequest(`The ${side} ${db.location} is not migrated to this version's schema: run \`arbiter migrate ${flag}\` on it first, then copy.`);
  }
}

/** Opens a database (a SQLite file is created if missing), turning a path SQLite cannot open into a message naming it. */
function open(target: string): Db {
  try {
    return openDatabase(target);
  } catch (e) {
    throw badRequest(`Cannot open the database ${target}: ${(e as Error).message}`);
  }
}

/** Runs a database's first statement, turning a database that cannot be reached or read into a message naming it. */
async function reach<T>(db: Engine, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    if (e instanceof AppError) throw e;
    const err = e as Error & { code?: string };
    throw badRequest(`Cannot use the database ${db.location}: ${err.message || err.code || String(e)}`);
  }
}
