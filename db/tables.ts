// Every table of the schema as data, for code that works on whole tables whatever is in them (the
// copy between engines, lib/services/db-copy.ts): columns with the kind of value each holds, primary
// keys, and an order in which every table comes after the tables its foreign keys point to. All of it
// is read from the drizzle definitions (db/schema, db/schema-pg), so a new table or column needs no list kept by hand.
import { is } from "drizzle-orm";
import { getTableConfig as pgTableConfig, PgTable, type PgColumn } from "drizzle-orm/pg-core";
import { getTableConfig as sqliteTableConfig, SQLiteTable, type SQLiteColumn } from "drizzle-orm/sqlite-core";
import * as pgSchema from "./schema-pg";
import * as sqliteSchema from "./schema";

/**
 * What a column holds, whichever engine stores it: `integer` and `real` numbers, `text`, `boolean`
 * (0/1 on SQLite), `timestamp` (integer milliseconds on SQLite, timestamptz on PostgreSQL) and `json`
 * (text on SQLite, jsonb on PostgreSQL).
 */
export type ColumnKind = "integer" | "real" | "text" | "boolean" | "timestamp" | "json";

export interface ColumnInfo {
  /** The column's name in SQL. */
  readonly name: string;
  readonly kind: ColumnKind;
  readonly nullable: boolean;
}

export interface TableInfo {
  readonly name: string;
  /** In the order the SQLite schema defines them. */
  readonly columns: readonly ColumnInfo[];
  /** The primary key's columns, in key order. */
  readonly primaryKey: readonly string[];
  /** The tables this one's foreign keys point to (itself excluded). */
  readonly references: readonly string[];
  /** True when PostgreSQL generates the `id` column (an identity whose sequence must follow explicit ids). */
  readonly identity: boolean;
}

/** The kind of a column from its type in each schema; a pair not listed here is a schema this module does not know how to read. */
const KINDS: Record<string, ColumnKind> = {
  "SQLiteInteger/PgInteger": "integer",
  "SQLiteInteger/PgBigInt53": "integer",
  "SQLiteReal/PgDoublePrecision": "real",
  "SQLiteText/PgText": "text",
  "SQLiteBoolean/PgBoolean": "boolean",
  "SQLiteInteger/PgTimestamp": "timestamp",
  "SQLiteTimestamp/PgTimestamp": "timestamp",
  "SQLiteTextJson/PgJsonb": "json",
};

function tablesOf<T>(schema: Record<string, unknown>, kind: abstract new (...args: never[]) => T): T[] {
  return Object.values(schema).filter((v): v is T => is(v, kind as never));
}

function readSchemas(): TableInfo[] {
  const pgTables = new Map(tablesOf(pgSchema, PgTable).map((t) => [pgTableConfig(t).name, pgTableConfig(t)]));
  const tables: TableInfo[] = [];
  for (const table of tablesOf(sqliteSchema, SQLiteTable)) {
    const config = sqliteTableConfig(table);
    const pg = pgTables.get(config.name);
    if (!pg) throw new Error(`db/tables.ts: table ${config.name} is in db/schema but not in db/schema-pg`);
    pgTables.delete(config.name);
    const pgColumns = new Map<string, PgColumn>(pg.columns.map((c) => [c.name, c]));
    if (pgColumns.size !== config.columns.length) throw new Error(`db/tables.ts: table ${config.name} has different columns in db/schema and db/schema-pg`);
    const columns = config.columns.map((c: SQLiteColumn): ColumnInfo => {
      const other = pgColumns.get(c.name);
      if (!other) throw new Error(`db/tables.ts: column ${config.name}.${c.name} is in db/schema but not in db/schema-pg`);
      const kind = KINDS[`${c.columnType}/${other.columnType}`];
      if (!kind) throw new Error(`db/tables.ts: column ${config.name}.${c.name} is ${c.columnType} on SQLite and ${other.columnType} on PostgreSQL, a pair it does not know`);
      return { name: c.name, kind, nullable: !c.notNull && !c.primary };
    });
    const composite = config.primaryKeys[0]?.columns.map((c) => c.name);
    const primaryKey = composite ?? config.columns.filter((c) => c.primary).map((c) => c.name);
    if (primaryKey.length === 0) throw new Error(`db/tables.ts: table ${config.name} has no primary key`);
    const references = [...new Set(config.foreignKeys.map((fk) => sqliteTableConfig(fk.reference().foreignTable).name))].filter((t) => t !== config.name);
    const identity = pg.columns.some((c) => c.name === "id" && (c as PgColumn & { generatedIdentity?: unknown }).generatedIdentity !== undefined);
    tables.push({ name: config.name, columns, primaryKey, references, identity });
  }
  if (pgTables.size) throw new Error(`db/tables.ts: ${[...pgTables.keys()].join(", ")} in db/schema-pg but not in db/schema`);
  return dependencyOrder(tables);
}

/** Tables ordered so that each comes after every table it references; among equals, by name, so the order is stable. */
export function dependencyOrder(tables: TableInfo[]): TableInfo[] {
  const byName = new Map(tables.map((t) => [t.name, t]));
  const done = new Set<string>();
  const visiting = new Set<string>();
  const out: TableInfo[] = [];
  const visit = (t: TableInfo) => {
    if (done.has(t.name)) return;
    if (visiting.has(t.name)) throw new Error(`db/tables.ts: the foreign keys of ${t.name} form a cycle; no insertion order satisfies them`);
    visiting.add(t.name);
    for (const ref of [...t.references].sort()) {
      const target = byName.get(ref);
      if (!target) throw new Error(`db/tables.ts: ${t.name} references ${ref}, which is not in the schema`);
      visit(target);
    }
    visiting.delete(t.name);
    done.add(t.name);
    out.push(t);
  };
  for (const t of [...tables].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) visit(t);
  return out;
}

/** Every table of the schema, each after the tables it references. */
export const TABLES: readonly TableInfo[] = readSchemas();
