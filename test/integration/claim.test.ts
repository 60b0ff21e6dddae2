// The claim path on every engine (SQLite, and PostgreSQL when a server answers): serving orders,
// priorities, routing by skill, gold items and the qualification gate, the refusals, the lease
// helpers the judgment service uses, and exactness with annotators in separate processes, each with
// its own connection. Rows are made with plain statements (the fixtures below), so the suite needs
// nothing but the assignment path itself.
import pg from "pg";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { at, bool, defineQuery, jsonText, num, numOrNull, str, type Engine, type EngineKind } from "@/db/engine";
import type { RoleName } from "@/db/schema/constants";
import type { Verdict } from "@/lib/formats/verdict";
import { tagKey } from "@/lib/formats/tags";
import { adaptiveFiguresOf, retargetItem, retargetProject, simulateOverlap } from "@/lib/services/adaptive";
import { PROJECT_COUNTS } from "@/db/queries/assignment";
import { claimNext, closeLease, freeSeats, goldStandings, leaseToJudge, ownAssignment, type Claim } from "@/lib/services/assignment";
import type { Ctx } from "@/lib/services/context";
import { submitJudgment } from "@/lib/services/judgments";
import { answerWasShown, feedbackOf, listQualifications, recordGoldJudgment } from "@/lib/services/qualification";
import { ENGINES, errorCodeAsync, tempDbOn, type TempDb } from "../helpers/db";
import { expectTotalsInStep } from "../helpers/totals";
import { runWorkerProcess } from "../helpers/worker-process";

const INSERT_USER = defineQuery(
  "test.claim.insertUser",
  `insert into users (email, name, role, password_hash, skills) values (?, ?, ?, 'x', ?) returning id`,
  (r) => num(r.id),
);
const INSERT_PROJECT = defineQuery(
  "test.claim.insertProject",
  `insert into projects (slug, name, status, overlap, order_policy, routing, quota, gold_rate, visibility, lease_minutes,
     min_judgments, max_judgments, qualification_items, qualification_accuracy, training_mode, min_gold_accuracy, min_gold_after)
   values (?, 'Test project', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) returning id`,
  (r) => num(r.id),
);
const SET_TAG_KEYS = defineQuery("test.claim.setTagKeys", `update projects set tag_keys = ? where id = ?`);
const INSERT_ITEM = defineQuery(
  "test.claim.insertItem",
  `insert into items (project_id, external_id, prompt, priority, gold, tags, tag_key, extra_overlap) values (?, ?, ?, ?, ?, ?, ?, ?) returning id`,
  (r) => num(r.id),
);
const INSERT_CANDIDATE = defineQuery("test.claim.insertCandidate", `insert into candidates (item_id, position, content, model) values (?, ?, ?, ?) returning id`, (r) =>
  num(r.id),
);
const SET_ITEM_PRIORITY = defineQuery("test.claim.setItemPriority", `update items set priority = ? where id = ?`);
const SET_OVERLAP = defineQuery("test.claim.setOverlap", `update projects set overlap = ? where id = ?`);
const ADD_MEMBER = defineQuery("test.claim.addMember", `insert into project_members (project_id, user_id) values (?, ?)`);
const INSERT_JUDGMENT = defineQuery(
  "test.claim.insertJudgment",
  `insert into judgments (project_id, item_id, user_id, assignment_id, type, choice, winner_candidate_id, slot_order, gold, created_at)
   values (?, ?, ?, ?, 'pairwise', ?, ?, ?, ?, ?) returning id`,
  (r) => num(r.id),
);
const LEASES = defineQuery(
  "test.claim.leases",
  `select a.item_id, a.user_id, a.status, a.expires_at, i.gold is not null as gold from assignments a join items i on i.id = a.item_id order by a.item_id, a.user_id`,
  (r) => ({ itemId: num(r.item_id), userId: num(r.user_id), status: str(r.status), expiresAt: num(r.expires_at), gold: bool(r.gold) }),
);
const ITEM_TARGETS = defineQuery("test.claim.itemTargets", `select id, judgment_target, judgment_count from items order by id`, (r) => ({
  id: num(r.id),
  target: numOrNull(r.judgment_target),
  count: num(r.judgment_count),
}));
const JUDGMENTS_PER_ITEM = defineQuery(
  "test.claim.judgmentsPerItem",
  `select i.id, i.judgment_count, count(j.id) as judgments, count(distinct j.user_id) as annotators
   from items i left join judgments j on j.item_id = i.id group by i.id, i.judgment_count order by i.id`,
  (r) => ({ itemId: num(r.id), counter: num(r.judgment_count), judgments: num(r.judgments), annotators: num(r.annotators) }),
);
const GOLD_OF = defineQuery("test.claim.goldOf", `select gold ->> 'choice' as verdict from items where id = ?`, (r) => str(r.verdict));
const ATTEMPTS = defineQuery("test.claim.attempts", `select user_id, attempt, status, judged, correct from qualification_attempts order by user_id, attempt`, (r) => ({
  userId: num(r.user_id),
  attempt: num(r.attempt),
  status: str(r.status),
  judged: num(r.judged),
  correct: num(r.correct),
}));

interface ProjectSettings {
  status?: string;
  overlap?: number;
  orderPolicy?: "finish_first" | "random" | "import";
  routing?: "open" | "required" | "preferred";
  quota?: number | null;
  goldRate?: number;
  visibility?: "everyone" | "members";
  leaseMinutes?: number;
  minJudgments?: number | null;
  maxJudgments?: number | null;
  qualificationItems?: number | null;
  qualificationAccuracy?: number;
  trainingMode?: boolean;
  minGoldAccuracy?: number | null;
  minGoldAfter?: number | null;
}

interface ItemSpec {
  priority?: number;
  gold?: "A" | "B" | "tie" | "both_bad";
  tags?: string[];
  extra?: number;
}

let counter = 0;

describe.each(ENGINES)("claiming on %s", (kind: EngineKind) => {
  let t: TempDb;
  beforeEach(async () => {
    t = await tempDbOn(kind);
  });
  afterEach(() => t.close());

  async function user(role: RoleName = "annotator", skills: string[] = []): Promise<Ctx & { caller: NonNullable<Ctx["caller"]> }> {
    const email = `${role}${++counter}@test.local`;
    const id = (await t.db.first(INSERT_USER, [email, email.split("@")[0], role, jsonText(skills)]))!;
    return { db: t.db, caller: { userId: id, email, role } };
  }

  /** A project with `items` (candidates "First answer to i" and "Second answer to i", in that position order). */
  async function project(settings: ProjectSettings, items: ItemSpec[]): Promise<{ id: number; slug: string; items: number[] }> {
    const slug = `p${++counter}`;
    const s = settings;
    const id = (await t.db.first(INSERT_PROJECT, [
      slug,
      s.status ?? "active",
      s.overlap ?? 1,
      s.orderPolicy ?? "finish_first",
      s.routing ?? "open",
      s.quota ?? null,
      s.goldRate ?? 0,
      s.visibility ?? "everyone",
      s.leaseMinutes ?? 30,
      s.minJudgments ?? null,
      s.maxJudgments ?? null,
      s.qualificationItems ?? null,
      s.qualificationAccuracy ?? 0.8,
      s.trainingMode ?? false,
      s.minGoldAccuracy ?? null,
      s.minGoldAfter ?? null,
    ]))!;
    const ids: number[] = [];
    const keys = new Set<string>();
    for (const [i, spec] of items.entries()) {
      const tags = spec.tags ? [...spec.tags].sort() : null;
      const key = tags ? tagKey(tags) : "";
      if (key) keys.add(key);
      const itemId = (await t.db.first(INSERT_ITEM, [
        id,
        `item-${i}`,
        jsonText(`Question number ${i}?`),
        spec.priority ?? 0,
        spec.gold ? jsonText({ choice: spec.gold }) : null,
        tags ? jsonText(tags) : null,
        key,
        spec.extra ?? 0,
      ]))!;
      await t.db.first(INSERT_CANDIDATE, [itemId, 0, `First answer to ${i}`, "model-x"]);
      await t.db.first(INSERT_CANDIDATE, [itemId, 1, `Second answer to ${i}`, "model-y"]);
      ids.push(itemId);
    }
    await t.db.exec(SET_TAG_KEYS, [jsonText([...keys].sort()), id]);
    return { id, slug, items: ids };
  }

  /** The item index (pairRecord-style "Question number i?") of a claim. */
  const indexOf = (c: Claim) => Number(/Question number (\d+)/.exec(c.item.prompt as string)![1]);

  /** The slot showing the item's first candidate. */
  const slotOfFirst = (c: Claim) => c.item.candidates.find((x) => x.content.startsWith("First"))!.slot as "A" | "B";

  /**
   * Records a pairwise judgment on a claim the way the judgment service does (the judgment row, then
   * the lease's close), so the claim path sees a judged item.
   */
  async function judge(ctx: Ctx, c: Claim, verdict: Verdict): Promise<number> {
    return t.db.write((tx) => judgeIn(tx, ctx, c, verdict));
  }

  /** `judge` inside an open write transaction (a qualification answer is counted in the same one). */
  async function judgeIn(tx: Engine, ctx: Ctx, c: Claim, verdict: Verdict): Promise<number> {
    const lease = await leaseToJudge(tx, ctx.caller!.userId, c.assignment.id);
    const a = lease.assignment;
    const choice = choiceFor(c, verdict);
    const winner = choice === "A" || choice === "B" ? a.slotOrder[choice === "A" ? 0 : 1] : null;
    const id = (await tx.first(INSERT_JUDGMENT, [a.projectId, a.itemId, a.userId, a.id, choice, winner, jsonText(a.slotOrder), lease.gold, at(Date.now())]))!;
    await closeLease(tx, a.id, a.itemId, Date.now());
    return id;
  }

  /** The slot choice that gives `verdict` on a claim. */
  const choiceFor = (c: Claim, verdict: Verdict): Verdict => (verdict === "A" ? slotOfFirst(c) : verdict === "B" ? (slotOfFirst(c) === "A" ? "B" : "A") : verdict);

  describe("serving", () => {
    it("serves an item with two slotted candidates and no model names, and the held lease again", async () => {
      const p = await project({}, [{}]);
      const a = await user();
      const claimed = (await claimNext({ ctx: a, input: { slug: p.slug } }))!;
      expect(claimed.item.candidates.map((c) => c.slot)).toEqual(["A", "B"]);
      expect(new Set(claimed.item.candidates.map((c) => c.content))).toEqual(new Set(["First answer to 0", "Second answer to 0"]));
      expect(JSON.stringify(claimed)).not.toMatch(/model-x|model-y/);
      expect(claimed.item.prompt).toBe("Question number 0?");
      expect(claimed.progress).toEqual({ judged: 0, items: 1, complete_items: 0 });
      expect(Date.parse(claimed.assignment.expires_at) - Date.now()).toBeGreaterThan(29 * 60_000);
      expect(claimed.schema.type).toBe("pairwise");
      expect((await claimNext({ ctx: a, input: { slug: p.slug } }))!.assignment.id).toBe(claimed.assignment.id);
      // Excluded (the workspace shows it already): nothing else is left.
      expect(await claimNext({ ctx: a, input: { slug: p.slug, exclude: [claimed.assignment.id] } })).toBeNull();
    });

    it("finish_first serves the most judged item first, by priority, and never past the overlap", async () => {
      const p = await project({ overlap: 2 }, [{}, {}, { priority: 5 }, {}]);
      const [a, b, c] = [await user(), await user(), await user()];
      const first = (await claimNext({ ctx: a, input: { slug: p.slug } }))!;
      expect(indexOf(first)).toBe(2);
      await judge(a, first, "A");
      // Item 2 has one judgment left to collect: it comes first for b, then nobody gets it again.
      const second = (await claimNext({ ctx: b, input: { slug: p.slug } }))!;
      expect(indexOf(second)).toBe(2);
      expect(indexOf((await claimNext({ ctx: c, input: { slug: p.slug } }))!)).toBe(0);
      const leases = await t.db.many(LEASES);
      expect(leases.filter((l) => l.itemId === p.items[2])).toHaveLength(2);
    });

    it("import order serves by id within a priority; random serves every item once", async () => {
      const imported = await project({ orderPolicy: "import" }, [{}, {}, { priority: 1 }, {}]);
      const a = await user();
      const order: number[] = [];
      for (let c; (c = await claimNext({ ctx: a, input: { slug: imported.slug } })); ) {
        order.push(indexOf(c));
        await judge(a, c, "A");
      }
      expect(order).toEqual([2, 0, 1, 3]);

      const random = await project({ orderPolicy: "random" }, Array.from({ length: 12 }, () => ({})));
      const served: number[] = [];
      for (let c; (c = await claimNext({ ctx: a, input: { slug: random.slug } })); ) {
        served.push(indexOf(c));
        await judge(a, c, "A");
      }
      expect([...served].sort((x, y) => x - y)).toEqual(Array.from({ length: 12 }, (_, i) => i));
    });

    it("serves what the project holds now when another instance changed its items or settings since the last claim", async () => {
      // On PostgreSQL a claim sends its first pick with the project read, on the values the last claim
      // of the project read; here those values change in between, as another instance's writes would.
      const p = await project({ overlap: 1 }, [{}, {}, {}, {}]);
      const annotators = [await user(), await user(), await user(), await user()];
      const claimAndJudge = async (ctx: Ctx) => {
        const c = (await claimNext({ ctx, input: { slug: p.slug } }))!;
        await judge(ctx, c, "A");
        return indexOf(c);
      };
      expect(await claimAndJudge(annotators[0])).toBe(0);
      const sent = vi.spyOn(pg.Client.prototype, "query");
      try {
        expect(await claimAndJudge(annotators[1])).toBe(1);
        if (kind === "postgres") {
          // One round trip for BEGIN, the locks, the project read and the pick.
          const texts = sent.mock.calls.map((call) => String(call[0]));
          expect(texts.some((text) => /^begin; .*; execute arbiter_\d+\([^;]*\); execute arbiter_\d+\([^;]*\)$/.test(text))).toBe(true);
        }
      } finally {
        sent.mockRestore();
      }
      // A new top priority: item 3 comes before item 2.
      await t.db.exec(SET_ITEM_PRIORITY, [4, p.items[3]]);
      expect(await claimAndJudge(annotators[2])).toBe(3);
      // A larger overlap: item 3 (top priority, judged once) has a seat again.
      await t.db.exec(SET_OVERLAP, [2, p.id]);
      expect(await claimAndJudge(annotators[3])).toBe(3);
      // Back to the values guessed two claims ago: item 2 is the only item left with a seat.
      await t.db.exec(SET_ITEM_PRIORITY, [0, p.items[3]]);
      await t.db.exec(SET_OVERLAP, [1, p.id]);
      expect(await claimAndJudge(annotators[3])).toBe(2);
      expect(await claimNext({ ctx: annotators[0], input: { slug: p.slug } })).toBeNull();
      const counts = await t.db.many(JUDGMENTS_PER_ITEM);
      expect(counts.map((c) => c.judgments)).toEqual([1, 1, 1, 2]);
    });

    it("counts an expired lease as free and renews the same row for its holder", async () => {
      const p = await project({ overlap: 1, leaseMinutes: 1 }, [{}]);
      const [a, b] = [await user(), await user()];
      const first = (await claimNext({ ctx: a, input: { slug: p.slug } }))!;
      expect(await claimNext({ ctx: b, input: { slug: p.slug } })).toBeNull();
      const later = { ...b, now: () => Date.now() + 2 * 60_000 };
      const taken = (await claimNext({ ctx: later, input: { slug: p.slug } }))!;
      expect(taken.item.id).toBe(first.item.id);
      // The first holder's lease ran out: the seat is b's now.
      expect(await claimNext({ ctx: { ...a, now: later.now }, input: { slug: p.slug } })).toBeNull();
      expect((await freeSeats(t.db, first.item.id, 1, a.caller.userId, Date.now() + 2 * 60_000))).toBe(0);
      expect((await freeSeats(t.db, first.item.id, 1, b.caller.userId, Date.now() + 2 * 60_000))).toBe(1);
    });

    it("reads a project's counts once for claims finishing together, and shows them a second old at most", async () => {
      const p = await project({ overlap: 1 }, Array.from({ length: 30 }, () => ({})));
      const annotators = await Promise.all(Array.from({ length: 12 }, () => user()));
      const reads = vi.spyOn(t.db, "first");
      const countReads = () => reads.mock.calls.filter(([q]) => q === PROJECT_COUNTS).length;
      // Twelve claims at once on a project no claim has shown yet: one read of its counts, shown by all.
      const first = await Promise.all(annotators.map((a) => claimNext({ ctx: a, input: { slug: p.slug } })));
      expect(countReads()).toBe(1);
      for (const c of first) expect(c!.progress).toEqual({ judged: 0, items: 30, complete_items: 0 });
      for (const [i, c] of first.slice(0, 5).entries()) await judge(annotators[i], c!, "A");
      // Within the second the figures stand; after it, claims finishing together read them once again.
      vi.useFakeTimers({ toFake: ["Date"], now: Date.now() + 1500 });
      try {
        const second = await Promise.all(annotators.slice(0, 5).map((a) => claimNext({ ctx: a, input: { slug: p.slug } })));
        expect(countReads()).toBe(2);
        for (const c of second) expect([0, 5]).toContain(c!.progress.complete_items);
        const after = (await claimNext({ ctx: annotators[11], input: { slug: p.slug } }))!;
        expect(after.progress).toEqual({ judged: 0, items: 30, complete_items: 5 });
        expect(countReads()).toBe(2);
      } finally {
        vi.useRealTimers();
      }
    });
  });

  describe("refusals", () => {
    it("answers not found, not a member, paused and quota with their reasons", async () => {
      const a = await user();
      expect(await errorCodeAsync(() => claimNext({ ctx: a, input: { slug: "nope" } }))).toBe("not_found");
      const members = await project({ visibility: "members" }, [{}]);
      expect(await errorCodeAsync(() => claimNext({ ctx: a, input: { slug: members.slug } }))).toBe("not_found");
      const admin = await user("admin");
      await expect(claimNext({ ctx: admin, input: { slug: members.slug } })).rejects.toMatchObject({ code: "forbidden", details: { reason: "not_member" } });
      await t.db.exec(ADD_MEMBER, [members.id, a.caller.userId]);
      expect(await claimNext({ ctx: a, input: { slug: members.slug } })).not.toBeNull();

      const paused = await project({ status: "paused" }, [{}]);
      await expect(claimNext({ ctx: a, input: { slug: paused.slug } })).rejects.toMatchObject({ code: "conflict", details: { reason: "project_not_active" } });
      const draft = await project({ status: "draft" }, [{}]);
      expect(await errorCodeAsync(() => claimNext({ ctx: a, input: { slug: draft.slug } }))).toBe("not_found");

      const limited = await project({ quota: 1, overlap: 1 }, [{}, {}]);
      await judge(a, (await claimNext({ ctx: a, input: { slug: limited.slug } }))!, "A");
      await expect(claimNext({ ctx: a, input: { slug: limited.slug } })).rejects.toMatchObject({ code: "conflict", details: { reason: "quota_reached" } });
      const standings = await goldStandings({ ctx: t.system, input: { slug: limited.slug } });
      expect(standings).toMatchObject([{ user_id: a.caller.userId, judged: 1, gold_judged: 0, gold_accuracy: null, blocked: "quota_reached" }]);
    });

    it("stops an annotator below the gold accuracy, after the minimum number of gold judgments", async () => {
      const p = await project({ overlap: 1, goldRate: 1, minGoldAccuracy: 0.6, minGoldAfter: 2 }, [{}, {}, {}, { gold: "A" }, { gold: "B" }, { gold: "tie" }]);
      const [careless, careful] = [await user(), await user()];
      for (let n = 0; n < 2; n++) {
        const c = (await claimNext({ ctx: careless, input: { slug: p.slug } }))!;
        expect(p.items.indexOf(c.item.id)).toBeGreaterThanOrEqual(3); // gold first at rate 1
        await judge(careless, c, "both_bad");
      }
      await expect(claimNext({ ctx: careless, input: { slug: p.slug } })).rejects.toMatchObject({ details: { reason: "gold_accuracy", gold_judged: 2, accuracy: 0 } });
      const c = (await claimNext({ ctx: careful, input: { slug: p.slug } }))!;
      await judge(careful, c, (await t.db.first(GOLD_OF, [c.item.id])) as Verdict);
      const standings = await goldStandings({ ctx: t.system, input: { slug: p.slug } });
      expect(standings.find((s) => s.user_id === careless.caller.userId)).toMatchObject({ gold_judged: 2, gold_correct: 0, gold_accuracy: 0, blocked: "gold_accuracy" });
      expect(standings.find((s) => s.user_id === careful.caller.userId)).toMatchObject({ gold_judged: 1, gold_correct: 1, gold_accuracy: 1, blocked: null });
    });
  });

  describe("routing by skill", () => {
    it("required serves only items whose tags the caller holds; preferred serves matching items first", async () => {
      const specs: ItemSpec[] = [{}, { tags: ["medical"] }, {}, { tags: ["code"] }, { tags: ["code"] }, { tags: ["code", "medical"] }];
      const required = await project({ routing: "required", overlap: 1 }, specs);
      const coder = await user("annotator", ["code"]);
      const served: number[] = [];
      for (let c; (c = await claimNext({ ctx: coder, input: { slug: required.slug } })); ) {
        served.push(indexOf(c));
        await judge(coder, c, "A");
      }
      expect(served).toEqual([0, 2, 3, 4]);

      const preferred = await project({ routing: "preferred", overlap: 2 }, specs);
      const order = async (u: Ctx, skills?: string[]) => {
        const seen: number[] = [];
        for (let c; (c = await claimNext({ ctx: u, input: { slug: preferred.slug, skills } })); ) {
          seen.push(indexOf(c));
          await judge(u, c, "A");
        }
        return seen;
      };
      expect(await order(await user("annotator", ["code"]))).toEqual([3, 4, 0, 1, 2, 5]);
      expect(await order(await user("annotator", ["code", "medical"]))).toEqual([1, 3, 4, 5, 0, 2]);
      expect(await order(await user("annotator", []))).toEqual([]);
      // Narrowing to a skill one does not hold is refused, naming the skills held.
      const narrow = await user("annotator", ["code", "medical"]);
      await expect(claimNext({ ctx: narrow, input: { slug: preferred.slug, skills: ["law"] } })).rejects.toThrow('You do not hold the skill "law"; choose among code, medical.');
    });

    it("releases a held lease the caller may no longer be served when they narrow their stream", async () => {
      const p = await project({ routing: "required", overlap: 1 }, [{ tags: ["medical"] }, { tags: ["code"] }]);
      const u = await user("annotator", ["code", "medical"]);
      const first = (await claimNext({ ctx: u, input: { slug: p.slug } }))!;
      expect(indexOf(first)).toBe(0);
      const narrowed = (await claimNext({ ctx: u, input: { slug: p.slug, skills: ["code"] } }))!;
      expect(indexOf(narrowed)).toBe(1);
      // Item 0's lease was ended at once: someone else may take it.
      const other = await user("annotator", ["medical"]);
      expect(indexOf((await claimNext({ ctx: other, input: { slug: p.slug } }))!)).toBe(0);
    });
  });

  describe("qualification", () => {
    /** Judges a gold claim and counts it towards the qualification, in one transaction as the judgment service does. */
    async function answer(ctx: Ctx, projectId: number, c: Claim, verdict: Verdict) {
      return t.db.write(async (tx) => {
        const id = await judgeIn(tx, ctx, c, verdict);
        const j = { projectId, userId: ctx.caller!.userId, itemId: c.item.id, judgmentId: id, choice: choiceFor(c, verdict), slotOrder: (await ownAssignment(tx, ctx.caller!.userId, c.assignment.id)).slotOrder };
        const feedback = await recordGoldJudgment(tx, j, Date.now());
        // The same feedback again for a retry, and the answer counts as shown.
        expect(await feedbackOf(tx, j)).toEqual(feedback);
        expect(await answerWasShown(tx, { id, projectId, gold: true })).toBe(true);
        return feedback!;
      });
    }

    it("serves only gold items until the attempt is decided, counting answers in the judgment's transaction", async () => {
      const p = await project({ overlap: 1, qualificationItems: 2, qualificationAccuracy: 0.5 }, [{}, {}, { gold: "A" }, { gold: "B" }, { gold: "A" }]);
      const a = await user();
      const answers: boolean[] = [];
      for (let n = 0; n < 2; n++) {
        const c = (await claimNext({ ctx: a, input: { slug: p.slug } }))!;
        expect(p.items.indexOf(c.item.id)).toBeGreaterThanOrEqual(2);
        const feedback = await answer(a, p.id, c, "A");
        answers.push(feedback.correct);
        // The gold answer in the slots the annotator saw.
        expect(feedback.answer).toBe(feedback.correct ? slotOfFirst(c) : choiceFor(c, "B"));
      }
      expect(await t.db.many(ATTEMPTS)).toMatchObject([{ attempt: 1, judged: 2, correct: answers.filter(Boolean).length, status: "passed" }]);
      // Passed: real items flow.
      expect(p.items.slice(0, 2)).toContain((await claimNext({ ctx: a, input: { slug: p.slug } }))!.item.id);
      const list = await listQualifications({ ctx: t.system, input: { slug: p.slug } });
      expect(list).toMatchObject({ required: 2, accuracy_required: 0.5, annotators: [{ email: a.caller.email, status: "passed", judged: 2 }] });
    });

    it("refuses a failed attempt, and refuses with a reason when too few gold items are left", async () => {
      const strict = await project({ overlap: 1, qualificationItems: 1, qualificationAccuracy: 1 }, [{}, { gold: "A" }]);
      const a = await user();
      expect((await answer(a, strict.id, (await claimNext({ ctx: a, input: { slug: strict.slug } }))!, "B")).correct).toBe(false);
      await expect(claimNext({ ctx: a, input: { slug: strict.slug } })).rejects.toMatchObject({ details: { reason: "qualification_failed", judged: 1, correct: 0 } });
      expect(await goldStandings({ ctx: t.system, input: { slug: strict.slug } })).toMatchObject([{ user_id: a.caller.userId, blocked: "qualification_failed" }]);

      const short = await project({ overlap: 1, qualificationItems: 2 }, [{}, { gold: "A" }]);
      const b = await user();
      await answer(b, short.id, (await claimNext({ ctx: b, input: { slug: short.slug } }))!, "A");
      await expect(claimNext({ ctx: b, input: { slug: short.slug } })).rejects.toMatchObject({ code: "conflict", details: { reason: "qualification_unavailable", required: 2, judged: 1 } });
    });
  });

  describe("adaptive overlap", () => {
    it("serves min seats, opens one more on disagreement, and recomputes targets when the rule changes", async () => {
      const p = await project({ overlap: 3, minJudgments: 2, maxJudgments: 3 }, [{}, {}]);
      const u = [await user(), await user(), await user(), await user()];
      const c0 = (await claimNext({ ctx: u[0], input: { slug: p.slug } }))!;
      const c1 = (await claimNext({ ctx: u[1], input: { slug: p.slug } }))!;
      expect(c1.item.id).toBe(c0.item.id);
      await judge(u[0], c0, "A");
      await judge(u[1], c1, "B");
      const rule = { min: 2, max: 3, stopAgreement: null };
      await t.db.write(async (tx) => {
        expect(await retargetItem(tx, rule, c0.item.id)).toBe(3);
      });
      // Disagreement: a third seat on the first item (finish_first serves it before the untouched one).
      expect((await claimNext({ ctx: u[2], input: { slug: p.slug } }))!.item.id).toBe(c0.item.id);
      expect((await t.db.many(ITEM_TARGETS))[0]).toEqual({ id: c0.item.id, target: 3, count: 2 });
      // Back to a fixed overlap: every target cleared; to a rule again: every item recomputed.
      expect(await t.db.write((tx) => retargetProject(tx, p.id, null))).toBe(1);
      expect((await t.db.many(ITEM_TARGETS)).map((r) => r.target)).toEqual([null, null]);
      expect(await t.db.write((tx) => retargetProject(tx, p.id, { min: 2, max: 4, stopAgreement: null }))).toBe(2);
      expect((await t.db.many(ITEM_TARGETS)).map((r) => r.target)).toEqual([3, 2]);
      const figures = await t.db.snapshot((view) => adaptiveFiguresOf(view, p.id, { overlap: 3, minJudgments: 2, maxJudgments: 4, stopAgreement: null }));
      expect(figures).toMatchObject({ items: 2, judgments: 2, fixed_judgments: 8 });
      expect(await simulateOverlap({ ctx: t.system, input: { slug: p.slug, min: 1, max: 2 } })).toMatchObject({ items: 1, judgments_full: 2, judgments_used: 1, saved: 1 });
    });
  });

  describe("exactness", () => {
    it("annotators in separate processes never lease an item past its overlap, and every seat is taken", async () => {
      const OVERLAP = 3;
      const ITEMS = 40;
      const WORKERS = 24;
      const p = await project({ overlap: OVERLAP }, Array.from({ length: ITEMS }, (_, i) => ({ priority: i % 4 === 0 ? 2 : 0, extra: i % 10 === 0 ? 1 : 0 })));
      const people = [];
      for (let n = 0; n < WORKERS; n++) people.push(await user());
      const results = await Promise.all(people.map((u) => runWorker([t.file, String(u.caller.userId), u.caller.email, p.slug, "hold"])));
      const leases = (await t.db.many(LEASES)).filter((l) => l.status === "leased");
      const perItem = new Map<number, number>();
      for (const l of leases) perItem.set(l.itemId, (perItem.get(l.itemId) ?? 0) + 1);
      const wanted = (i: number) => OVERLAP + (i % 10 === 0 ? 1 : 0);
      for (const [i, id] of p.items.entries()) expect(perItem.get(id) ?? 0, `item ${i}`).toBe(wanted(i));
      expect(leases.length).toBe(results.reduce((s, r) => s + r.leased, 0));
      // The work really was concurrent: many processes got leases.
      expect(results.filter((r) => r.leased > 0).length).toBeGreaterThan(WORKERS / 4);
    }, 240_000);

    it("one annotator claiming and judging from several connections at once holds one lease and judges each item once", async () => {
      // On PostgreSQL these run on the engine's pool, several transactions at a time: what keeps the
      // annotator's claims from each leasing an item of their own is the annotator's lock.
      const p = await project({ overlap: 2 }, Array.from({ length: 12 }, () => ({})));
      const me = await user();
      const other = await user();
      // The pool's connections opened beforehand, so the claims below do run at the same time.
      await Promise.all(Array.from({ length: 8 }, () => t.db.snapshot(() => new Promise((r) => setTimeout(r, 100)))));
      for (let round = 0; round < 4; round++) {
        const claims = await Promise.all(Array.from({ length: 8 }, () => claimNext({ ctx: me, input: { slug: p.slug } })));
        const ids = new Set(claims.map((c) => c!.assignment.id));
        expect(ids.size, `round ${round}: the same lease every time`).toBe(1);
        // Someone else claiming meanwhile gets another seat, not this one.
        await claimNext({ ctx: other, input: { slug: p.slug } });
        const mine = (await t.db.many(LEASES)).filter((l) => l.userId === me.caller.userId && l.status === "leased");
        expect(mine.length, `round ${round}: one live lease`).toBe(1);
        const [id] = ids;
        const submits = await Promise.allSettled(
          Array.from({ length: 8 }, (_, n) => submitJudgment({ ctx: me, input: { assignment_id: id, choice: "A", client_id: `round-${round}-${n}` } })),
        );
        expect(submits.filter((r) => r.status === "fulfilled").length, `round ${round}: one judgment recorded`).toBe(1);
        for (const r of submits) if (r.status === "rejected") expect((r.reason as { code?: string }).code).toBe("conflict");
      }
      const judged = await t.db.many(JUDGMENTS_PER_ITEM);
      expect(judged.every((r) => r.annotators === r.judgments && r.counter === r.judgments)).toBe(true);
      expect(judged.filter((r) => r.judgments > 0).length).toBeGreaterThanOrEqual(4);
    }, 120_000);

    it("annotators in separate processes judging until nothing is left give every item exactly its overlap", async () => {
      const OVERLAP = 3;
      const ITEMS = 30;
      const WORKERS = 16;
      const p = await project({ overlap: OVERLAP, orderPolicy: "random" }, [
        ...Array.from({ length: ITEMS }, (_, i) => ({ priority: i % 5 === 0 ? 3 : 0, extra: i % 7 === 0 ? 2 : 0 })),
        ...Array.from({ length: 3 }, () => ({ gold: "A" as const })),
      ]);
      const people = [];
      for (let n = 0; n < WORKERS; n++) people.push(await user());
      const results = await Promise.all(people.map((u) => runWorker([t.file, String(u.caller.userId), u.caller.email, p.slug, "judge"])));
      const judged = await t.db.many(JUDGMENTS_PER_ITEM);
      const byItem = new Map(judged.map((r) => [r.itemId, r]));
      for (const [i, id] of p.items.slice(0, ITEMS).entries()) {
        // Exactly what the item wants: never past it, and the work was finished.
        expect(byItem.get(id)?.judgments, `item ${i}`).toBe(OVERLAP + (i % 7 === 0 ? 2 : 0));
        // The counter the claim relies on matches the rows.
        expect(byItem.get(id)?.counter, `item ${i}`).toBe(byItem.get(id)?.judgments);
      }
      expect(judged.every((r) => r.annotators === r.judgments)).toBe(true); // nobody judged an item twice
      expect(judged.reduce((s, r) => s + r.judgments, 0)).toBe(results.reduce((s, r) => s + r.judged, 0));
      expect(results.filter((r) => r.judged > 0).length).toBeGreaterThan(WORKERS / 4);
      await expectTotalsInStep(t.db);
    }, 240_000);
  });
});

function runWorker(args: string[]): Promise<{ leased: number; judged: number }> {
  return runWorkerProcess("test/helpers/claim-worker.ts", args);
}
