// The exactness proof: 32 annotators in separate processes, each with its own connection, claim,
// skip and judge against one SQLite file until nothing is left; the final rows must show no item past
// its effective overlap, no annotator judging an item twice, and no skipped item judged by its skipper.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { requeueItem } from "@/lib/services/adjudication";
import { updateItem } from "@/lib/services/items";
import { updateProject } from "@/lib/services/projects";
import { countRowsAsync, importText, jsonl, makeProject, makeUser, makeUsers, pairRecord, ENGINES, tempDbOn, type TempDb, sql } from "../helpers/db";
import { runWorkerProcess } from "../helpers/worker-process";
import { expectTotalsInStep } from "../helpers/totals";

let t: TempDb;

const ANNOTATORS = 32;
const ITEMS = 160;
const GOLD = 8;
const OVERLAP = 3;

function runWorker(args: string[]): Promise<{ judged: number; skipped: number; busyRetries: number }> {
  return runWorkerProcess("test/helpers/annotator-worker.ts", args);
}

describe.each(ENGINES)("exactness on %s", (kind) => {
  beforeEach(async () => {
    t = await tempDbOn(kind);
  });
  afterEach(() => t.close());

  describe("exactness under concurrency", () => {
    it(`${ANNOTATORS} annotators in separate processes, with skips, gold items, priorities and sent-back items`, async () => {
      const p = await makeProject(t, { overlap: OVERLAP, leaseMinutes: 30 });
      await importText(
        t,
        p.slug,
        jsonl([
          ...Array.from({ length: ITEMS }, (_, i) => pairRecord(i)),
          ...Array.from({ length: GOLD }, (_, i) => pairRecord(1000 + i, { gold: { choice: "A" } })),
        ]),
      );
      await updateProject({ ctx: t.system, input: { slug: p.slug, goldRate: 0.1 } });
      const ids = (await t.all<{ id: number }>(sql`select id from items where gold is null order by id`)).map((r) => r.id);
      // Some items want more judgments (sent back by a manager), some are served first.
      for (const id of ids.slice(0, 10)) await requeueItem({ ctx: t.system, input: { itemId: id, extra: 2 } });
      for (const id of ids.slice(50, 60)) await updateItem({ ctx: t.system, input: { itemId: id, priority: 5 } });
      const users = await makeUsers(t, ANNOTATORS, "annotator");

      const results = await Promise.all(
        // Half the annotators skip every fourth item they are served.
        users.map((u, i) => runWorker([t.file, String(u.caller.userId), u.caller.email, p.slug, i % 2 ? "4" : "0"])),
      );

      const judged = results.reduce((s, r) => s + r.judged, 0);
      const skipped = results.reduce((s, r) => s + r.skipped, 0);
      // No item past its effective overlap (gold items are exempt by design: every annotator may get each once).
      const over = await t.all(sql`
        select i.id, i.extra_overlap, count(j.id) as n from items i join judgments j on j.item_id = i.id
        where i.gold is null group by i.id having count(j.id) > ${OVERLAP} + i.extra_overlap`);
      expect(over).toEqual([]);
      // No annotator judged an item twice (the unique index would have thrown; the rows say the same).
      expect(await t.all(sql`select item_id, user_id from judgments group by item_id, user_id having count(*) > 1`)).toEqual([]);
      // No skipped item was judged by the annotator who skipped it.
      expect(await t.all(sql`select a.id from assignments a join judgments j on j.item_id = a.item_id and j.user_id = a.user_id where a.status = 'skipped'`)).toEqual([]);
      expect((await t.one<{ n: number }>(sql`select count(*) as n from assignments where status = 'skipped'`)).n).toBe(skipped);
      // Every judgment the workers recorded is there, and the counter the claim relies on matches the rows.
      expect(await countRowsAsync(t, "judgments")).toBe(judged);
      expect(await t.all(sql`select i.id from items i where i.judgment_count <> (select count(*) from judgments j where j.item_id = i.id)`)).toEqual([]);
      await expectTotalsInStep(t.db);
      // Work was shared out and finished: with 32 annotators every non-gold item reached its overlap.
      const short = await t.all(sql`select id from items where gold is null and judgment_count < ${OVERLAP} + extra_overlap`);
      expect(short).toEqual([]);
      expect((await t.one<{ n: number }>(sql`select count(*) as n from judgments where gold`)).n).toBeGreaterThan(0);
      // The work really was concurrent: many processes judged (how many depends on start-up timing).
      expect(results.filter((r) => r.judged > 0).length).toBeGreaterThan(ANNOTATORS / 4);
    }, 240_000);
  });
});
