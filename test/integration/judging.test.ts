// Judgments, adjudication, items and the audit log on every engine (SQLite, and PostgreSQL when a
// server answers): submitting (exact on a retry, also when the retries race), undoing, revising, the
// history search, the adjudication queue and verdicts, the admin items list and the audit log. Rows
// are made with plain statements (the fixtures below), so the suite needs only the services it tests.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { at, defineQuery, jsonOrNull, jsonText, num, numOrNull, str, strOrNull, type EngineKind } from "@/db/engine";
import type { RoleName } from "@/db/schema/constants";
import type { ProjectJudgmentSchema } from "@/lib/formats/judgment";
import { adjudicationQueue, recordAdjudication, requeueItem } from "@/lib/services/adjudication";
import { audit, auditEntries, listAudit, AUDIT_PAGE_SIZE, type AuditEntry } from "@/lib/services/audit";
import type { Caller, Ctx } from "@/lib/services/context";
import { listBatches, listItems, setBatchPriority, updateItem } from "@/lib/services/items";
import { countMyJudgments, myJudgments, reviseJudgment, submitJudgment, undoJudgment } from "@/lib/services/judgments";
import { ENGINES, errorCodeAsync, tempDbOn, type TempDb } from "../helpers/db";
import { expectTotalsInStep } from "../helpers/totals";

const INSERT_USER = defineQuery("test.judging.insertUser", "insert into users (email, name, role, password_hash) values (?, ?, ?, 'x') returning id", (r) => num(r.id));
const INSERT_PROJECT = defineQuery(
  "test.judging.insertProject",
  `insert into projects (slug, name, status, overlap, min_judgments, max_judgments, agreement_threshold, judgment_schema)
   values (?, 'Test project', 'active', ?, ?, ?, ?, ?) returning id`,
  (r) => num(r.id),
);
const INSERT_BATCH = defineQuery("test.judging.insertBatch", "insert into import_batches (project_id, source, inserted, created_at) values (?, ?, ?, ?) returning id", (r) => num(r.id));
const INSERT_ITEM = defineQuery(
  "test.judging.insertItem",
  "insert into items (project_id, external_id, prompt, priority, gold, batch_id) values (?, ?, ?, ?, ?, ?) returning id",
  (r) => num(r.id),
);
const INSERT_CANDIDATE = defineQuery("test.judging.insertCandidate", "insert into candidates (item_id, position, content, model) values (?, ?, ?, ?) returning id", (r) => num(r.id));
const INSERT_LEASE = defineQuery(
  "test.judging.insertLease",
  "insert into assignments (project_id, item_id, user_id, slot_order, leased_at, expires_at) values (?, ?, ?, ?, ?, ?) returning id",
  (r) => num(r.id),
);
const INSERT_IMPORTED = defineQuery(
  "test.judging.insertImported",
  `insert into judgments (project_id, item_id, user_id, type, choice, winner_candidate_id, slot_order, payload, source, created_at)
   values (?, ?, ?, 'pairwise', ?, ?, ?, ?, 'import', ?)`,
);
const COUNT_ON_ITEM = defineQuery("test.judging.countOnItem", "update items set judgment_count = judgment_count + 1 where id = ?");
const ITEM_ROW = defineQuery("test.judging.item", "select priority, gold, judgment_count, extra_overlap from items where id = ?", (r) => ({
  priority: num(r.priority),
  gold: jsonOrNull<Record<string, unknown>>(r.gold),
  judgmentCount: num(r.judgment_count),
  extraOverlap: num(r.extra_overlap),
}));
const LEASE_ROW = defineQuery("test.judging.lease", "select status, closed_at from assignments where id = ?", (r) => ({ status: str(r.status), closedAt: numOrNull(r.closed_at) }));
const JUDGMENT_ROWS = defineQuery(
  "test.judging.judgments",
  "select id, choice, winner_candidate_id, payload, revision, duration_ms, client_id, gold, updated_at from judgments order by id",
  (r) => ({
    id: num(r.id),
    choice: strOrNull(r.choice),
    winner: numOrNull(r.winner_candidate_id),
    payload: jsonOrNull<Record<string, unknown>>(r.payload),
    revision: num(r.revision),
    durationMs: numOrNull(r.duration_ms),
    clientId: strOrNull(r.client_id),
    updatedAt: numOrNull(r.updated_at),
  }),
);
const REVISIONS = defineQuery("test.judging.revisions", "select judgment_id, revision, choice, payload, rationale from judgment_revisions order by id", (r) => ({
  judgmentId: num(r.judgment_id),
  revision: num(r.revision),
  choice: strOrNull(r.choice),
  payload: jsonOrNull<Record<string, unknown>>(r.payload),
  rationale: strOrNull(r.rationale),
}));
const AUDIT_ROWS = defineQuery("test.judging.audit", "select action, actor_id, target_type, target_id, project_id, detail from audit_log order by id", (r) => ({
  action: str(r.action),
  actor: numOrNull(r.actor_id),
  targetType: str(r.target_type),
  targetId: strOrNull(r.target_id),
  projectId: numOrNull(r.project_id),
  detail: jsonOrNull<Record<string, unknown>>(r.detail),
}));
const ADJUDICATION_ROWS = defineQuery("test.judging.adjudications", "select item_id, choice, winner_candidate_id, payload, note from adjudications order by id", (r) => ({
  itemId: num(r.item_id),
  choice: str(r.choice),
  winner: numOrNull(r.winner_candidate_id),
  payload: jsonOrNull<Record<string, unknown>>(r.payload),
  note: strOrNull(r.note),
}));

type Prompt = string | { role: string; content: string }[];

interface ItemSpec {
  externalId?: string;
  prompt?: Prompt;
  priority?: number;
  gold?: { choice: string; explanation?: string };
  batch?: number;
  /** The models of the item's candidates in position order (two by default). */
  models?: (string | null)[];
}

let counter = 0;

describe.each(ENGINES)("judging on %s", (kind: EngineKind) => {
  let t: TempDb;
  beforeEach(async () => {
    t = await tempDbOn(kind);
  });
  afterEach(() => t.close());

  type Person = Ctx & { caller: Caller };

  async function user(role: RoleName = "annotator", email = `${role}${++counter}@test.local`): Promise<Person> {
    const id = (await t.db.first(INSERT_USER, [email, email.split("@")[0], role]))!;
    return { db: t.db, caller: { userId: id, email, role } };
  }

  async function project(settings: { overlap?: number; min?: number; max?: number; threshold?: number; schema?: Partial<ProjectJudgmentSchema> } = {}) {
    const slug = `p${++counter}`;
    const id = (await t.db.first(INSERT_PROJECT, [
      slug,
      settings.overlap ?? 2,
      settings.min ?? null,
      settings.max ?? null,
      settings.threshold ?? null,
      settings.schema ? jsonText(settings.schema) : null,
    ]))!;
    return { id, slug };
  }

  /** An item whose candidates say "First answer to N", "Second answer to N", …: its id, candidate ids in position order, and N. */
  async function item(projectId: number, spec: ItemSpec = {}): Promise<{ id: number; candidates: number[]; n: number }> {
    const n = ++counter;
    const id = (await t.db.first(INSERT_ITEM, [
      projectId,
      spec.externalId ?? `item-${n}`,
      jsonText(spec.prompt ?? `Question number ${n}?`),
      spec.priority ?? 0,
      spec.gold ? jsonText(spec.gold) : null,
      spec.batch ?? null,
    ]))!;
    const candidates: number[] = [];
    const ordinals = ["First", "Second", "Third"];
    for (const [position, model] of (spec.models ?? ["model-x", "model-y"]).entries()) {
      candidates.push((await t.db.first(INSERT_CANDIDATE, [id, position, `${ordinals[position]} answer to ${n}`, model]))!);
    }
    return { id, candidates, n };
  }

  /** A live lease of `who` on an item, showing its candidates in `slotOrder`. */
  async function lease(who: Person, projectId: number, itemId: number, slotOrder: number[], minutes = 30): Promise<number> {
    const now = Date.now();
    return (await t.db.first(INSERT_LEASE, [projectId, itemId, who.caller.userId, jsonText(slotOrder), at(now), at(now + minutes * 60_000)]))!;
  }

  /** An imported pairwise judgment with verdict `verdict` (A = the item's first candidate), counted on the item. */
  async function imported(projectId: number, it: { id: number; candidates: number[] }, verdict: "A" | "B" | "tie", at_ = Date.now()) {
    const who = await user();
    const winner = verdict === "A" ? it.candidates[0] : verdict === "B" ? it.candidates[1] : null;
    await t.db.write(async (tx) => {
      await tx.exec(INSERT_IMPORTED, [projectId, it.id, who.caller.userId, verdict, winner, jsonText(it.candidates), jsonText({ type: "pairwise", choice: verdict, winner }), at(at_)]);
      await tx.exec(COUNT_ON_ITEM, [it.id]);
    });
  }

  describe("submitting", () => {
    it("records a judgment in candidate terms and closes the lease; a retry with the same client id gets it back, never a second one", async () => {
      const p = await project();
      const it1 = await item(p.id);
      const a = await user();
      const slotOrder = [it1.candidates[1], it1.candidates[0]];
      const leaseId = await lease(a, p.id, it1.id, slotOrder);
      const input = { assignment_id: leaseId, choice: "A" as const, rationale: "clearer", duration_ms: 1500, client_id: "tab-1" };
      const first = await submitJudgment({ ctx: a, input });
      expect(first.created).toBe(true);
      expect(first.judgment).toMatchObject({ assignment_id: leaseId, item_id: it1.id, type: "pairwise", choice: "A", rationale: "clearer", duration_ms: 1500, client_id: "tab-1", revision: 1, updated_at: null });
      expect(first.judgment.payload).toEqual({ choice: "A", rationale: "clearer" });
      const retry = await submitJudgment({ ctx: a, input });
      expect(retry).toEqual({ judgment: first.judgment, created: false });
      expect(await errorCodeAsync(() => submitJudgment({ ctx: a, input: { ...input, client_id: "tab-2" } }))).toBe("conflict");
      expect(await t.db.many(JUDGMENT_ROWS)).toEqual([
        { id: first.judgment.id, choice: "A", winner: it1.candidates[1], payload: { type: "pairwise", choice: "A", winner: it1.candidates[1] }, revision: 1, durationMs: 1500, clientId: "tab-1", updatedAt: null },
      ]);
      expect((await t.db.first(ITEM_ROW, [it1.id]))!.judgmentCount).toBe(1);
      expect((await t.db.first(LEASE_ROW, [leaseId]))!).toMatchObject({ status: "submitted", closedAt: expect.any(Number) });
      expect(await countMyJudgments({ ctx: a, input: { slug: p.slug } })).toBe(1);
    });

    it("stays exact when the same submit races itself: one judgment, counted once, the others get it back", async () => {
      const p = await project();
      const it1 = await item(p.id);
      const a = await user();
      const leaseId = await lease(a, p.id, it1.id, it1.candidates);
      const input = { assignment_id: leaseId, choice: "B" as const, client_id: "retry-storm" };
      const results = await Promise.all(Array.from({ length: 8 }, () => submitJudgment({ ctx: a, input })));
      expect(results.filter((r) => r.created)).toHaveLength(1);
      expect(new Set(results.map((r) => r.judgment.id)).size).toBe(1);
      expect(await t.db.many(JUDGMENT_ROWS)).toHaveLength(1);
      expect((await t.db.first(ITEM_ROW, [it1.id]))!.judgmentCount).toBe(1);
      await expectTotalsInStep(t.db);
    });

    it("refuses someone else's lease, a payload the schema refuses (writing nothing), and a skipped or unknown assignment", async () => {
      const p = await project({ schema: { type: "rating", criteria: [{ key: "helpfulness", label: "Helpfulness", min: 1, max: 5 }] } });
      const it1 = await item(p.id);
      const [a, b] = [await user(), await user()];
      const leaseId = await lease(a, p.id, it1.id, it1.candidates);
      expect(await errorCodeAsync(() => submitJudgment({ ctx: b, input: { assignment_id: leaseId, ratings: { A: { helpfulness: 1 }, B: { helpfulness: 2 } } } }))).toBe("not_found");
      expect(await errorCodeAsync(() => submitJudgment({ ctx: a, input: { assignment_id: leaseId, ratings: { A: { helpfulness: 9 } } } as never }))).toBe("bad_request");
      expect(await t.db.many(JUDGMENT_ROWS)).toEqual([]);
      expect(await errorCodeAsync(() => submitJudgment({ ctx: a, input: { assignment_id: 999_999, choice: "A" } }))).toBe("not_found");
      const { judgment } = await submitJudgment({ ctx: a, input: { assignment_id: leaseId, ratings: { A: { helpfulness: 1 }, B: { helpfulness: 5 } } } });
      expect(judgment.payload).toEqual({ ratings: { A: { helpfulness: 1 }, B: { helpfulness: 5 } } });
      expect((await t.db.many(JUDGMENT_ROWS))[0].payload).toEqual({ type: "rating", ratings: { [it1.candidates[0]]: { helpfulness: 1 }, [it1.candidates[1]]: { helpfulness: 5 } } });
    });
  });

  describe("undoing and revising", () => {
    it("undoes the latest judgment while its lease lasts: deleted, uncounted, leased again, audited", async () => {
      const p = await project();
      const [i1, i2] = [await item(p.id), await item(p.id)];
      const a = await user();
      const l1 = await lease(a, p.id, i1.id, i1.candidates);
      const l2 = await lease(a, p.id, i2.id, i2.candidates);
      await submitJudgment({ ctx: a, input: { assignment_id: l1, choice: "A" } });
      const { judgment } = await submitJudgment({ ctx: a, input: { assignment_id: l2, choice: "tie", rationale: "same" } });
      expect(await errorCodeAsync(() => undoJudgment({ ctx: a, input: { assignmentId: l1 } }))).toBe("conflict");
      expect(await errorCodeAsync(async () => undoJudgment({ ctx: await user(), input: { assignmentId: l2 } }))).toBe("not_found");
      const later = { ...a, now: () => Date.now() + 24 * 3600_000 };
      await expect(undoJudgment({ ctx: later, input: { assignmentId: l2 } })).rejects.toThrow(/lease on this item has run out/);

      expect(await undoJudgment({ ctx: a, input: { assignmentId: l2 } })).toEqual({ undone: true, assignment_id: l2 });
      expect((await t.db.many(JUDGMENT_ROWS)).map((j) => j.id)).not.toContain(judgment.id);
      expect((await t.db.first(ITEM_ROW, [i2.id]))!.judgmentCount).toBe(0);
      await expectTotalsInStep(t.db); // the annotator's count too
      expect(await t.db.first(LEASE_ROW, [l2])).toEqual({ status: "leased", closedAt: null });
      const undo = (await t.db.many(AUDIT_ROWS)).filter((r) => r.action === "judgment.undo");
      expect(undo).toEqual([
        {
          action: "judgment.undo",
          actor: a.caller.userId,
          targetType: "judgment",
          targetId: String(judgment.id),
          projectId: null,
          detail: { item: i2.id, assignment: l2, type: "pairwise", choice: "tie", payload: { type: "pairwise", choice: "tie", winner: null }, rationale: "same" },
        },
      ]);
      // Judged again on the same lease.
      expect((await submitJudgment({ ctx: a, input: { assignment_id: l2, choice: "B" } })).created).toBe(true);
      expect((await t.db.first(ITEM_ROW, [i2.id]))!.judgmentCount).toBe(1);
      await expectTotalsInStep(t.db);
    });

    it("revises any of the owner's judgments, keeping the earlier version and adding the time spent", async () => {
      const p = await project({ schema: { strength: true } });
      const it1 = await item(p.id);
      const a = await user();
      const slotOrder = [it1.candidates[1], it1.candidates[0]];
      const leaseId = await lease(a, p.id, it1.id, slotOrder);
      const { judgment } = await submitJudgment({ ctx: a, input: { assignment_id: leaseId, strength: -3, rationale: "A", duration_ms: 1000 } });
      expect(await errorCodeAsync(async () => reviseJudgment({ ctx: await user(), input: { id: judgment.id, choice: "B" } }))).toBe("not_found");
      expect(await errorCodeAsync(() => reviseJudgment({ ctx: a, input: { id: judgment.id, strength: 9 } as never }))).toBe("bad_request");
      const revised = await reviseJudgment({ ctx: a, input: { id: judgment.id, strength: 1, rationale: "on reflection B", duration_ms: 500 } });
      expect(revised).toMatchObject({ id: judgment.id, revision: 2, choice: "B", duration_ms: 1500, payload: { strength: 1, choice: "B", rationale: "on reflection B" } });
      expect(revised.updated_at).not.toBeNull();
      expect((await t.db.many(JUDGMENT_ROWS))[0]).toMatchObject({ winner: it1.candidates[0], revision: 2, durationMs: 1500 });
      expect(await t.db.many(REVISIONS)).toEqual([
        { judgmentId: judgment.id, revision: 1, choice: "A", rationale: "A", payload: { type: "pairwise", choice: "A", strength: -3, winner: it1.candidates[1] } },
      ]);
      expect((await t.db.many(AUDIT_ROWS)).map((r) => [r.action, r.detail])).toEqual([["judgment.revise", { item: it1.id, revision: 2 }]]);
      expect((await t.db.first(ITEM_ROW, [it1.id]))!.judgmentCount).toBe(1);
    });
  });

  describe("the history", () => {
    it("lists only my judgments, newest first, finds the prompt's words in any turn ignoring case, never its JSON, and pages", async () => {
      const p = await project();
      const cats = await item(p.id, { externalId: "cats", prompt: "Why do cats purr when they are content?" });
      const dogs = await item(p.id, { externalId: "dogs", prompt: [{ role: "system", content: "Be brief." }, { role: "user", content: "How do DOGS dream?" }] });
      const rates = await item(p.id, { externalId: "rates", prompt: "What is 50% of 10_000?" });
      const [me, other] = [await user(), await user()];
      let now = Date.now();
      for (const who of [me, other]) {
        for (const it of [cats, dogs, rates]) {
          const leaseId = await lease(who, p.id, it.id, [it.candidates[1], it.candidates[0]]);
          const clock = ++now;
          await submitJudgment({ ctx: { ...who, now: () => clock }, input: { assignment_id: leaseId, choice: "A" } });
        }
      }
      const all = await myJudgments({ ctx: me, input: { slug: p.slug } });
      expect(all.total).toBe(3);
      expect(all.judgments.map((e) => e.item.external_id)).toEqual(["rates", "dogs", "cats"]);
      expect(all.judgments.map((e) => e.undoable)).toEqual([true, false, false]);
      expect(all.judgments[0].item.candidates).toEqual([
        { slot: "A", content: `Second answer to ${rates.n}` },
        { slot: "B", content: `First answer to ${rates.n}` },
      ]);
      expect(all.judgments[1].item.prompt).toEqual([{ role: "system", content: "Be brief." }, { role: "user", content: "How do DOGS dream?" }]);

      const find = async (q: string) => await myJudgments({ ctx: me, input: { slug: p.slug, q } });
      expect((await find("purr")).judgments.map((e) => e.item.external_id)).toEqual(["cats"]);
      expect((await find("dogs DREAM")).total).toBe(1);
      expect((await find("be BRIEF")).judgments.map((e) => e.item.external_id)).toEqual(["dogs"]);
      expect((await find("content")).judgments.map((e) => e.item.external_id)).toEqual(["cats"]);
      expect((await find("role")).total).toBe(0);
      expect((await find("50%")).judgments.map((e) => e.item.external_id)).toEqual(["rates"]);
      expect((await find("10_0")).total).toBe(1);
      expect((await find("5_%")).total).toBe(0);
      expect((await find("RATES")).total).toBe(1);
      expect((await find("rates")).judgments[0].undoable).toBe(false); // a search leaves undo to the unfiltered list
      const page = await myJudgments({ ctx: me, input: { slug: p.slug, q: "?", limit: 2, offset: 2 } });
      expect(page.total).toBe(3);
      expect(page.judgments.map((e) => e.item.external_id)).toEqual(["cats"]);
      await expect(myJudgments({ ctx: me, input: { slug: p.slug, q: "x".repeat(201) } })).rejects.toThrow(/^q: must be at most 200 characters/);
    });
  });

  describe("adjudication", () => {
    it("queues non-gold items without a strict majority or below the threshold, with every judgment; decided ones only when asked", async () => {
      const p = await project({ overlap: 3, threshold: 0.7 });
      const split = await item(p.id, { externalId: "split" });
      const weak = await item(p.id, { externalId: "weak" });
      const clear = await item(p.id, { externalId: "clear" });
      const gold = await item(p.id, { externalId: "gold", gold: { choice: "A" } });
      const t0 = Date.UTC(2026, 0, 1);
      for (const [it, verdicts] of [
        [split, ["A", "B"]],
        [weak, ["A", "A", "B"]],
        [clear, ["B", "B", "B"]],
        [gold, ["A", "B"]],
      ] as const) {
        for (const [k, v] of verdicts.entries()) await imported(p.id, it, v, t0 + k);
      }
      const manager = await user("manager");
      const queue = await adjudicationQueue({ ctx: manager, input: { slug: p.slug } });
      expect(queue.total).toBe(2);
      expect(queue.items.map((i) => [i.external_id, i.reason, i.agreement, i.votes, i.effective_overlap])).toEqual([
        ["split", "no_majority", 0.5, { A: 1, B: 1 }, 3],
        ["weak", "below_threshold", 2 / 3, { A: 2, B: 1 }, 3],
      ]);
      const first = queue.items[0];
      expect(first.candidates).toEqual([
        { label: "A", position: 0, content: expect.stringMatching(/^First answer/), model: "model-x" },
        { label: "B", position: 1, content: expect.stringMatching(/^Second answer/), model: "model-y" },
      ]);
      expect(first.judgments.map((j) => [j.choice, j.source, j.annotator.external, j.created_at])).toEqual([
        ["A", "import", false, new Date(t0).toISOString()],
        ["B", "import", false, new Date(t0 + 1).toISOString()],
      ]);
      expect(first.adjudication).toBeNull();

      const decided = await recordAdjudication({ ctx: manager, input: { itemId: split.id, choice: "B", note: "B cites the source" } });
      expect(decided).toMatchObject({ item_id: split.id, choice: "B", winner_candidate_id: split.candidates[1], note: "B cites the source", by: manager.caller.email });
      expect((await adjudicationQueue({ ctx: manager, input: { slug: p.slug } })).items.map((i) => i.external_id)).toEqual(["weak"]);
      const resolved = await adjudicationQueue({ ctx: manager, input: { slug: p.slug, resolved: true } });
      expect(resolved.items.map((i) => [i.external_id, i.adjudication?.choice ?? null])).toEqual([
        ["split", "B"],
        ["weak", null],
      ]);
      expect(await errorCodeAsync(async () => adjudicationQueue({ ctx: await user(), input: { slug: p.slug } }))).toBe("forbidden");
    });

    it("under adaptive overlap lists only the items that have all the judgments they need", async () => {
      const p = await project({ overlap: 3, min: 2, max: 4 });
      const ended = await item(p.id, { externalId: "ended" });
      const open = await item(p.id, { externalId: "open" });
      await requeueItem({ ctx: t.system, input: { itemId: open.id, extra: 1 } });
      for (const it of [ended, open]) {
        await imported(p.id, it, "A");
        await imported(p.id, it, "B");
      }
      expect((await adjudicationQueue({ ctx: t.system, input: { slug: p.slug } })).items.map((i) => [i.external_id, i.effective_overlap])).toEqual([["ended", 2]]);
    });

    it("replaces a verdict with the winner in item terms, audited with the previous one; refuses unknown items and choices", async () => {
      const p = await project();
      const it1 = await item(p.id);
      const three = await item(p.id, { models: ["a", "b", "c"] });
      const manager = await user("manager");
      await recordAdjudication({ ctx: manager, input: { itemId: it1.id, choice: "A", note: "first" } });
      await recordAdjudication({ ctx: manager, input: { itemId: String(it1.id), choice: "tie" } });
      expect(await t.db.many(ADJUDICATION_ROWS)).toEqual([{ itemId: it1.id, choice: "tie", winner: null, payload: { type: "pairwise", choice: "tie", winner: null }, note: null }]);
      const rows = (await t.db.many(AUDIT_ROWS)).filter((r) => r.action === "adjudication.record");
      expect(rows.map((r) => [r.projectId, r.targetId, r.detail])).toEqual([
        [p.id, String(it1.id), { choice: "A", note: "first", previous: null }],
        [p.id, String(it1.id), { choice: "tie", note: null, previous: { choice: "A", note: "first", by: manager.caller.userId } }],
      ]);
      expect(await errorCodeAsync(() => recordAdjudication({ ctx: manager, input: { itemId: 999_999, choice: "A" } }))).toBe("not_found");
      expect(await errorCodeAsync(() => recordAdjudication({ ctx: manager, input: { itemId: it1.id, choice: "C" } }))).toBe("bad_request");
      await expect(recordAdjudication({ ctx: manager, input: { itemId: three.id, choice: "A" } })).rejects.toThrow(/has 3 candidates/);
      expect(await errorCodeAsync(async () => recordAdjudication({ ctx: await user(), input: { itemId: it1.id, choice: "A" } }))).toBe("forbidden");
    });

    it("sends an item back for more judgments, audited", async () => {
      const p = await project({ overlap: 3 });
      const it1 = await item(p.id);
      expect(await requeueItem({ ctx: t.system, input: { itemId: it1.id, extra: 2 } })).toEqual({ item_id: it1.id, extra_overlap: 2, effective_overlap: 5 });
      expect(await requeueItem({ ctx: t.system, input: { itemId: it1.id, extra: 1 } })).toEqual({ item_id: it1.id, extra_overlap: 3, effective_overlap: 6 });
      expect((await t.db.many(AUDIT_ROWS)).map((r) => [r.action, r.detail])).toEqual([
        ["item.requeue", { extra: 2, extra_overlap: 2 }],
        ["item.requeue", { extra: 1, extra_overlap: 3 }],
      ]);
      expect(await errorCodeAsync(() => requeueItem({ ctx: t.system, input: { itemId: it1.id, extra: 0 } }))).toBe("bad_request");
      expect(await errorCodeAsync(() => requeueItem({ ctx: t.system, input: { itemId: 999_999, extra: 1 } }))).toBe("not_found");
    });
  });

  describe("the items list", () => {
    const conversation = [
      { role: "system", content: "Be brief." },
      { role: "user", content: "First question" },
      { role: "assistant", content: "First answer" },
      { role: "user", content: 'Now say "100% sure_thing"\non two lines' },
    ];

    /** 30 plain items, then a conversation, a gold item with two imported judgments and a raised item of three candidates; two batches. */
    async function items() {
      const p = await project({ overlap: 3 });
      const first = (await t.db.first(INSERT_BATCH, [p.id, "first.jsonl", 30, at(Date.now())]))!;
      const second = (await t.db.first(INSERT_BATCH, [p.id, "second.jsonl", 3, at(Date.now())]))!;
      const ids: Record<string, number> = {};
      for (let i = 0; i < 30; i++) ids[`item-${i}`] = (await item(p.id, { externalId: `item-${i}`, prompt: `Question number ${i}?`, batch: first })).id;
      ids.conversation = (await item(p.id, { externalId: "conversation", prompt: conversation, batch: second })).id;
      const gold = await item(p.id, { externalId: "gold", prompt: "A gold question", gold: { choice: "tie" }, batch: second });
      ids.gold = gold.id;
      await imported(p.id, gold, "A");
      await imported(p.id, gold, "tie");
      ids.raised = (await item(p.id, { externalId: "raised", prompt: "A raised question", priority: 4, models: ["m-1", null, "m-3"], batch: second })).id;
      return { slug: p.slug, ids, batches: { first, second } };
    }

    it("pages in import order with the total, each item's models, judgments against the wanted overlap, priority and gold", async () => {
      const { slug, ids } = await items();
      await requeueItem({ ctx: t.system, input: { itemId: ids["item-0"], extra: 2 } });
      const page1 = await listItems({ ctx: t.system, input: { slug, page_size: 10 } });
      expect(page1).toMatchObject({ total: 33, page: 1, page_size: 10 });
      expect(page1.items.map((i) => i.external_id)).toEqual(Array.from({ length: 10 }, (_, i) => `item-${i}`));
      expect(page1.items[0]).toMatchObject({ judgments: 0, wanted: 5, extra_overlap: 2, prompt: "Question number 0?", models: ["model-x", "model-y"] });
      const last = await listItems({ ctx: t.system, input: { slug, page: "4", page_size: 10 } });
      expect(last.total).toBe(33);
      const byExternal = Object.fromEntries(last.items.map((i) => [i.external_id, i]));
      expect(Object.keys(byExternal)).toEqual(["conversation", "gold", "raised"]);
      expect(byExternal.gold).toMatchObject({ id: ids.gold, judgments: 2, wanted: 3, gold: "tie", gold_explanation: null, priority: 0 });
      expect(byExternal.raised).toMatchObject({ priority: 4, gold: null, models: ["m-1", null, "m-3"] });
      expect(byExternal.conversation.prompt).toEqual(conversation);
      expect(await listItems({ ctx: t.system, input: { slug, page: 9, page_size: 10 } })).toMatchObject({ total: 33, items: [] });
    });

    it("searches the external id, the prompt text (any turn, any case, quotes, newlines and wildcards as typed) and the item id", async () => {
      const { slug, ids } = await items();
      const find = async (q: string) => (await listItems({ ctx: t.system, input: { slug, q } })).items.map((i) => i.external_id);
      expect(await find("item-1")).toEqual(["item-1", ...Array.from({ length: 10 }, (_, i) => `item-${10 + i}`)]);
      expect(await find("NUMBER 21?")).toEqual(["item-21"]);
      expect(await find('say "100% sure_thing"\non two')).toEqual(["conversation"]);
      expect(await find("first ANSWER")).toEqual(["conversation"]);
      expect(await find("%")).toEqual(["conversation"]);
      expect(await find("_")).toEqual(["conversation"]);
      expect(await find(String(ids["item-7"]))).toContain("item-7");
      expect(await find("99999999999")).toEqual([]);
      expect(await find("no such text")).toEqual([]);
      const paged = await listItems({ ctx: t.system, input: { slug, q: "Question number 1", page_size: 5, page: 2 } });
      expect(paged.total).toBe(11);
      expect(paged.items).toHaveLength(5);
    });

    it("filters gold items and raised ones, also with a search; refuses bad input and every role but admin", async () => {
      const { slug, ids } = await items();
      await updateItem({ ctx: t.system, input: { itemId: ids["item-5"], priority: -2 } });
      const filter = async (f: "gold" | "priority", q?: string) => await listItems({ ctx: t.system, input: { slug, filter: f, q } });
      expect(await filter("gold")).toMatchObject({ total: 1, items: [{ external_id: "gold" }] });
      expect((await filter("priority")).items.map((i) => [i.external_id, i.priority])).toEqual([["item-5", -2], ["raised", 4]]);
      expect((await filter("priority", "RAISED")).items.map((i) => i.external_id)).toEqual(["raised"]);
      expect((await filter("gold", "item-5")).total).toBe(0);
      expect(await errorCodeAsync(() => listItems({ ctx: t.system, input: { slug, filter: "silver" } }))).toBe("bad_request");
      expect(await errorCodeAsync(() => listItems({ ctx: t.system, input: { slug: "missing" } }))).toBe("not_found");
      for (const role of ["manager", "annotator"] as const) expect(await errorCodeAsync(async () => listItems({ ctx: await user(role), input: { slug } }))).toBe("forbidden");
    });

    it("sets a gold answer with its explanation and a priority in one write, audited; clearing the answer drops the explanation", async () => {
      const { slug, ids } = await items();
      const admin = await user("admin");
      const itemId = ids["item-3"];
      const updated = await updateItem({ ctx: admin, input: { itemId: String(itemId), priority: "12", gold: "B", gold_explanation: "B cites it." } });
      expect(updated).toMatchObject({ id: itemId, external_id: "item-3", priority: 12, gold: "B", gold_explanation: "B cites it.", models: ["model-x", "model-y"] });
      expect(await t.db.first(ITEM_ROW, [itemId])).toMatchObject({ priority: 12, gold: { choice: "B", explanation: "B cites it." } });
      expect(await updateItem({ ctx: admin, input: { itemId, gold: "A" } })).toMatchObject({ gold: "A", gold_explanation: "B cites it." });
      expect((await listItems({ ctx: admin, input: { slug, filter: "gold" } })).items.map((i) => [i.external_id, i.gold])).toEqual([["item-3", "A"], ["gold", "tie"]]);
      expect(await updateItem({ ctx: admin, input: { itemId, gold: null } })).toMatchObject({ gold: null, gold_explanation: null, priority: 12 });
      expect((await t.db.first(ITEM_ROW, [itemId]))!.gold).toBeNull();
      await expect(updateItem({ ctx: admin, input: { itemId, gold_explanation: "Why?" } })).rejects.toThrow(/no gold answer to explain/);
      expect((await t.db.many(AUDIT_ROWS)).map((r) => [r.action, r.actor, r.targetId, r.detail])).toEqual([
        ["item.priority", admin.caller.userId, String(itemId), { priority: 12 }],
        ["item.gold.set", admin.caller.userId, String(itemId), { gold: { choice: "B", explanation: "B cites it." } }],
        ["item.gold.set", admin.caller.userId, String(itemId), { gold: { choice: "A", explanation: "B cites it." } }],
        ["item.gold.unset", admin.caller.userId, String(itemId), { gold: null }],
      ]);
      // A refusal writes nothing, not even the valid half.
      expect(await errorCodeAsync(() => updateItem({ ctx: admin, input: { itemId, priority: 5, gold: "C" } }))).toBe("bad_request");
      expect(await errorCodeAsync(() => updateItem({ ctx: admin, input: { itemId: 999_999, priority: 1 } }))).toBe("not_found");
      expect((await t.db.first(ITEM_ROW, [itemId]))!.priority).toBe(12);
      expect(await errorCodeAsync(async () => updateItem({ ctx: await user("manager"), input: { itemId, priority: 1 } }))).toBe("forbidden");
    });

    it("lists import batches newest first with their highest priority, and raises a whole batch", async () => {
      const { slug, batches } = await items();
      const listed = await listBatches({ ctx: t.system, input: { slug } });
      expect(listed.map((b) => [b.id, b.source, b.inserted, b.priority])).toEqual([
        [batches.second, "second.jsonl", 3, 4],
        [batches.first, "first.jsonl", 30, 0],
      ]);
      expect(listed[0].created_at).toMatch(/^\d{4}-\d{2}-\d{2}T/);
      expect(await setBatchPriority({ ctx: t.system, input: { batchId: batches.first, priority: "7" } })).toEqual({ batchId: batches.first, priority: 7, items: 30 });
      expect((await listBatches({ ctx: t.system, input: { slug } })).map((b) => b.priority)).toEqual([4, 7]);
      expect((await t.db.many(AUDIT_ROWS)).map((r) => [r.action, r.targetType, r.detail])).toEqual([["batch.priority", "import_batch", { priority: 7, items: 30 }]]);
      expect(await errorCodeAsync(() => setBatchPriority({ ctx: t.system, input: { batchId: 999_999, priority: 1 } }))).toBe("not_found");
      expect(await errorCodeAsync(() => listBatches({ ctx: t.system, input: { slug: "missing" } }))).toBe("not_found");
    });
  });

  describe("the audit log", () => {
    it("filters by user (acting or acted on), action or family in any case, project and time; pages newest first; streams every entry", async () => {
      const p = await project();
      const admin = await user("admin");
      const ann = await user();
      const day = Date.UTC(2026, 2, 14);
      const write = (ctx: Ctx, at_: number, entry: Parameters<typeof audit>[2]) => t.db.write((tx) => audit(tx, { ...ctx, now: () => at_ }, entry));
      // The oldest entries first: the log is newest first by id.
      await t.db.write(async (tx) => {
        for (let i = 0; i < AUDIT_PAGE_SIZE + 5; i++) await audit(tx, { ...t.system, now: () => day - 86_400_000 }, { action: "item.priority", targetType: "item", targetId: i, detail: { priority: i } });
      });
      await write(ann, day + 1000, { action: "auth.sign_in_failed", targetType: "user", targetId: ann.caller.userId, detail: { email: ann.caller.email } });
      await write(admin, day + 2000, { action: "user.role", targetType: "user", targetId: ann.caller.userId, detail: { to: "manager" } });
      await write(admin, day + 86_400_000 + 5, { action: "project.update", targetType: "project", targetId: p.id, detail: { slug: p.slug } });
      const list = (input: Parameters<typeof listAudit>[0]["input"]) => listAudit({ ctx: admin, input });
      const actions = async (input: Parameters<typeof listAudit>[0]["input"]) => (await list(input)).entries.map((e) => e.action);

      const first = await list({});
      expect(first.entries).toHaveLength(AUDIT_PAGE_SIZE);
      expect(first.hasMore).toBe(true);
      expect(first.entries.slice(0, 3).map((e) => [e.action, e.actor, e.project])).toEqual([
        ["project.update", admin.caller.email, p.slug],
        ["user.role", admin.caller.email, null],
        ["auth.sign_in_failed", ann.caller.email, null],
      ]);
      expect(first.entries[0]).toMatchObject({ at: new Date(day + 86_400_000 + 5).toISOString(), target_type: "project", target_id: String(p.id), detail: { slug: p.slug } });
      const second = await list({ page: 2 });
      expect([second.entries.length, second.hasMore]).toEqual([8, false]);
      expect(second.entries.at(-1)).toMatchObject({ action: "item.priority", actor: null, target_id: "0", detail: { priority: 0 } });

      expect(await actions({ user: ann.caller.email })).toEqual(["user.role", "auth.sign_in_failed"]);
      expect(await actions({ user: admin.caller.email.toUpperCase() })).toEqual(["project.update", "user.role"]);
      expect(await actions({ action: "AUTH." })).toEqual(["auth.sign_in_failed"]);
      expect(await actions({ action: "user.role" })).toEqual(["user.role"]);
      expect(await actions({ action: "user." })).toEqual(["user.role"]);
      expect(await actions({ action: "%." })).toEqual([]);
      expect(await actions({ project: p.slug })).toEqual(["project.update"]);
      expect(await actions({ from: "2026-03-14", to: "2026-03-14" })).toEqual(["user.role", "auth.sign_in_failed"]);
      expect(await actions({ from: "2026-03-14T00:00:01.500", to: "2026-03-15" })).toEqual(["project.update", "user.role"]);
      expect(await actions({ to: "2000-01-01" })).toEqual([]);
      expect(await errorCodeAsync(() => list({ from: "yesterday" }))).toBe("bad_request");
      expect(await errorCodeAsync(async () => listAudit({ ctx: await user("manager"), input: {} }))).toBe("forbidden");

      const streamed: AuditEntry[] = [];
      for await (const e of auditEntries({ ctx: admin, input: { action: "item." } })) streamed.push(e);
      expect(streamed.map((e) => e.target_id)).toEqual(Array.from({ length: AUDIT_PAGE_SIZE + 5 }, (_, i) => String(AUDIT_PAGE_SIZE + 4 - i)));
      expect(() => auditEntries({ ctx: ann, input: {} })).toThrow(/does not allow audit:read/);
    });

    it("streams more entries than one batch holds, each once, newest first", async () => {
      const admin = await user("admin");
      await t.db.write(async (tx) => {
        for (let i = 0; i < 2_345; i++) await audit(tx, t.system, { action: "export", targetType: "project", targetId: i % 7 });
      });
      let n = 0;
      let previous = Number.MAX_SAFE_INTEGER;
      for await (const e of auditEntries({ ctx: admin, input: {} })) {
        expect(e.id).toBeLessThan(previous);
        previous = e.id;
        n++;
      }
      expect(n).toBe(2_345);
    });
  });
});
