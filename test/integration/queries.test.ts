// Every statement the services run, prepared against a freshly migrated database of each engine:
// a misspelt or renamed column, a function one engine lacks or a parameter PostgreSQL cannot type
// fails here, whether or not a test happens to run the statement. The statements are the ones
// defined with defineQuery in db/queries/ (and db/migrate.ts); "test." ones belong to tests.
import fs from "node:fs";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { definedQueries, type Query } from "@/db/engine";
import "@/db/migrate";
import { openSqliteConnection } from "@/db/sqlite";
import { ENGINES, tempDbOn, type TempDb } from "../helpers/db";

const QUERIES_DIR = path.resolve(__dirname, "../../db/queries");

async function statements(): Promise<Query<unknown>[]> {
  for (const file of fs.readdirSync(QUERIES_DIR).filter((f) => /\.ts$/.test(f) && !f.endsWith(".d.ts")).sort()) {
    await import(path.join(QUERIES_DIR, file));
  }
  return definedQueries().filter((q) => !q.name.startsWith("test."));
}

/** "name: message" for each statement the engine refuses. */
type Check = (q: Query<unknown>, n: number) => Promise<string | undefined>;

describe.each(ENGINES)("the defined statements on %s", (kind) => {
  let t: TempDb;
  let check: Check;
  let done: () => Promise<void>;

  beforeAll(async () => {
    t = await tempDbOn(kind);
    if (kind === "sqlite") {
      const conn = openSqliteConnection(t.file);
      check = async (q) => {
        try {
          conn.prepare(q.sqlite);
          return undefined;
        } catch (e) {
          return (e as Error).message;
        }
      };
      done = async () => {
        conn.close();
      };
    } else {
      const client = new pg.Client({ connectionString: t.file });
      await client.connect();
      check = async (q, n) => {
        try {
          await client.query(`prepare arbiter_check_${n} as ${q.postgres}`);
          await client.query(`deallocate arbiter_check_${n}`);
          return undefined;
        } catch (e) {
          return (e as Error).message;
        }
      };
      done = () => client.end();
    }
  });
  afterAll(async () => {
    await done?.();
    await t?.close();
  });

  it("all prepare against the migrated schema", async () => {
    const all = await statements();
    expect(all.length).toBeGreaterThan(0);
    const refused: string[] = [];
    for (const [n, q] of all.entries()) {
      const message = await check(q, n);
      if (message) refused.push(`${q.name}: ${message}`);
    }
    expect(refused).toEqual([]);
  });
});
