// db/tables.ts: every table of both schemas, with its columns' kinds and an order that puts each
// table after the tables it references (the order `arbiter db copy` inserts in).
import { is } from "drizzle-orm";
import { getTableConfig as pgTableConfig, PgTable } from "drizzle-orm/pg-core";
import { getTableConfig as sqliteTableConfig, SQLiteTable } from "drizzle-orm/sqlite-core";
import { describe, expect, it } from "vitest";
import * as pgSchema from "@/db/schema-pg";
import * as sqliteSchema from "@/db/schema";
import { dependencyOrder, TABLES, type TableInfo } from "@/db/tables";

const names = (schema: Record<string, unknown>, kind: typeof SQLiteTable | typeof PgTable, config: (t: never) => { name: string }) =>
  Object.values(schema)
    .filter((v) => is(v, kind))
    .map((t) => config(t as never).name)
    .sort();

describe("TABLES", () => {
  it("lists every table of both schemas once", () => {
    const listed = TABLES.map((t) => t.name).sort();
    expect(listed).toEqual(names(sqliteSchema, SQLiteTable, sqliteTableConfig));
    expect(listed).toEqual(names(pgSchema, PgTable, pgTableConfig));
    expect(listed).not.toContain("__drizzle_migrations");
  });

  it("puts every table after the tables its foreign keys point to", () => {
    const position = new Map(TABLES.map((t, i) => [t.name, i]));
    for (const t of TABLES) for (const ref of t.references) expect(position.get(ref)!, `${t.name} → ${ref}`).toBeLessThan(position.get(t.name)!);
    const judgments = TABLES.find((t) => t.name === "judgments")!;
    expect([...judgments.references].sort()).toEqual(["assignments", "candidates", "items", "projects", "users"]);
  });

  it("reads each column's kind from the two schemas", () => {
    const kinds = (table: string) => Object.fromEntries(TABLES.find((t) => t.name === table)!.columns.map((c) => [c.name, c.kind]));
    expect(kinds("judgments")).toMatchObject({ id: "integer", duration_ms: "integer", gold: "boolean", payload: "json", created_at: "timestamp", rationale: "text" });
    expect(kinds("projects")).toMatchObject({ gold_rate: "real", tag_keys: "json", allow_remote_images: "boolean" });
    expect(kinds("sign_in_limits")).toEqual({ key: "text", points: "integer", expire: "timestamp" });
    expect(TABLES.find((t) => t.name === "project_members")!.primaryKey).toEqual(["project_id", "user_id"]);
    expect(TABLES.find((t) => t.name === "settings")!.primaryKey).toEqual(["key"]);
    expect(TABLES.filter((t) => t.identity).map((t) => t.name)).not.toContain("settings");
    expect(TABLES.find((t) => t.name === "users")!.identity).toBe(true);
  });
});

describe("dependencyOrder", () => {
  const table = (name: string, ...references: string[]): TableInfo => ({ name, references, columns: [], primaryKey: ["id"], identity: false });

  it("orders by references, then by name", () => {
    expect(dependencyOrder([table("c", "b"), table("b", "a"), table("a"), table("d")]).map((t) => t.name)).toEqual(["a", "b", "c", "d"]);
    expect(dependencyOrder([table("z"), table("a", "z")]).map((t) => t.name)).toEqual(["z", "a"]);
  });

  it("refuses a cycle and a reference to a table it does not have", () => {
    expect(() => dependencyOrder([table("a", "b"), table("b", "a")])).toThrow(/cycle/);
    expect(() => dependencyOrder([table("a", "x")])).toThrow(/references x/);
  });
});
