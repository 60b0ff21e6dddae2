// Qualification and training on a real SQLite file: only gold items until N are judged, pass → real
// items, fail → refused; feedback only after a gold judgment is recorded and in the slots shown; a
// reset serves the same gold items again; and the same annotator in four processes at once never
// gets more than N qualification items before the decision.
import { spawnSync } from "node:child_process";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { CLAIM_REFUSALS, claimNext, goldStandings, type Claim } from "@/lib/services/assignment";
import { submitJudgment, undoJudgment } from "@/lib/services/judgments";
import { updateItem } from "@/lib/services/items";
import { updateProject } from "@/lib/services/projects";
import { listQualifications, myQualification, resetQualification } from "@/lib/services/qualification";
import { AppError } from "@/lib/services/errors";
import type { Ctx } from "@/lib/services/context";
import { bool } from "@/db/engine";
import { importText, jsonl, makeProject, makeUser, pairRecord, ENGINES, tempDbOn, type TempDb, sql } from "../helpers/db";
import { runWorkerProcess } from "../helpers/worker-process";
import { expectTotalsInStep } from "../helpers/totals";

let t: TempDb;

async function refusal(fn: () => unknown): Promise<{ code: string; reason?: string; message: string; fields?: Record<string, string> } | undefined> {
  try {
    await fn();
  } catch (e) {
    if (e instanceof AppError) return { code: e.code, reason: (e.details as { reason?: string } | undefined)?.reason, message: e.message, fields: e.fields };
    throw e;
  }
  return undefined;
}

async function refusalAsync(fn: () => Promise<unknown>): Promise<{ code: string; reason?: string; message: string; fields?: Record<string, string> } | undefined> {
  try {
    await fn();
  } catch (e) {
    if (e instanceof AppError) return { code: e.code, reason: (e.details as { reason?: string } | undefined)?.reason, message: e.message, fields: e.fields };
    throw e;
  }
  return undefined;
}

const EXPLANATION = "The first response cites its source; the second invents one.";

/** A project with `real` ordinary items and `gold` gold items (gold answer A: the record's first response, with an explanation). */
async function project(real: number, gold: number, settings: Record<string, unknown> = {}) {
  const p = await makeProject(t, { overlap: 2 });
  await importText(
    t,
    p.slug,
    jsonl([
      ...Array.from({ length: real }, (_, i) => pairRecord(i)),
      ...Array.from({ length: gold }, (_, i) => pairRecord(100 + i, { gold: { choice: "A", explanation: EXPLANATION } as never })),
    ]),
  );
  await updateProject({ ctx: t.system, input: { slug: p.slug, status: "active", ...settings } });
  return p;
}

const isGold = async (c: Claim) => bool((await t.one<{ g: unknown }>(sql`select gold is not null as g from items where id = ${c.item.id}`)).g);

/** The slot showing the item's first candidate (the gold answer A of these items). */
async function slotOfFirst(c: Claim): Promise<"A" | "B"> {
  const first = (await t.one<{ c: string }>(sql`select content as c from candidates where item_id = ${c.item.id} and position = 0`)).c;
  return c.item.candidates.find((x) => x.content === first)!.slot as "A" | "B";
}
const other = (s: "A" | "B") => (s === "A" ? "B" : "A");

async function judge(ctx: Ctx, c: Claim, right: boolean) {
  return await submitJudgment({ ctx, input: { assignment_id: c.assignment.id, choice: right ? await slotOfFirst(c) : other(await slotOfFirst(c)) } });
}

describe.each(ENGINES)("qualification on %s", (kind) => {
  beforeEach(async () => {
    t = await tempDbOn(kind);
  });
  afterEach(() => t.close());

  describe("qualification settings", () => {
    it("refuses a qualification larger than the gold items of an active project, naming the field, and bad accuracies", async () => {
      const p = await project(2, 2);
      const tooMany = await refusalAsync(() => updateProject({ ctx: t.system, input: { slug: p.slug, qualificationItems: 3 } }));
      expect(tooMany?.message).toMatch(/asks for 3 gold item\(s\) but project "p\d+" has 2/);
      expect(tooMany?.fields).toHaveProperty("qualificationItems");
      expect((await refusalAsync(() => updateProject({ ctx: t.system, input: { slug: p.slug, qualificationAccuracy: 1.5 } })))?.message).toMatch(/qualificationAccuracy: must be between 0 and 1/);
      // A paused project may be prepared first; activating it is checked.
      await updateProject({ ctx: t.system, input: { slug: p.slug, status: "paused", qualificationItems: 3 } });
      expect((await refusalAsync(() => updateProject({ ctx: t.system, input: { slug: p.slug, status: "active" } })))?.fields).toHaveProperty("qualificationItems");
      expect((await updateProject({ ctx: t.system, input: { slug: p.slug, qualificationItems: "none", status: "active" } as never })).qualificationItems).toBeNull();
      // Gold answers are pairwise verdicts: a qualification on rankings could never be passed.
      const ranked = await refusalAsync(() => updateProject({ ctx: t.system, input: { slug: p.slug, qualificationItems: 1, judgmentSchema: { type: "ranking" } } as never }));
      expect(ranked?.message).toMatch(/needs pairwise judgments/);
      expect(ranked?.fields).toHaveProperty("qualificationItems");
    });
  });

  describe("gold explanations in the item editor", () => {
    it("sets, keeps with a changed answer, clears with the answer, and refuses one for an ordinary item", async () => {
      const p = await project(1, 1);
      const [real, gold] = (await t.all<{ id: number }>(sql`select id from items where project_id = ${p.id} order by gold is not null`)).map((r) => r.id);
      expect(await updateItem({ ctx: t.system, input: { itemId: gold, gold_explanation: "Because A is sourced." } })).toMatchObject({ gold: "A", gold_explanation: "Because A is sourced." });
      expect(await updateItem({ ctx: t.system, input: { itemId: gold, gold: "B" } })).toMatchObject({ gold: "B", gold_explanation: "Because A is sourced." });
      expect(await updateItem({ ctx: t.system, input: { itemId: gold, gold_explanation: " " } })).toMatchObject({ gold: "B", gold_explanation: null });
      await updateItem({ ctx: t.system, input: { itemId: gold, gold: "A", gold_explanation: "Again." } });
      expect(await updateItem({ ctx: t.system, input: { itemId: gold, gold: null } })).toMatchObject({ gold: null, gold_explanation: null });
      expect((await refusalAsync(() => updateItem({ ctx: t.system, input: { itemId: real, gold_explanation: "Why?" } })))?.fields).toHaveProperty("gold_explanation");
    });
  });

  describe("qualification gating", () => {
    it("serves only gold items until N are judged, shows each gold answer after recording it, then passes and serves real items", async () => {
      const p = await project(5, 4, { qualificationItems: 3, qualificationAccuracy: 0.6 });
      const a = await makeUser(t, "annotator");
      expect(await myQualification({ ctx: a.ctx, input: { slug: p.slug } })).toMatchObject({ status: "pending", judged: 0, required: 3 });
      for (let i = 0; i < 3; i++) {
        const c = (await claimNext({ ctx: a.ctx, input: { slug: p.slug } }))!;
        expect(await isGold(c)).toBe(true);
        // Nothing in the claim tells a gold item apart before the judgment is recorded.
        expect(JSON.stringify(c)).not.toMatch(/gold|explanation|cites its source/i);
        const right = i !== 1; // 2 of 3 right: 67% ≥ 60%
        const res = await judge(a.ctx, c, right);
        expect(res.feedback).toEqual({
          answer: await slotOfFirst(c), // in the slots as they were shown
          correct: right,
          explanation: EXPLANATION,
          qualification: expect.objectContaining({ judged: i + 1, correct: i < 2 ? 1 : 2, status: i < 2 ? "pending" : "passed", attempt: 1 }),
        });
        // The judgment is recorded before any feedback is given.
        expect((await t.one<{ n: number }>(sql`select count(*) as n from judgments where id = ${res.judgment.id}`)).n).toBe(1);
      }
      const real = (await claimNext({ ctx: a.ctx, input: { slug: p.slug } }))!;
      expect(await isGold(real)).toBe(false);
      expect((await judge(a.ctx, real, true)).feedback).toBeUndefined();
      expect(await myQualification({ ctx: a.ctx, input: { slug: p.slug } })).toMatchObject({ status: "passed", judged: 3, correct: 2 });
    });

    it("fails below the accuracy, refuses claims with a reason, and a reset serves the same gold items again", async () => {
      const p = await project(3, 2, { qualificationItems: 2, qualificationAccuracy: 1 });
      const a = await makeUser(t, "annotator", "ann@test.local");
      const manager = await makeUser(t, "manager");
      const first: number[] = [];
      for (const right of [true, false]) {
        const c = (await claimNext({ ctx: a.ctx, input: { slug: p.slug } }))!;
        expect(await isGold(c)).toBe(true);
        first.push(c.item.id);
        await judge(a.ctx, c, right);
      }
      const refused = await refusal(() => claimNext({ ctx: a.ctx, input: { slug: p.slug } }));
      expect(refused).toMatchObject({ code: "forbidden", reason: "qualification_failed" });
      expect(CLAIM_REFUSALS).toContain(refused?.reason);
      expect(refused?.message).toMatch(/did not pass the qualification.*1 of 2 check items right \(50%\), 100% needed/);
      expect((await listQualifications({ ctx: manager.ctx, input: { slug: p.slug } })).annotators).toEqual([
        expect.objectContaining({ email: "ann@test.local", status: "failed", judged: 2, correct: 1, accuracy: 0.5, attempt: 1, reset_at: null }),
      ]);
      // The adjudication page's standings say why they get nothing.
      expect(await goldStandings({ ctx: manager.ctx, input: { slug: p.slug } })).toEqual([expect.objectContaining({ email: "ann@test.local", blocked: "qualification_failed" })]);
      // An annotator may not reset; a manager may, and it is audited.
      expect((await refusal(() => resetQualification({ ctx: a.ctx, input: { slug: p.slug, email: "ann@test.local" } })))?.code).toBe("forbidden");
      expect(await resetQualification({ ctx: manager.ctx, input: { slug: p.slug, email: "ANN@test.local" } })).toMatchObject({ status: "pending", attempt: 2, judged: 0 });
      expect((await t.one<{ n: number }>(sql`select count(*) as n from audit_log where action = 'qualification.reset'`)).n).toBe(1);
      // The earlier attempt's judgments are gone (its answers kept), so the two gold items come back.
      expect((await t.one<{ n: number }>(sql`select count(*) as n from judgments where user_id = ${a.caller.userId}`)).n).toBe(0);
      await expectTotalsInStep(t.db); // and they no longer count toward the annotator's quota or progress
      const answers = await t.all<{ j: number | null; c: unknown }>(sql`select judgment_id as j, correct as c from qualification_answers order by correct desc`);
      expect(answers.map((r) => ({ j: r.j, c: bool(r.c) }))).toEqual([
        { j: null, c: true },
        { j: null, c: false },
      ]);
      const again: number[] = [];
      for (let i = 0; i < 2; i++) {
        const c = (await claimNext({ ctx: a.ctx, input: { slug: p.slug } }))!;
        again.push(c.item.id);
        expect((await judge(a.ctx, c, true)).feedback?.qualification).toMatchObject({ attempt: 2, judged: i + 1 });
      }
      expect(again.sort()).toEqual(first.sort());
      expect(await isGold((await claimNext({ ctx: a.ctx, input: { slug: p.slug } }))!)).toBe(false);
      expect((await goldStandings({ ctx: manager.ctx, input: { slug: p.slug } }))[0].blocked).toBeNull();
      const listed = (await listQualifications({ ctx: manager.ctx, input: { slug: p.slug } })).annotators[0];
      expect(listed).toMatchObject({ status: "passed", attempt: 2, judged: 2, correct: 2, reset_by: manager.caller.email });
      expect(listed.reset_at).not.toBeNull();
    });

    it("refuses with a reason for the admin when too few gold items are left to qualify", async () => {
      const p = await project(2, 2, { qualificationItems: 2 });
      const a = await makeUser(t, "annotator");
      await judge(a.ctx, (await claimNext({ ctx: a.ctx, input: { slug: p.slug } }))!, true);
      const left = (await t.one<{ id: number }>(sql`select id from items where gold is not null and id not in (select item_id from judgments)`)).id;
      await updateItem({ ctx: t.system, input: { itemId: left, gold: null } });
      const refused = await refusal(() => claimNext({ ctx: a.ctx, input: { slug: p.slug } }));
      expect(refused).toMatchObject({ code: "conflict", reason: "qualification_unavailable" });
      expect(CLAIM_REFUSALS).toContain(refused?.reason);
      expect(refused?.message).toMatch(/An admin must add gold items/);
    });
  });

  describe("feedback and training mode", () => {
    it("shows gold answers after qualifying only in training mode, never for ordinary items, and a shown answer cannot be undone", async () => {
      const p = await project(4, 4, { goldRate: 1 });
      const a = await makeUser(t, "annotator");
      // No qualification, no training: a gold item gets no feedback.
      const g1 = (await claimNext({ ctx: a.ctx, input: { slug: p.slug } }))!;
      expect(await isGold(g1)).toBe(true);
      expect((await judge(a.ctx, g1, true)).feedback).toBeUndefined();
      await updateProject({ ctx: t.system, input: { slug: p.slug, trainingMode: "yes" } as never });
      const g2 = (await claimNext({ ctx: a.ctx, input: { slug: p.slug } }))!;
      const res = await judge(a.ctx, g2, false);
      expect(res.feedback).toEqual({ answer: await slotOfFirst(g2), correct: false, explanation: EXPLANATION, qualification: null });
      expect((await refusal(() => undoJudgment({ ctx: a.ctx, input: { assignmentId: g2.assignment.id } })))?.message).toMatch(/seen its answer/);
      // A retry of the same request gets the same feedback again.
      await updateProject({ ctx: t.system, input: { slug: p.slug, goldRate: 0 } });
      const real = (await claimNext({ ctx: a.ctx, input: { slug: p.slug } }))!;
      expect(await isGold(real)).toBe(false);
      const once = await submitJudgment({ ctx: a.ctx, input: { assignment_id: real.assignment.id, choice: "A", client_id: "r1" } });
      expect(once.feedback).toBeUndefined();
    });
  });

  function runTab(args: string[]): Promise<{ judged: number; refused: string | null }> {
    return runWorkerProcess("test/helpers/qualification-worker.ts", args);
  }

  describe("qualification under concurrency", () => {
    it("one annotator in four processes at once judges exactly N qualification items, and real items only after passing", async () => {
      const N = 3;
      const p = await makeProject(t, { overlap: 1 });
      // Gold answers "tie", which the tabs always give: the attempt passes.
      await importText(t, p.slug, jsonl([...Array.from({ length: 20 }, (_, i) => pairRecord(i)), ...Array.from({ length: 8 }, (_, i) => pairRecord(100 + i, { gold: { choice: "tie" } }))]));
      await updateProject({ ctx: t.system, input: { slug: p.slug, status: "active", qualificationItems: N } });
      const a = await makeUser(t, "annotator");
      const tabs = await Promise.all(Array.from({ length: 4 }, () => runTab([t.file, String(a.caller.userId), a.caller.email, p.slug, "tie"])));
      expect(tabs.every((r) => r.refused === null)).toBe(true);
      const gold = await t.all<{ id: number }>(sql`select j.id from judgments j join items i on i.id = j.item_id where i.gold is not null and j.user_id = ${a.caller.userId} order by j.id`);
      const real = await t.all<{ id: number }>(sql`select j.id from judgments j join items i on i.id = j.item_id where i.gold is null and j.user_id = ${a.caller.userId} order by j.id`);
      expect(gold).toHaveLength(N);
      expect(await t.one(sql`select status, judged, correct from qualification_attempts`)).toEqual({ status: "passed", judged: N, correct: N });
      expect(real).toHaveLength(20);
      expect(real[0].id).toBeGreaterThan(gold[N - 1].id);
      expect(tabs.reduce((s, r) => s + r.judged, 0)).toBe(N + 20);
    });
  });

  describe("the qualification CLI", () => {
    const ROOT = path.resolve(__dirname, "../..");
    const arbiter = (...args: string[]) => {
      const r = spawnSync(process.execPath, [path.join(ROOT, "lib/cli/bin.mjs"), ...args], { cwd: ROOT, encoding: "utf8", env: { ...process.env, ARBITER_DB: t.file } });
      return { code: r.status, out: r.stdout, err: r.stderr };
    };

    it("sets the qualification with project set, lists annotators and resets an attempt", async () => {
      const p = await project(2, 2);
      const set = arbiter("project", "set", "--project", p.slug, "--qualification-items", "2", "--qualification-accuracy", "1", "--training-mode", "yes");
      expect(set.code, set.err).toBe(0);
      expect(arbiter("project", "set", "--project", p.slug, "--qualification-items", "3").err).toMatch(/asks for 3 gold item\(s\) but project "p\d+" has 2/);
      const a = await makeUser(t, "annotator", "cli-ann@test.local");
      for (const right of [true, false]) await judge(a.ctx, (await claimNext({ ctx: a.ctx, input: { slug: p.slug } }))!, right);
      const listed = JSON.parse(arbiter("qualification", "list", "--project", p.slug, "--json").out);
      expect(listed).toMatchObject({ required: 2, accuracy_required: 1, annotators: [{ email: "cli-ann@test.local", status: "failed", judged: 2, correct: 1, accuracy: 0.5 }] });
      expect(arbiter("qualification", "list", "--project", p.slug).out).toMatch(/cli-ann@test.local\tfailed\tattempt 1\t2\/2 judged\t1 right\t50%/);
      const reset = arbiter("qualification", "reset", "--project", p.slug, "--email", "cli-ann@test.local");
      expect(reset.code, reset.err).toBe(0);
      expect(reset.out).toMatch(/attempt 2 starts, pending/);
      expect(JSON.parse(arbiter("qualification", "list", "--project", p.slug, "--json").out).annotators[0]).toMatchObject({ status: "pending", attempt: 2, judged: 0 });
      const unknown = arbiter("qualification", "reset", "--project", p.slug, "--email", "nobody@test.local");
      expect(unknown.code).not.toBe(0);
      expect(unknown.err).toMatch(/User "nobody@test.local" not found/);
    });
  });
});
