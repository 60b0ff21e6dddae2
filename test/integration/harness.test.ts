// The test harness itself (test/helpers/db.ts): a migrated database per test on every engine, row
// counts through the engine, and each PostgreSQL test database gone after close().
import fs from "node:fs";
import pg from "pg";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { defineQuery, num, str } from "@/db/engine";
import { isMigrated } from "@/db/migrate";
import { countRowsAsync, ENGINES, tempDbOn, type TempDb } from "../helpers/db";
import { TEST_SERVER_URL } from "../helpers/postgres";

const SETTING = defineQuery("test.harness.setting", "insert into settings (key, value) values (?, ?) returning key, value", (r) => ({ key: str(r.key), value: str(r.value) }));
const ONE = defineQuery("test.harness.one", "select 1 + 1 as two", (r) => num(r.two));

describe("ENGINES", () => {
  it("lists SQLite first, and PostgreSQL when the test server answers", () => {
    expect(ENGINES[0]).toBe("sqlite");
    expect(ENGINES.every((k) => k === "sqlite" || k === "postgres")).toBe(true);
  });
});

describe.each(ENGINES)("tempDbOn on %s", (kind) => {
  let t: TempDb;
  beforeEach(async () => {
    t = await tempDbOn(kind);
  });
  afterEach(() => t.close());

  it("gives a migrated, empty database of that engine that the services' context reaches", async () => {
    expect(t.db.kind).toBe(kind);
    expect(t.system.db).toBe(t.db);
    expect(await isMigrated(t.db)).toBe(true);
    expect(await t.db.first(ONE)).toBe(2);
    expect(await countRowsAsync(t, "projects")).toBe(0);
    expect(await t.db.write((tx) => tx.first(SETTING, ["k", "v"]))).toEqual({ key: "k", value: "v" });
    expect(await countRowsAsync(t, "settings")).toBe(1);
  });

  it("gives every test its own database, removed by close()", async () => {
    const other = await tempDbOn(kind);
    await other.db.write((tx) => tx.exec(SETTING, ["only-here", "1"]));
    expect(await countRowsAsync(other, "settings")).toBe(1);
    expect(await countRowsAsync(t, "settings")).toBe(0);
    await other.close();
    if (kind === "sqlite") {
      expect(fs.existsSync(other.file)).toBe(false);
    } else {
      const name = new URL(other.file).pathname.slice(1);
      const server = new pg.Client({ connectionString: TEST_SERVER_URL });
      await server.connect();
      try {
        expect((await server.query("select 1 from pg_database where datname = $1", [name])).rowCount).toBe(0);
      } finally {
        await server.end();
      }
    }
  });
});
