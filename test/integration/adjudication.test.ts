// The adjudication queue, recording a final label, and sending an item back for more judgments.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { claimNext, type Claim } from "@/lib/services/assignment";
import { submitJudgment } from "@/lib/services/judgments";
import { adjudicationQueue, recordAdjudication, requeueItem } from "@/lib/services/adjudication";
import { getProject, projectProgress, updateProject } from "@/lib/services/projects";
import { projectStats } from "@/lib/services/stats";
import { AppError } from "@/lib/services/errors";
import { countRowsAsync, importText, jsonl, makeProject, makeUser, makeUsers, pairRecord, ENGINES, tempDbOn, type TempDb, errorCode, errorCodeAsync, sql } from "../helpers/db";

let t: TempDb;


async function indexOf(claimed: Claim): Promise<number> {
  return Number((await t.one<{ e: string }>(sql`select external_id as e from items where id = ${claimed.item.id}`)).e.split("-")[1]);
}

/** Turns a label in position terms (A = first response) into the slot this assignment shows it in. */
async function slotFor(claimed: Claim, label: string): Promise<string> {
  if (label !== "A" && label !== "B") return label;
  const content = (await t.one<{ c: string }>(sql`select content as c from candidates where item_id = ${claimed.item.id} and position = ${label === "A" ? 0 : 1}`)).c;
  return claimed.item.candidates.find((c) => c.content === content)!.slot;
}

const VOTES = [
  ["A", "A", "B"], // majority A, agreement 2/3
  ["A", "B", "tie"], // no majority
  ["B", "B", "B"],
  ["both_bad", "A", "B"], // no majority
];

async function judged() {
  const p = await makeProject(t, { overlap: 3 });
  await importText(t, p.slug, jsonl(VOTES.map((_, i) => pairRecord(i))));
  const annotators = await makeUsers(t, 3, "annotator");
  for (const [k, a] of annotators.entries()) {
    for (let claimed; (claimed = await claimNext({ ctx: a.ctx, input: { slug: p.slug } })); ) {
      const label = VOTES[await indexOf(claimed)][k];
      await submitJudgment({ ctx: a.ctx, input: { assignment_id: claimed.assignment.id, choice: (await slotFor(claimed, label)) as "A", rationale: `because ${label} (${k})` } });
    }
  }
  const ids = new Map((await t.all<{ id: number; e: string }>(sql`select id, external_id as e from items`)).map((r) => [r.e, r.id]));
  const itemId = (i: number) => ids.get(`item-${i}`)!;
  return { p, annotators, itemId, manager: await makeUser(t, "manager") };
}

describe.each(ENGINES)("adjudication on %s", (kind) => {
  beforeEach(async () => {
    t = await tempDbOn(kind);
  });
  afterEach(() => t.close());

  describe("adjudication queue", () => {
    it("lists items without a strict majority, with prompt, responses with models, each judgment and rationale", async () => {
      const { p, manager, annotators } = await judged();
      const queue = await adjudicationQueue({ ctx: manager.ctx, input: { slug: p.slug } });
      expect(queue.total).toBe(2);
      expect(queue.items.map((i) => i.external_id)).toEqual(["item-1", "item-3"]);
      const item = queue.items[0];
      expect(item.prompt).toBe("Question number 1?");
      expect(item.candidates).toEqual([
        { label: "A", position: 0, content: "First answer to 1", model: "model-x" },
        { label: "B", position: 1, content: "Second answer to 1", model: "model-y" },
      ]);
      // Choices come back in position terms whatever slots each annotator saw.
      expect(item.judgments.map((j) => [j.annotator.email, j.choice, j.rationale])).toEqual(
        annotators.map((a, k) => [a.caller.email, VOTES[1][k], `because ${VOTES[1][k]} (${k})`]),
      );
      expect(item.votes).toEqual({ A: 1, B: 1, tie: 1 });
      expect(item).toMatchObject({ reason: "no_majority", effective_overlap: 3, adjudication: null });
      expect(item.agreement).toBeCloseTo(1 / 3);
    });

    it("adds items below the project's agreement threshold", async () => {
      const { p, manager } = await judged();
      await updateProject({ ctx: t.system, input: { slug: p.slug, agreementThreshold: 0.75 } });
      const queue = await adjudicationQueue({ ctx: manager.ctx, input: { slug: p.slug } });
      expect(queue.items.map((i) => [i.external_id, i.reason])).toEqual([
        ["item-0", "below_threshold"],
        ["item-1", "no_majority"],
        ["item-3", "no_majority"],
      ]);
    });

    it("is for managers and admins only", async () => {
      const { p, annotators, itemId } = await judged();
      expect(await errorCodeAsync(() => adjudicationQueue({ ctx: annotators[0].ctx, input: { slug: p.slug } }))).toBe("forbidden");
      expect(await errorCodeAsync(() => recordAdjudication({ ctx: annotators[0].ctx, input: { itemId: itemId(1), choice: "A" } }))).toBe("forbidden");
      expect(await errorCodeAsync(() => requeueItem({ ctx: annotators[0].ctx, input: { itemId: itemId(1), extra: 1 } }))).toBe("forbidden");
      const admin = await makeUser(t, "admin");
      expect(await errorCodeAsync(() => adjudicationQueue({ ctx: admin.ctx, input: { slug: p.slug } }))).toBeUndefined();
    });
  });

  describe("recording an adjudication", () => {
    it("stores the verdict (item order) with the winner, a note and an audit row, and leaves the queue", async () => {
      const { p, manager, itemId } = await judged();
      const result = await recordAdjudication({ ctx: manager.ctx, input: { itemId: itemId(1), choice: "B", note: "B cites the source" } });
      expect(result).toMatchObject({ choice: "B", note: "B cites the source", by: manager.caller.email });
      const row = await t.one<{ choice: string; winner: string; note: string; payload: string }>(sql`
        select a.choice, c.content as winner, a.note, a.payload from adjudications a join candidates c on c.id = a.winner_candidate_id`);
      expect(row).toMatchObject({ choice: "B", winner: "Second answer to 1", note: "B cites the source" });
      expect(JSON.parse(row.payload)).toMatchObject({ type: "pairwise", choice: "B" });
      expect((await adjudicationQueue({ ctx: manager.ctx, input: { slug: p.slug } })).items.map((i) => i.external_id)).toEqual(["item-3"]);
      const resolved = await adjudicationQueue({ ctx: manager.ctx, input: { slug: p.slug, resolved: true } });
      expect(resolved.items[0].adjudication).toMatchObject({ choice: "B" });
      // A second decision replaces the first; both are in the audit log.
      await recordAdjudication({ ctx: manager.ctx, input: { itemId: itemId(1), choice: "tie" } });
      const after = await t.one<{ choice: string; winner: number | null }>(sql`select choice, winner_candidate_id as winner from adjudications`);
      expect(after).toEqual({ choice: "tie", winner: null });
      expect((await t.one<{ n: number }>(sql`select count(*) as n from audit_log where action = 'adjudication.record'`)).n).toBe(2);
    });

    it("refuses an unknown choice naming the field, and an unknown item", async () => {
      const { manager, itemId } = await judged();
      try {
        await recordAdjudication({ ctx: manager.ctx, input: { itemId: itemId(1), choice: "C" as "A" } });
        expect.unreachable();
      } catch (e) {
        expect((e as AppError).message).toMatch(/^choice: must be one of A, B, tie, both_bad/);
      }
      expect(await errorCodeAsync(() => recordAdjudication({ ctx: manager.ctx, input: { itemId: 999_999, choice: "A" } }))).toBe("not_found");
      expect(await countRowsAsync(t, "adjudications")).toBe(0);
    });
  });

  describe("sending an item back", () => {
    it("raises the item's effective overlap so one more annotator gets it, and no more", async () => {
      const { p, manager, itemId } = await judged();
      const fourth = await makeUser(t, "annotator");
      expect(await claimNext({ ctx: fourth.ctx, input: { slug: p.slug } })).toBeNull(); // every item has its 3 judgments
      // Sent back, the item is no longer complete, the same everywhere progress is shown (the
      // statistics computed before the requeue are not served from their cache after it).
      const complete = async () => ({
        admin: (await projectProgress(t.system, await getProject({ ctx: t.system, input: { slug: p.slug } }))).completeItems,
        stats: (await projectStats({ ctx: manager.ctx, input: { slug: p.slug } })).complete_items,
      });
      const all = VOTES.length;
      expect(await complete()).toEqual({ admin: all, stats: all });
      expect(await requeueItem({ ctx: manager.ctx, input: { itemId: itemId(1), extra: 1 } })).toMatchObject({ extra_overlap: 1, effective_overlap: 4 });
      expect(await complete()).toEqual({ admin: all - 1, stats: all - 1 });
      const claimed = (await claimNext({ ctx: fourth.ctx, input: { slug: p.slug } }))!;
      expect(await indexOf(claimed)).toBe(1);
      await submitJudgment({ ctx: fourth.ctx, input: { assignment_id: claimed.assignment.id, choice: (await slotFor(claimed, "A")) as "A" } });
      expect(await claimNext({ ctx: (await makeUser(t, "annotator")).ctx, input: { slug: p.slug } })).toBeNull();
      expect((await t.one<{ n: number }>(sql`select judgment_count as n from items where id = ${itemId(1)}`)).n).toBe(4);
      expect(await complete()).toEqual({ admin: all, stats: all });
      // With the fourth vote (A) item 1 still has no strict majority (2 of 4): it stays in the queue.
      const queued = (await adjudicationQueue({ ctx: manager.ctx, input: { slug: p.slug } })).items.find((i) => i.id === itemId(1))!;
      expect(queued).toMatchObject({ votes: { A: 2, B: 1, tie: 1 }, effective_overlap: 4 });
      expect(await errorCodeAsync(() => requeueItem({ ctx: manager.ctx, input: { itemId: itemId(1), extra: 0 } }))).toBe("bad_request");
    });
  });
});
