// Assignment policies and quality control on a real SQLite file: order policies, priority, quota,
// membership, project status, gold items and the gold-accuracy cut-off.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { claimNext, goldStandings, skipAssignment, type Claim } from "@/lib/services/assignment";
import { submitJudgment } from "@/lib/services/judgments";
import { addMember, listMembers, removeMember } from "@/lib/services/members";
import { listBatches, setBatchPriority, updateItem } from "@/lib/services/items";
import { listProjects, updateProject } from "@/lib/services/projects";
import { AppError } from "@/lib/services/errors";
import type { Ctx } from "@/lib/services/context";
import { countRowsAsync, importText, jsonl, makeProject, makeUser, makeUsers, pairRecord, ENGINES, tempDbOn, type TempDb, sql } from "../helpers/db";

let t: TempDb;

async function refusal(fn: () => unknown): Promise<{ code: string; reason?: string; message: string } | undefined> {
  try {
    await fn();
  } catch (e) {
    if (e instanceof AppError) return { code: e.code, reason: (e.details as { reason?: string } | undefined)?.reason, message: e.message };
    throw e;
  }
  return undefined;
}

/** `refusal` for an async call. */
async function refusalOf(call: Promise<unknown>): Promise<{ code: string; reason?: string; message: string } | undefined> {
  try {
    await call;
  } catch (e) {
    if (e instanceof AppError) return { code: e.code, reason: (e.details as { reason?: string } | undefined)?.reason, message: e.message };
    throw e;
  }
  return undefined;
}


/** The item's external id ("item-7" → 7) of a claimed assignment. */
async function indexOf(claimed: Claim): Promise<number> {
  return Number((await t.one<{ e: string }>(sql`select external_id as e from items where id = ${claimed.item.id}`)).e.split("-")[1]);
}

/** The slot showing the item's first candidate (the record's first response). */
async function slotOfFirst(claimed: Claim): Promise<"A" | "B"> {
  const first = (await t.one<{ c: string }>(sql`select content as c from candidates where item_id = ${claimed.item.id} and position = 0`)).c;
  return claimed.item.candidates.find((c) => c.content === first)!.slot as "A" | "B";
}

async function claimAndJudge(ctx: Ctx, slug: string, choice: "A" | "B" | "tie" = "A"): Promise<Claim | null> {
  const claimed = await claimNext({ ctx, input: { slug } });
  if (claimed) await submitJudgment({ ctx, input: { assignment_id: claimed.assignment.id, choice } });
  return claimed;
}

async function project(n: number, settings: Record<string, unknown> = {}, records = Array.from({ length: n }, (_, i) => pairRecord(i))) {
  const p = await makeProject(t, { overlap: (settings.overlap as number) ?? 2 });
  if (records.length) await importText(t, p.slug, jsonl(records)); // an empty file is refused (no records)
  if (Object.keys(settings).length) await updateProject({ ctx: t.system, input: { slug: p.slug, ...settings } });
  return p;
}

describe.each(ENGINES)("assignment policies on %s", (kind) => {
  beforeEach(async () => {
    t = await tempDbOn(kind);
  });
  afterEach(() => t.close());

  describe("project settings", () => {
    it("updates policies, refuses bad values naming the field, and writes an audit row", async () => {
      const p = await project(1);
      const updated = await updateProject({ ctx: t.system, input: { slug: p.slug, orderPolicy: "finish-first", quota: 5, goldRate: 0.1, status: "paused" } });
      expect(updated).toMatchObject({ orderPolicy: "finish_first", quota: 5, goldRate: 0.1, status: "paused" });
      expect((await refusal(() => updateProject({ ctx: t.system, input: { slug: p.slug, goldRate: 2 } })))?.message).toMatch(/goldRate: must be between 0 and 1/);
      expect((await refusal(() => updateProject({ ctx: t.system, input: { slug: p.slug, orderPolicy: "newest" } })))?.message).toMatch(/orderPolicy/);
      expect((await refusal(() => updateProject({ ctx: t.system, input: { slug: p.slug, minGoldAccuracy: 0.8 } })))?.message).toMatch(/minGoldAfter/);
      expect((await refusal(() => updateProject({ ctx: t.system, input: { slug: p.slug, judgmentSchema: { type: "poll" } as never } })))?.message).toMatch(/judgmentSchema\.type/);
      const annotator = await makeUser(t, "annotator");
      expect((await refusal(() => updateProject({ ctx: annotator.ctx, input: { slug: p.slug, quota: 1 } })))?.code).toBe("forbidden");
      const audits = await t.all<{ action: string }>(sql`select action from audit_log where action = 'project.update'`);
      expect(audits).toHaveLength(1);
    });
  });

  describe("order policies", () => {
    async function startedSecondItem(order: string) {
      const p = await project(3, { orderPolicy: order });
      const a = await makeUser(t, "annotator");
      const first = (await claimNext({ ctx: a.ctx, input: { slug: p.slug } }))!;
      expect(await indexOf(first)).toBe(0);
      await skipAssignment({ ctx: a.ctx, input: { id: first.assignment.id } });
      expect(await indexOf((await claimAndJudge(a.ctx, p.slug))!)).toBe(1); // item 1 now has one judgment, item 0 none
      return { p, b: await makeUser(t, "annotator") };
    }

    it("finish_first serves the started item before untouched ones", async () => {
      const { p, b } = await startedSecondItem("finish_first");
      expect(await indexOf((await claimNext({ ctx: b.ctx, input: { slug: p.slug } }))!)).toBe(1);
    });

    it("import serves items in import order", async () => {
      const { p, b } = await startedSecondItem("import");
      expect(await indexOf((await claimNext({ ctx: b.ctx, input: { slug: p.slug } }))!)).toBe(0);
    });

    it("random serves every item once, not in import order", async () => {
      const p = await project(60, { orderPolicy: "random", overlap: 1 });
      const a = await makeUser(t, "annotator");
      const order: number[] = [];
      for (let claimed; (claimed = await claimAndJudge(a.ctx, p.slug)); ) order.push(await indexOf(claimed));
      expect(new Set(order).size).toBe(60);
      expect(order).not.toEqual([...order].sort((x, y) => x - y));
    });

    it("random stays random when other projects hold most of the database's items", async () => {
      const p = await project(60, { orderPolicy: "random", overlap: 1 });
      await project(600, { orderPolicy: "random" });
      const a = await makeUser(t, "annotator");
      const order: number[] = [];
      for (let claimed; (claimed = await claimAndJudge(a.ctx, p.slug)); ) order.push(await indexOf(claimed));
      expect(new Set(order).size).toBe(60);
      // In import order nearly every step goes to the next item; in a random order few do.
      const nextInLine = order.slice(1).filter((v, i) => v === order[i] + 1).length;
      expect(nextInLine).toBeLessThan(20);
    });
  });

  describe("priority", () => {
    it("serves a raised item first, then a raised batch, whatever the order policy", async () => {
      const p = await project(5, { orderPolicy: "import" });
      await importText(t, p.slug, jsonl([pairRecord(100), pairRecord(101)]));
      const batches = await listBatches({ ctx: t.system, input: { slug: p.slug } });
      expect(batches.map((b) => b.inserted)).toEqual([2, 5]);
      const ids = new Map((await t.all<{ id: number; e: string }>(sql`select id, external_id as e from items`)).map((r) => [r.e, r.id]));
      const itemOf = (i: number) => ids.get(`item-${i}`)!;
      await updateItem({ ctx: t.system, input: { itemId: itemOf(3), priority: 10 } });
      await setBatchPriority({ ctx: t.system, input: { batchId: batches[0].id, priority: 5 } });
      const a = await makeUser(t, "annotator");
      const served: number[] = [];
      for (let k = 0; k < 4; k++) served.push(await indexOf((await claimAndJudge(a.ctx, p.slug))!));
      expect(served).toEqual([3, 100, 101, 0]);
      expect((await refusal(() => updateItem({ ctx: a.ctx, input: { itemId: itemOf(0), priority: 99 } })))?.code).toBe("forbidden");
    });

    it("takes priority from the import record", async () => {
      const p = await project(0);
      await importText(t, p.slug, jsonl([pairRecord(1), pairRecord(2, { priority: 3 })]));
      const a = await makeUser(t, "annotator");
      expect(await indexOf((await claimNext({ ctx: a.ctx, input: { slug: p.slug } }))!)).toBe(2);
    });
  });

  describe("quota", () => {
    it("stops an annotator at the quota with a clear reason, others go on", async () => {
      const p = await project(5, { quota: 2 });
      const a = await makeUser(t, "annotator");
      await claimAndJudge(a.ctx, p.slug);
      await claimAndJudge(a.ctx, p.slug);
      expect(await refusal(() => claimNext({ ctx: a.ctx, input: { slug: p.slug } }))).toMatchObject({ code: "conflict", reason: "quota_reached" });
      const b = await makeUser(t, "annotator");
      expect(await claimNext({ ctx: b.ctx, input: { slug: p.slug } })).not.toBeNull();
      expect((await goldStandings({ ctx: t.system, input: { slug: p.slug } })).find((q) => q.user_id === a.caller.userId)?.blocked).toBe("quota_reached");
    });
  });

  describe("membership", () => {
    it("closes a project to non-members once it has members, and shows annotators only their projects", async () => {
      const p = await project(3);
      const other = await makeProject(t);
      const a = await makeUser(t, "annotator");
      const b = await makeUser(t, "annotator");
      expect(await addMember({ ctx: t.system, input: { slug: p.slug, email: b.caller.email } })).toEqual({ added: true });
      expect(await addMember({ ctx: t.system, input: { slug: p.slug, email: b.caller.email } })).toEqual({ added: false });
      expect((await listMembers({ ctx: t.system, input: { slug: p.slug } })).map((m) => m.email)).toEqual([b.caller.email]);
      // Issue 12: a project an annotator may not work on answers as one that does not exist.
      expect(await refusal(() => claimNext({ ctx: a.ctx, input: { slug: p.slug } }))).toMatchObject({ code: "not_found" });
      expect(await claimNext({ ctx: b.ctx, input: { slug: p.slug } })).not.toBeNull();
      expect((await listProjects({ ctx: a.ctx })).map((x) => x.slug)).toEqual([other.slug]);
      expect((await listProjects({ ctx: b.ctx })).map((x) => x.slug)).toEqual([p.slug, other.slug]);
      const manager = await makeUser(t, "manager");
      expect(await listProjects({ ctx: manager.ctx })).toHaveLength(2);
      const m = await makeUser(t, "manager");
      expect((await refusal(() => addMember({ ctx: t.system, input: { slug: p.slug, email: m.caller.email } })))?.message).toMatch(/^email: .* is a manager/);
      expect((await refusal(() => addMember({ ctx: t.system, input: { slug: p.slug, email: "nobody@test.local" } })))?.code).toBe("not_found");
      await removeMember({ ctx: t.system, input: { slug: p.slug, email: b.caller.email } });
      // Issue 12: removing the last member leaves a members-only project closed, to b as well.
      expect(await refusal(() => claimNext({ ctx: a.ctx, input: { slug: p.slug } }))).toMatchObject({ code: "not_found" });
      expect(await refusal(() => claimNext({ ctx: b.ctx, input: { slug: p.slug } }))).toMatchObject({ code: "not_found" });
      await updateProject({ ctx: t.system, input: { slug: p.slug, visibility: "everyone" } });
      expect(await claimNext({ ctx: a.ctx, input: { slug: p.slug } })).not.toBeNull();
    });

    it("hides draft and archived projects from annotators but not from managers", async () => {
      const draft = await project(1, { status: "draft" });
      const archived = await project(1, { status: "archived" });
      const paused = await project(1, { status: "paused" });
      const a = await makeUser(t, "annotator");
      expect((await listProjects({ ctx: a.ctx })).map((x) => x.slug)).toEqual([paused.slug]);
      expect((await listProjects({ ctx: (await makeUser(t, "manager")).ctx })).map((x) => x.slug)).toEqual([draft.slug, archived.slug, paused.slug]);
      // Issue 12: a draft project is hidden from annotators: not_found, as for one that does not exist.
      expect(await refusal(() => claimNext({ ctx: a.ctx, input: { slug: draft.slug } }))).toMatchObject({ code: "not_found" });
      expect(await refusal(() => claimNext({ ctx: a.ctx, input: { slug: archived.slug } }))).toMatchObject({ code: "not_found" });
    });
  });

  describe("project status", () => {
    it("a paused project serves nothing and refuses judgments on open leases with 409; resuming restores both", async () => {
      const p = await project(3);
      const a = await makeUser(t, "annotator");
      const claimed = (await claimNext({ ctx: a.ctx, input: { slug: p.slug } }))!;
      await updateProject({ ctx: t.system, input: { slug: p.slug, status: "paused" } });
      const refused = await refusal(() => submitJudgment({ ctx: a.ctx, input: { assignment_id: claimed.assignment.id, choice: "A" } }));
      expect(refused).toMatchObject({ code: "conflict" });
      expect(refused!.message).toMatch(/paused/);
      const other = await makeUser(t, "annotator");
      expect(await refusal(() => claimNext({ ctx: other.ctx, input: { slug: p.slug } }))).toMatchObject({ code: "conflict", reason: "project_not_active" });
      expect(await countRowsAsync(t, "judgments")).toBe(0);
      await updateProject({ ctx: t.system, input: { slug: p.slug, status: "active" } });
      expect((await submitJudgment({ ctx: a.ctx, input: { assignment_id: claimed.assignment.id, choice: "A" } })).created).toBe(true);
    });
  });

  describe("gold items", () => {
    const goldRecords = (n: number, from = 1000) => Array.from({ length: n }, (_, i) => pairRecord(from + i, { gold: { choice: "A" } }));
    const isGold = async (claimed: Claim) => (await indexOf(claimed)) >= 1000;

    it("mixes gold items into the stream at the rate, looking like any other item, and tracks accuracy", async () => {
      const p = await project(0, {}, []);
      await importText(t, p.slug, jsonl([...Array.from({ length: 200 }, (_, i) => pairRecord(i)), ...goldRecords(60)]));
      await updateProject({ ctx: t.system, input: { slug: p.slug, goldRate: 0.25 } });
      const a = await makeUser(t, "annotator");
      let gold = 0;
      let right = 0;
      const shapes = new Set<string>();
      for (let n = 0; n < 100; n++) {
        const claimed = (await claimNext({ ctx: a.ctx, input: { slug: p.slug } }))!;
        shapes.add(JSON.stringify(Object.keys(claimed).sort()) + JSON.stringify(Object.keys(claimed.item).sort()) + JSON.stringify(Object.keys(claimed.item.candidates[0]).sort()));
        let choice: "A" | "B" = "A";
        if (await isGold(claimed)) {
          gold++;
          // Answer two gold items in three correctly (gold = the record's first response).
          const correct = gold % 3 !== 0;
          if (correct) right++;
          choice = correct ? (await slotOfFirst(claimed)) : (await slotOfFirst(claimed)) === "A" ? "B" : "A";
        }
        await submitJudgment({ ctx: a.ctx, input: { assignment_id: claimed.assignment.id, choice } });
      }
      expect(shapes.size).toBe(1);
      // Binomial(100, 0.25): mean 25, sd 4.3; these bounds are more than 3 sd away.
      expect(gold).toBeGreaterThanOrEqual(11);
      expect(gold).toBeLessThanOrEqual(39);
      const [q] = await goldStandings({ ctx: t.system, input: { slug: p.slug } });
      expect(q).toMatchObject({ judged: 100, gold_judged: gold, gold_correct: right, blocked: null });
      expect(q.gold_accuracy).toBeCloseTo(right / gold, 6);
      // Judgments of gold items carry the flag (exports leave them out).
      expect((await t.one<{ n: number }>(sql`select count(*) as n from judgments where gold`)).n).toBe(gold);
    });

    it("gold items are exempt from the overlap: every annotator gets each once", async () => {
      const p = await project(0, { overlap: 1 }, []);
      await importText(t, p.slug, jsonl([pairRecord(1), pairRecord(2), pairRecord(3), ...goldRecords(1)]));
      await updateProject({ ctx: t.system, input: { slug: p.slug, goldRate: 1 } });
      for (const [k, u] of (await makeUsers(t, 3, "annotator")).entries()) {
        expect(await indexOf((await claimAndJudge(u.ctx, p.slug))!)).toBe(1000);
        expect(await indexOf((await claimAndJudge(u.ctx, p.slug))!)).toBe(k + 1);
      }
      expect((await t.one<{ n: number }>(sql`select judgment_count as n from items where external_id = 'item-1000'`)).n).toBe(3);
      // Gold items alone are not work: once the real items are done, the stream ends.
      expect(await claimNext({ ctx: (await makeUser(t, "annotator")).ctx, input: { slug: p.slug } })).toBeNull();
    });

    it("an annotator below the minimum gold accuracy after N gold judgments stops receiving items, with the reason", async () => {
      const p = await project(0, {}, []);
      await importText(t, p.slug, jsonl([...Array.from({ length: 30 }, (_, i) => pairRecord(i)), ...goldRecords(10)]));
      await updateProject({ ctx: t.system, input: { slug: p.slug, goldRate: 1, minGoldAccuracy: 0.8, minGoldAfter: 3 } });
      const careless = await makeUser(t, "annotator");
      const careful = await makeUser(t, "annotator");
      for (let n = 0; n < 3; n++) {
        const claimed = (await claimNext({ ctx: careless.ctx, input: { slug: p.slug } }))!;
        expect(await isGold(claimed)).toBe(true);
        // Two wrong answers of three: 33%, below 80%.
        const choice = n === 0 ? (await slotOfFirst(claimed)) : (await slotOfFirst(claimed)) === "A" ? "B" : "A";
        await submitJudgment({ ctx: careless.ctx, input: { assignment_id: claimed.assignment.id, choice } });
        const good = (await claimNext({ ctx: careful.ctx, input: { slug: p.slug } }))!;
        await submitJudgment({ ctx: careful.ctx, input: { assignment_id: good.assignment.id, choice: await slotOfFirst(good) } });
      }
      const refused = await refusal(() => claimNext({ ctx: careless.ctx, input: { slug: p.slug } }));
      expect(refused).toMatchObject({ code: "forbidden", reason: "gold_accuracy" });
      expect(refused!.message).toMatch(/33\.3%.*80%/);
      expect(await claimNext({ ctx: careful.ctx, input: { slug: p.slug } })).not.toBeNull();
      const quality = await goldStandings({ ctx: (await makeUser(t, "manager")).ctx, input: { slug: p.slug } });
      expect(quality.find((q) => q.user_id === careless.caller.userId)).toMatchObject({ gold_judged: 3, gold_correct: 1, blocked: "gold_accuracy" });
      expect(quality.find((q) => q.user_id === careful.caller.userId)).toMatchObject({ gold_judged: 3, gold_correct: 3, blocked: null });
      // Correcting the gold answers (say the admin had them backwards) re-scores everyone at once.
      const goldIds = (await t.all<{ id: number }>(sql`select id from items where gold is not null`)).map((r) => r.id);
      for (const id of goldIds) await updateItem({ ctx: t.system, input: { itemId: id, gold: "B" } });
      await updateProject({ ctx: t.system, input: { slug: p.slug, minGoldAccuracy: 0.5 } });
      expect(await claimNext({ ctx: careless.ctx, input: { slug: p.slug } })).not.toBeNull(); // 2 of 3 now
      expect(await refusal(() => claimNext({ ctx: careful.ctx, input: { slug: p.slug } }))).toMatchObject({ reason: "gold_accuracy" }); // 0 of 3
    });
  });
});
