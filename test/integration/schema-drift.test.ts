// The two schemas (db/schema for SQLite, db/schema-pg for PostgreSQL) describe the same tables: a
// freshly migrated database of each engine, read back by introspection, has the same tables,
// columns, nullability, primary keys, unique keys, foreign keys and index names. Types differ by
// design (integer milliseconds vs timestamptz, text vs jsonb); everything a query names must not.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dynamicQuery, json, num, str, type Engine } from "@/db/engine";
import { ENGINES, tempDbOn, type TempDb } from "../helpers/db";

interface TableShape {
  /** Column name → nullable. */
  columns: Record<string, boolean>;
  primaryKey: string[];
  /** Column lists of the unique indexes and constraints other than the primary key, as "a, b". */
  uniqueKeys: string[];
  /** "cols → table(cols) on delete action". */
  foreignKeys: string[];
  /** Index names (the primary key's excepted), with "unique" and "partial" where they are. */
  indexes: string[];
}

type Shape = Record<string, TableShape>;

const sorted = (xs: string[]) => [...xs].sort();
const fk = (cols: string[], table: string, refCols: string[], onDelete: string) => `${cols.join(", ")} → ${table}(${refCols.join(", ")}) on delete ${onDelete.toLowerCase()}`;
const indexLabel = (name: string, unique: boolean, partial: boolean) => [name, unique ? "unique" : "", partial ? "partial" : ""].filter(Boolean).join(" ");

async function sqliteShape(db: Engine): Promise<Shape> {
  const tables = await db.many(
    dynamicQuery("select name from sqlite_master where type = 'table' and name not like 'sqlite%' and name <> '__drizzle_migrations'", (r) => str(r.name)),
  );
  const shape: Shape = {};
  for (const table of tables) {
    const columns = await db.many(dynamicQuery(`select name, "notnull" as nn, pk from pragma_table_info(?)`, (r) => ({ name: str(r.name), notNull: num(r.nn) === 1, pk: num(r.pk) })), [table]);
    const indexes = await db.many(
      dynamicQuery(`select name, "unique" as uniq, origin, partial from pragma_index_list(?)`, (r) => ({ name: str(r.name), unique: num(r.uniq) === 1, origin: str(r.origin), partial: num(r.partial) === 1 })),
      [table],
    );
    const uniqueKeys: string[] = [];
    const indexNames: string[] = [];
    for (const index of indexes) {
      if (index.origin === "pk") continue;
      indexNames.push(indexLabel(index.name, index.unique, index.partial));
      if (!index.unique) continue;
      const cols = await db.many(dynamicQuery("select name from pragma_index_info(?) order by seqno", (r) => str(r.name)), [index.name]);
      uniqueKeys.push(cols.join(", "));
    }
    const refs = await db.many(
      dynamicQuery(`select id, "table" as ref, "from" as col, "to" as ref_col, on_delete from pragma_foreign_key_list(?) order by id, seq`, (r) => ({
        id: num(r.id),
        ref: str(r.ref),
        col: str(r.col),
        refCol: str(r.ref_col),
        onDelete: str(r.on_delete),
      })),
      [table],
    );
    const byId = new Map<number, typeof refs>();
    for (const r of refs) byId.set(r.id, [...(byId.get(r.id) ?? []), r]);
    shape[table] = {
      // A primary key column is never null, whatever table_info says of an integer primary key.
      columns: Object.fromEntries(columns.map((c) => [c.name, !c.notNull && c.pk === 0])),
      primaryKey: columns.filter((c) => c.pk > 0).sort((a, b) => a.pk - b.pk).map((c) => c.name),
      uniqueKeys: sorted(uniqueKeys),
      foreignKeys: sorted([...byId.values()].map((rs) => fk(rs.map((r) => r.col), rs[0].ref, rs.map((r) => r.refCol), rs[0].onDelete))),
      indexes: sorted(indexNames),
    };
  }
  return shape;
}

const PG_DELETE_ACTIONS: Record<string, string> = { a: "no action", r: "restrict", c: "cascade", n: "set null", d: "set default" };

/** The names of attribute numbers `nums` of relation `rel`, in order (a SQL expression yielding a json array). */
const attnames = (rel: string, nums: string) =>
  `(select json_agg(a.attname order by k.ord) from unnest(${nums}) with ordinality as k(attnum, ord) join pg_attribute a on a.attrelid = ${rel} and a.attnum = k.attnum)`;

async function postgresShape(db: Engine): Promise<Shape> {
  const tables = await db.many(
    dynamicQuery("select table_name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE'", (r) => str(r.table_name)),
  );
  const columns = await db.many(
    dynamicQuery("select table_name, column_name, is_nullable from information_schema.columns where table_schema = 'public'", (r) => ({
      table: str(r.table_name),
      name: str(r.column_name),
      nullable: r.is_nullable === "YES",
    })),
  );
  const constraints = await db.many(
    dynamicQuery(
      `select cl.relname as tbl, con.contype as type, ${attnames("con.conrelid", "con.conkey")} as cols,
              fcl.relname as ref, ${attnames("con.confrelid", "con.confkey")} as ref_cols, con.confdeltype as on_delete
         from pg_constraint con
         join pg_class cl on cl.oid = con.conrelid
         join pg_namespace n on n.oid = cl.relnamespace
         left join pg_class fcl on fcl.oid = con.confrelid
        where n.nspname = 'public' and con.contype in ('p', 'f')`,
      (r) => ({ table: str(r.tbl), type: str(r.type), cols: json<string[]>(r.cols), ref: r.ref == null ? "" : str(r.ref), refCols: r.ref_cols == null ? [] : json<string[]>(r.ref_cols), onDelete: str(r.on_delete) }),
    ),
  );
  const indexes = await db.many(
    dynamicQuery(
      `select t.relname as tbl, i.relname as name, ix.indisunique as uniq, ix.indisprimary as pk, ix.indpred is not null as partial,
              ${attnames("ix.indrelid", "ix.indkey::int2[]")} as cols
         from pg_index ix
         join pg_class i on i.oid = ix.indexrelid
         join pg_class t on t.oid = ix.indrelid
         join pg_namespace n on n.oid = t.relnamespace
        where n.nspname = 'public'`,
      (r) => ({ table: str(r.tbl), name: str(r.name), unique: r.uniq === true, pk: r.pk === true, partial: r.partial === true, cols: json<string[]>(r.cols) }),
    ),
  );
  const shape: Shape = {};
  for (const table of tables) {
    const mine = <T extends { table: string }>(rows: T[]) => rows.filter((r) => r.table === table);
    const own = mine(indexes).filter((i) => !i.pk);
    shape[table] = {
      columns: Object.fromEntries(mine(columns).map((c) => [c.name, c.nullable])),
      primaryKey: mine(constraints).find((c) => c.type === "p")?.cols ?? [],
      uniqueKeys: sorted(own.filter((i) => i.unique).map((i) => i.cols.join(", "))),
      foreignKeys: sorted(mine(constraints).filter((c) => c.type === "f").map((c) => fk(c.cols, c.ref, c.refCols, PG_DELETE_ACTIONS[c.onDelete]))),
      indexes: sorted(own.map((i) => indexLabel(i.name, i.unique, i.partial))),
    };
  }
  return shape;
}

describe.skipIf(!ENGINES.includes("postgres"))("the SQLite and PostgreSQL schemas", () => {
  let sqlite: TempDb;
  let postgres: TempDb;
  beforeAll(async () => {
    [sqlite, postgres] = await Promise.all([tempDbOn("sqlite"), tempDbOn("postgres")]);
  });
  afterAll(async () => {
    await Promise.all([sqlite?.close(), postgres?.close()]);
  });

  it("have the same tables, columns, nullability, keys and indexes once migrated", async () => {
    const [lite, pg] = await Promise.all([sqliteShape(sqlite.db), postgresShape(postgres.db)]);
    expect(Object.keys(lite).length).toBeGreaterThan(10);
    expect(lite.items.indexes).toContain("items_claim_idx partial");
    expect(lite.users.uniqueKeys).toEqual(["email"]);
    expect(lite.project_members.primaryKey).toEqual(["project_id", "user_id"]);
    expect(lite.judgments.foreignKeys).toContain("assignment_id → assignments(id) on delete set null");
    expect(sorted(Object.keys(pg))).toEqual(sorted(Object.keys(lite)));
    for (const table of Object.keys(lite)) expect(pg[table], table).toEqual(lite[table]);
  });
});
