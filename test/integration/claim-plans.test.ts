// The claim's picks walk an index in serving order and stop at the first free item, on both engines:
// a plan that sorts the open items instead costs a scan of the whole level on every claim (on
// PostgreSQL, about 100 ms at 20,000 items, when `order by … id asc` did not match the index's
// `id desc nulls last`). Checked on the plans themselves, so a change to an index or an order
// clause that loses the walk fails here rather than in a benchmark.
import pg from "pg";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { PICK, PICK_KEYS, type PickQuery } from "@/db/queries/assignment";
import { openSqliteConnection } from "@/db/sqlite";
import { ENGINES, importText, jsonl, makeProject, pairRecord, tempDbOn, type TempDb } from "../helpers/db";

const ITEMS = 3000;

/** The plan of `q` for project `project` as text (SQLite's query plan, or PostgreSQL's EXPLAIN of the generic and a custom plan). */
async function plans(t: TempDb, q: PickQuery, project: number): Promise<string[]> {
  const values = { project, priority: 0, user: 1, now: new Date(), overlap: 3, bound: 3, start: 1, keys: JSON.stringify(["skill-1", "skill-2"]) };
  const args = q.args(values);
  if (t.db.kind === "sqlite") {
    const conn = openSqliteConnection(t.file);
    try {
      const rows = conn.prepare(`explain query plan ${q.sqlite}`).all(...args.map((a) => (a instanceof Date ? a.getTime() : a))) as { detail: string }[];
      return [rows.map((r) => r.detail).join("\n")];
    } finally {
      conn.close();
    }
  }
  const client = new pg.Client({ connectionString: t.file });
  await client.connect();
  try {
    await client.query("analyze");
    await client.query(`prepare pick as ${q.postgres}`);
    const out: string[] = [];
    for (const mode of ["force_generic_plan", "force_custom_plan"]) {
      await client.query(`set plan_cache_mode = ${mode}`);
      // EXPLAIN takes no bound parameters: the values go in as literals.
      const literals = args.map((a) => (typeof a === "number" ? String(a) : client.escapeLiteral(a instanceof Date ? a.toISOString() : String(a))));
      const { rows } = await client.query<{ "QUERY PLAN": string }>(`explain execute pick(${literals.join(", ")})`);
      out.push(rows.map((r) => r["QUERY PLAN"]).join("\n"));
    }
    return out;
  } finally {
    await client.end();
  }
}

describe.each(ENGINES)("claim picks on %s", (kind) => {
  let t: TempDb;
  beforeEach(async () => {
    t = await tempDbOn(kind);
  });
  afterEach(() => t.close());

  it("finish_first walks items_claim_idx in serving order, with no sort", async () => {
    const p = await makeProject(t, { slug: "plans", status: "draft" });
    await importText(t, "plans", jsonl(Array.from({ length: ITEMS }, (_, i) => pairRecord(i))));
    for (const plan of await plans(t, PICK.finish_first, p.id)) {
      expect(plan).toMatch(/items_claim_idx/);
      expect(plan).not.toMatch(kind === "sqlite" ? /TEMP B-TREE/ : /Sort/);
    }
  }, 120_000);

  it("routed finish_first walks items_tag_claim_idx per key, sorting only the keys' firsts", async () => {
    const p = await makeProject(t, { slug: "plans-tags", status: "draft" });
    await importText(t, "plans-tags", jsonl(Array.from({ length: ITEMS }, (_, i) => pairRecord(i, { tags: [`skill-${i % 20}`] }))));
    for (const plan of await plans(t, PICK_KEYS.finish_first, p.id)) {
      expect(plan).toMatch(/items_tag_claim_idx/);
      if (kind === "postgres") {
        // The per-key subquery is a walk (Limit over an index scan); the one Sort is the outer one, over at most one row per key.
        expect(plan).toMatch(/Limit[\s\S]*Index Scan Backward using items_tag_claim_idx/);
        expect(plan.match(/Sort Key/g)?.length ?? 0, plan).toBeLessThanOrEqual(1);
      }
    }
  }, 120_000);
});
