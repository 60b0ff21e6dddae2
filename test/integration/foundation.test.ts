// The foundation's promises on a real SQLite file: leasing, judging, skipping, importing, exporting.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { claimNext, skipAssignment } from "@/lib/services/assignment";
import { submitJudgment } from "@/lib/services/judgments";
import { openExport } from "@/lib/services/exporter";
import { importText, jsonl, makeProject, makeUser, makeUsers, pairRecord, ENGINES, tempDbOn, type TempDb, errorCode, errorCodeAsync, countRowsAsync, sql } from "../helpers/db";
import { runWorkerProcess } from "../helpers/worker-process";
import { collect } from "../helpers/collect";

let t: TempDb;



describe.each(ENGINES)("foundation on %s", (kind) => {
  beforeEach(async () => {
    t = await tempDbOn(kind);
  });
  afterEach(() => t.close());

  describe("leasing and judging", () => {
    it("serves an item with two slotted candidates and no model names", async () => {
      const p = await makeProject(t);
      await importText(t, p.slug, jsonl([pairRecord(1)]));
      const a = await makeUser(t, "annotator");
      const claimed = (await claimNext({ ctx: a.ctx, input: { slug: p.slug } }))!;
      expect(claimed.item.candidates.map((c) => c.slot)).toEqual(["A", "B"]);
      expect(new Set(claimed.item.candidates.map((c) => c.content))).toEqual(new Set(["First answer to 1", "Second answer to 1"]));
      expect(JSON.stringify(claimed)).not.toMatch(/model-x|model-y/);
      // Asking again while holding the lease returns the same assignment.
      expect((await claimNext({ ctx: a.ctx, input: { slug: p.slug } }))!.assignment.id).toBe(claimed.assignment.id);
    });

    it("stores the winner through the slot order and refuses a second judgment", async () => {
      const p = await makeProject(t);
      await importText(t, p.slug, jsonl([pairRecord(1)]));
      const a = await makeUser(t, "annotator");
      const claimed = (await claimNext({ ctx: a.ctx, input: { slug: p.slug } }))!;
      const { created } = await submitJudgment({ ctx: a.ctx, input: { assignment_id: claimed.assignment.id, choice: "B" } });
      expect(created).toBe(true);
      const row = await t.one<{ winner: string }>(sql`select c.content as winner from judgments j join candidates c on c.id = j.winner_candidate_id`);
      expect(row.winner).toBe(claimed.item.candidates[1].content);
      expect(await errorCodeAsync(() => submitJudgment({ ctx: a.ctx, input: { assignment_id: claimed.assignment.id, choice: "A" } }))).toBe("conflict");
    });

    it("treats a retry with the same client_id as the first judgment", async () => {
      const p = await makeProject(t);
      await importText(t, p.slug, jsonl([pairRecord(1)]));
      const a = await makeUser(t, "annotator");
      const claimed = (await claimNext({ ctx: a.ctx, input: { slug: p.slug } }))!;
      const input = { assignment_id: claimed.assignment.id, choice: "A" as const, client_id: "c-1" };
      const first = await submitJudgment({ ctx: a.ctx, input });
      const retry = await submitJudgment({ ctx: a.ctx, input });
      expect(retry.created).toBe(false);
      expect(retry.judgment.id).toBe(first.judgment.id);
      expect(await countRowsAsync(t, "judgments")).toBe(1);
    });

    it("does not let an annotator judge or skip another annotator's assignment", async () => {
      const p = await makeProject(t);
      await importText(t, p.slug, jsonl([pairRecord(1)]));
      const a = await makeUser(t, "annotator");
      const b = await makeUser(t, "annotator");
      const claimed = (await claimNext({ ctx: a.ctx, input: { slug: p.slug } }))!;
      expect(await errorCodeAsync(() => submitJudgment({ ctx: b.ctx, input: { assignment_id: claimed.assignment.id, choice: "A" } }))).toBe("not_found");
      expect(await errorCodeAsync(() => skipAssignment({ ctx: b.ctx, input: { id: claimed.assignment.id } }))).toBe("not_found");
      expect(await countRowsAsync(t, "judgments")).toBe(0);
    });

    it("never serves more leases than the overlap, and frees an expired lease", async () => {
      const p = await makeProject(t, { overlap: 2, leaseMinutes: 1 });
      await importText(t, p.slug, jsonl([pairRecord(1)]));
      let now = 1_000_000;
      const users = [await makeUser(t, "annotator"), await makeUser(t, "annotator"), await makeUser(t, "annotator")];
      const ctxs = users.map((u) => ({ ...u.ctx, now: () => now }));
      const t1 = (await claimNext({ ctx: ctxs[0], input: { slug: p.slug } }))!;
      expect(await claimNext({ ctx: ctxs[1], input: { slug: p.slug } })).not.toBeNull();
      expect(await claimNext({ ctx: ctxs[2], input: { slug: p.slug } })).toBeNull();
      now += 61_000; // both leases expire
      const t3 = (await claimNext({ ctx: ctxs[2], input: { slug: p.slug } }))!;
      expect(t3).not.toBeNull();
      // Annotator 0's lease expired but a seat is still free (only one live lease): the late judgment counts.
      expect((await submitJudgment({ ctx: ctxs[0], input: { assignment_id: t1.assignment.id, choice: "A" } })).created).toBe(true);
      // Annotator 1 comes back late: the judgment plus annotator 2's live lease fill the overlap.
      const t2 = await t.one<{ id: number }>(sql`select id from assignments where user_id = ${users[1].caller.userId}`);
      expect(await errorCodeAsync(() => submitJudgment({ ctx: ctxs[1], input: { assignment_id: t2.id, choice: "B" } }))).toBe("conflict");
      await submitJudgment({ ctx: ctxs[2], input: { assignment_id: t3.assignment.id, choice: "A" } });
      expect(await countRowsAsync(t, "judgments")).toBe(2);
    });

    it("never serves a skipped item to the annotator who skipped it", async () => {
      const p = await makeProject(t);
      await importText(t, p.slug, jsonl([pairRecord(1), pairRecord(2)]));
      const a = await makeUser(t, "annotator");
      const first = (await claimNext({ ctx: a.ctx, input: { slug: p.slug } }))!;
      await skipAssignment({ ctx: a.ctx, input: { id: first.assignment.id, reason: "unclear" } });
      const second = (await claimNext({ ctx: a.ctx, input: { slug: p.slug } }))!;
      expect(second.item.id).not.toBe(first.item.id);
      await submitJudgment({ ctx: a.ctx, input: { assignment_id: second.assignment.id, choice: "tie" } });
      expect(await claimNext({ ctx: a.ctx, input: { slug: p.slug } })).toBeNull();
      // Another annotator still gets the skipped item.
      const b = await makeUser(t, "annotator");
      const ids = new Set<number>();
      for (let i = 0; i < 2; i++) {
        const claimed = (await claimNext({ ctx: b.ctx, input: { slug: p.slug } }))!;
        ids.add(claimed.item.id);
        await submitJudgment({ ctx: b.ctx, input: { assignment_id: claimed.assignment.id, choice: "A" } });
      }
      expect(ids.has(first.item.id)).toBe(true);
    });

    it("leases a second item when the client excludes the one it shows (prefetch), and a reload gets the first back", async () => {
      const p = await makeProject(t);
      await importText(t, p.slug, jsonl([pairRecord(1), pairRecord(2), pairRecord(3)]));
      const a = await makeUser(t, "annotator");
      const first = (await claimNext({ ctx: a.ctx, input: { slug: p.slug } }))!;
      const next = (await claimNext({ ctx: a.ctx, input: { slug: p.slug, exclude: [first.assignment.id] } }))!;
      expect(next.item.id).not.toBe(first.item.id);
      // Asking again with the same exclusion returns the prefetched lease, not a third item.
      expect((await claimNext({ ctx: a.ctx, input: { slug: p.slug, exclude: [first.assignment.id] } }))!.assignment.id).toBe(next.assignment.id);
      expect((await claimNext({ ctx: a.ctx, input: { slug: p.slug } }))!.assignment.id).toBe(first.assignment.id);
      expect(await errorCodeAsync(() => claimNext({ ctx: a.ctx, input: { slug: p.slug, exclude: ["x" as unknown as number] } }))).toBe("bad_request");
    });

    it("refuses work to roles without the claimed scope", async () => {
      const p = await makeProject(t);
      const m = await makeUser(t, "manager");
      expect(await errorCodeAsync(() => claimNext({ ctx: m.ctx, input: { slug: p.slug } }))).toBe("forbidden");
    });
  });

  describe("concurrent annotators", () => {
    it("8 annotators in separate processes never push an item past its overlap", async () => {
      const p = await makeProject(t, { overlap: 3 });
      await importText(t, p.slug, jsonl(Array.from({ length: 40 }, (_, i) => pairRecord(i))));
      const users = await makeUsers(t, 8, "annotator");
      const results = await Promise.all(
        users.map(
          (u, i) =>
            runWorkerProcess<{ judged: number }>("test/helpers/annotator-worker.ts", [t.file, String(u.caller.userId), u.caller.email, p.slug, i % 2 ? "5" : "0"]),
        ),
      );
      const total = results.reduce((s, r) => s + r.judged, 0);
      const over = await t.all<{ item_id: number; n: number }>(sql`select item_id, count(*) as n from judgments group by item_id having count(*) > 3`);
      expect(over).toEqual([]);
      const dup = await t.all(sql`select item_id, user_id from judgments group by item_id, user_id having count(*) > 1`);
      expect(dup).toEqual([]);
      const skippedThenJudged = await t.all(sql`
        select a.id from assignments a join judgments j on j.item_id = a.item_id and j.user_id = a.user_id where a.status = 'skipped'`);
      expect(skippedThenJudged).toEqual([]);
      expect(await countRowsAsync(t, "judgments")).toBe(total);
      // The counter the claim query relies on matches the rows.
      const drift = await t.all(sql`select i.id from items i where i.judgment_count <> (select count(*) from judgments j where j.item_id = i.id)`);
      expect(drift).toEqual([]);
      // Work was actually shared out: every item got its three judgments unless skips left it short.
      expect(total).toBeGreaterThan(100);
    }, 120_000);
  });

  describe("import", () => {
    it("writes nothing from a file with an invalid line and reports the line", async () => {
      const p = await makeProject(t);
      const text = jsonl([pairRecord(1), { prompt: "x", responses: [{ content: "only one" }] }, pairRecord(3)]);
      const summary = await importText(t, p.slug, text);
      expect(summary.rejected).toBe(true);
      expect(summary.inserted).toBe(0);
      expect(summary.errors).toHaveLength(1);
      expect(summary.errors[0].line).toBe(2);
      expect(summary.errors[0].message + (summary.errors[0].field ?? "")).toMatch(/responses/);
      expect(await countRowsAsync(t, "items")).toBe(0);
      expect(await countRowsAsync(t, "candidates")).toBe(0);
    });

    it("imports the valid lines with skipInvalid and skips duplicates on a second import", async () => {
      const p = await makeProject(t);
      const text = jsonl([pairRecord(1), "{not json", pairRecord(3)]);
      const first = await importText(t, p.slug, text, { skipInvalid: true });
      expect(first).toMatchObject({ inserted: 2, duplicates: 0, error_count: 1 });
      expect(first.errors[0].line).toBe(2);
      const again = await importText(t, p.slug, jsonl([pairRecord(1), pairRecord(3), pairRecord(4)]));
      expect(again).toMatchObject({ inserted: 1, duplicates: 2 });
      expect(await countRowsAsync(t, "items")).toBe(3);
    });

    it("accepts the response_a/response_b shorthand and records without ids (deduplicated by content)", async () => {
      const p = await makeProject(t);
      const text = jsonl([{ prompt: "Hi?", response_a: "Hello", response_b: "Hey", model_a: "m1", model_b: "m2" }]);
      expect(await importText(t, p.slug, text)).toMatchObject({ inserted: 1 });
      expect(await importText(t, p.slug, text)).toMatchObject({ inserted: 0, duplicates: 1 });
      const models = (await t.all<{ model: string }>(sql`select model from candidates order by position`)).map((r) => r.model);
      expect(models).toEqual(["m1", "m2"]);
    });

    it("refuses an import from an annotator", async () => {
      const p = await makeProject(t);
      const a = await makeUser(t, "annotator");
      const { importItems } = await import("@/lib/services/importer");
      await expect(importItems({ ctx: a.ctx, input: { slug: p.slug, source: () => [jsonl([pairRecord(1)])] } })).rejects.toMatchObject({ code: "forbidden" });
    });
  });

  describe("trl-dpo export", () => {
    async function judged(overlap: number, votes: ("A" | "B" | "tie" | "both_bad")[][], conversation = false) {
      const p = await makeProject(t, { overlap });
      const records = votes.map((_, i) =>
        conversation
          ? pairRecord(i, { prompt: [{ role: "user", content: "Hi" }, { role: "assistant", content: "Hello!" }, { role: "user", content: `Q${i}` }] })
          : pairRecord(i),
      );
      await importText(t, p.slug, jsonl(records));
      const annotators = await makeUsers(t, overlap, "annotator");
      // Each annotator judges every item; choices are given in terms of the record's own order.
      for (const a of annotators) {
        for (;;) {
          const claimed = await claimNext({ ctx: a.ctx, input: { slug: p.slug } });
          if (!claimed) break;
          const itemIndex = Number((await t.one<{ e: string }>(sql`select external_id as e from items where id = ${claimed.item.id}`)).e.split("-")[1]);
          const k = annotators.indexOf(a);
          const want = votes[itemIndex][k];
          const first = (await t.one<{ c: string }>(sql`select content as c from candidates where item_id = ${claimed.item.id} and position = 0`)).c;
          const firstSlot = claimed.item.candidates.find((c) => c.content === first)!.slot;
          const choice = want === "A" ? firstSlot : want === "B" ? (firstSlot === "A" ? "B" : "A") : want;
          await submitJudgment({ ctx: a.ctx, input: { assignment_id: claimed.assignment.id, choice: choice as "A" } });
        }
      }
      return p;
    }

    async function rows(slug: string, minVotes?: number) {
      return (await collect((await openExport({ ctx: t.system, input: { slug, format: "trl-dpo", minVotes } })).lines)).map((l) => JSON.parse(l));
    }

    it("writes one row per item with a strict majority, chosen = the majority's response", async () => {
      const p = await judged(3, [
        ["A", "A", "B"], // A wins
        ["B", "B", "B"], // B wins
        ["A", "B", "tie"], // no majority
        ["tie", "tie", "A"], // ties are left out
        ["both_bad", "both_bad", "both_bad"],
      ]);
      const out = await rows(p.slug);
      expect(out).toEqual([
        { prompt: "Question number 0?", chosen: "First answer to 0", rejected: "Second answer to 0" },
        { prompt: "Question number 1?", chosen: "Second answer to 1", rejected: "First answer to 1" },
      ]);
      expect(await rows(p.slug, 3)).toEqual([out[1]]);
    });

    it("writes a multi-turn prompt in TRL's conversational form", async () => {
      const p = await judged(1, [["B"]], true);
      expect(await rows(p.slug)).toEqual([
        {
          prompt: [
            { role: "user", content: "Hi" },
            { role: "assistant", content: "Hello!" },
            { role: "user", content: "Q0" },
          ],
          chosen: [{ role: "assistant", content: "Second answer to 0" }],
          rejected: [{ role: "assistant", content: "First answer to 0" }],
        },
      ]);
    });

    it("is refused to annotators and managers", async () => {
      const p = await makeProject(t);
      for (const role of ["annotator", "manager"] as const) {
        const u = await makeUser(t, role);
        expect(await errorCodeAsync(() => openExport({ ctx: u.ctx, input: { slug: p.slug, format: "trl-dpo" } }))).toBe("forbidden");
      }
    });
  });
});
