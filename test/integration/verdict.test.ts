// The verdict of a judgment (its outcome in the item's own order) computed in SQL (VERDICT_SQL) and in
// TypeScript (verdictOf, verdictOfChoice) agrees row by row on judgments made through the app with
// shuffled slot orders, for every choice; and gold accuracy follows the one exact rule (matchesGold)
// in the gold cut-off and on the statistics dashboard alike. The last suite checks the same on every
// engine, with rows written by plain statements.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { defineQuery, jsonText, num, numOrNull, str, strOrNull, type EngineKind } from "@/db/engine";
import { CHOICES, type Choice } from "@/lib/formats/record";
import { matchesGold, verdictOf, verdictOfChoice, type Verdict } from "@/lib/formats/verdict";
import { claimNext, goldStandings } from "@/lib/services/assignment";
import { submitJudgment } from "@/lib/services/judgments";
import { clearStatsCache, projectStats } from "@/lib/services/stats";
import { VERDICT_JOIN_SQL, VERDICT_SQL } from "@/db/queries/verdict";
import { ENGINES, importText, jsonl, makeProject, makeUser, makeUsers, pairRecord, tempDbOn, type TempDb, fragment, sql } from "../helpers/db";

const N_ITEMS = 16;
const N_ANNOTATORS = 4;

let t: TempDb;

/** Every annotator judges every item through claimNext and submitJudgment, cycling through the choices. */
async function judgeEverything() {
  const project = await makeProject(t, { overlap: N_ANNOTATORS });
  await importText(t, project.slug, jsonl(Array.from({ length: N_ITEMS }, (_, i) => pairRecord(i))));
  const annotators = await makeUsers(t, N_ANNOTATORS, "annotator");
  for (const [k, annotator] of annotators.entries()) {
    for (let n = 0; ; n++) {
      const claimed = await claimNext({ ctx: annotator.ctx, input: { slug: project.slug } });
      if (!claimed) break;
      const choice = CHOICES[(n + k) % CHOICES.length];
      await submitJudgment({ ctx: annotator.ctx, input: { assignment_id: claimed.assignment.id, choice } });
    }
  }
  return project;
}

interface Row {
  id: number;
  itemId: number;
  choice: Choice;
  slotOrder: string;
  winnerPosition: number | null;
  verdict: Verdict | null;
}

async function judgmentRows(): Promise<Row[]> {
  return await t.all<Row>(
    sql`select j.id, j.item_id as "itemId", j.choice, j.slot_order as "slotOrder", wc.position as "winnerPosition", ${fragment(VERDICT_SQL)} as verdict
        from judgments j ${fragment(VERDICT_JOIN_SQL)} order by j.id`,
  );
}

async function candidateIdsByPosition(itemId: number): Promise<number[]> {
  return (await t.all<{ id: number }>(sql`select id from candidates where item_id = ${itemId} order by position`)).map((c) => c.id);
}

describe.each(ENGINES)("verdicts of judgments made through the app on %s", (kind) => {
  beforeEach(async () => {
    t = await tempDbOn(kind);
  });
  afterEach(async () => {
    await t.close();
    clearStatsCache();
  });

  describe("VERDICT_SQL", () => {
    it("equals verdictOf and verdictOfChoice on every judgment, whatever the slot order", async () => {
      await judgeEverything();
      const rows = await judgmentRows();
      expect(rows).toHaveLength(N_ITEMS * N_ANNOTATORS);
      // Both slot orders occur with both A and B choices, so the conversion is really exercised.
      const shapes = new Set<string>();
      for (const row of rows) {
        const order = JSON.parse(row.slotOrder) as number[];
        const byPosition = await candidateIdsByPosition(row.itemId);
        const swapped = order[0] !== byPosition[0];
        shapes.add(`${row.choice}:${swapped}`);
        expect(row.verdict, `judgment ${row.id}`).toBe(verdictOf(row.choice, row.winnerPosition));
        expect(row.verdict, `judgment ${row.id}`).toBe(verdictOfChoice(row.choice, order, byPosition));
        // And by hand: a choice of the slot showing the item's first candidate is verdict A.
        if (row.choice === "A" || row.choice === "B") {
          const shownFirst = (row.choice === "A") !== swapped;
          expect(row.verdict).toBe(shownFirst ? "A" : "B");
        } else {
          expect(row.verdict).toBe(row.choice);
        }
      }
      expect([...shapes].sort()).toEqual(["A:false", "A:true", "B:false", "B:true", "both_bad:false", "both_bad:true", "tie:false", "tie:true"]);
    });

    it("is null for a judgment that is not pairwise", async () => {
      const project = await makeProject(t, { overlap: 1 });
      await importText(t, project.slug, jsonl([pairRecord(1)]));
      const user = await makeUser(t, "annotator");
      const [first, second] = await candidateIdsByPosition((await t.one<{ id: number }>(sql`select id from items`)).id);
      await t.run(
        sql`insert into judgments (project_id, item_id, user_id, type, slot_order, payload, created_at)
            values (${project.id}, (select id from items), ${user.caller.userId}, 'ranking', ${jsonText([second, first])}, ${jsonText({ type: "ranking", ranking: [[second], [first]] })}, ${new Date()})`,
      );
      expect((await judgmentRows()).map((r) => r.verdict)).toEqual([null]);
    });
  });

  describe("gold accuracy", () => {
    it("counts a judgment correct only on the exact gold verdict, in the cut-off and on the dashboard alike", async () => {
      const project = await judgeEverything();
      // Gold verdicts set after judging (a new gold answer re-scores everyone): every kind, tie and both_bad included.
      const golds: Verdict[] = ["tie", "both_bad", "A", "B"];
      const itemIds = (await t.all<{ id: number }>(sql`select id from items order by id`)).map((i) => i.id);
      for (const [n, id] of itemIds.entries()) await t.run(sql`update items set gold = ${jsonText({ choice: golds[n % golds.length] })} where id = ${id}`);
      const goldOf = new Map(itemIds.map((id, n) => [id, golds[n % golds.length]]));

      const expected = new Map<number, { judged: number; correct: number }>();
      let tieAgainstBothBad = 0;
      for (const row of await t.all<{ userId: number; itemId: number; verdict: Verdict }>(
        sql`select j.user_id as "userId", j.item_id as "itemId", ${fragment(VERDICT_SQL)} as verdict from judgments j ${fragment(VERDICT_JOIN_SQL)}`,
      )) {
        const score = expected.get(row.userId) ?? { judged: 0, correct: 0 };
        const gold = goldOf.get(row.itemId)!;
        score.judged++;
        if (matchesGold(row.verdict, gold)) score.correct++;
        if ((row.verdict === "tie" && gold === "both_bad") || (row.verdict === "both_bad" && gold === "tie")) tieAgainstBothBad++;
        expected.set(row.userId, score);
      }
      // The data holds the case the two old rules disagreed on.
      expect(tieAgainstBothBad).toBeGreaterThan(0);

      const standings = await goldStandings({ ctx: t.system, input: { slug: project.slug } });
      expect(standings).toHaveLength(N_ANNOTATORS);
      const stats = await projectStats({ ctx: t.system, input: { slug: project.slug, rounds: 0 } });
      for (const standing of standings) {
        const want = expected.get(standing.user_id)!;
        expect([standing.gold_judged, standing.gold_correct]).toEqual([want.judged, want.correct]);
        expect(standing.gold_accuracy).toBeCloseTo(want.correct / want.judged, 12);
        const row = stats.annotators.find((a) => a.user_id === standing.user_id)!;
        expect([row.gold_n, row.gold_accuracy]).toEqual([standing.gold_judged, standing.gold_accuracy]);
      }
    });
  });
});

const INSERT_PROJECT = defineQuery("test.verdict.insertProject", `insert into projects (slug, name, status) values (?, 'Verdicts', 'active') returning id`, (r) => num(r.id));
const INSERT_USER = defineQuery("test.verdict.insertUser", `insert into users (email, name, role) values (?, 'annotator', 'annotator') returning id`, (r) => num(r.id));
const INSERT_ITEM = defineQuery("test.verdict.insertItem", `insert into items (project_id, external_id, prompt, gold) values (?, ?, '"Which?"', ?) returning id`, (r) => num(r.id));
const INSERT_CANDIDATE = defineQuery("test.verdict.insertCandidate", `insert into candidates (item_id, position, content) values (?, ?, 'an answer') returning id`, (r) => num(r.id));
const INSERT_JUDGMENT = defineQuery(
  "test.verdict.insertJudgment",
  `insert into judgments (project_id, item_id, user_id, type, choice, winner_candidate_id, slot_order, payload, created_at) values (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
);
const VERDICTS = defineQuery(
  "test.verdict.rows",
  `select j.id, j.item_id, j.user_id, j.choice, j.slot_order, wc.position as winner_position, ${VERDICT_SQL} as verdict from judgments j ${VERDICT_JOIN_SQL} order by j.id`,
  (r) => ({
    id: num(r.id),
    itemId: num(r.item_id),
    userId: num(r.user_id),
    choice: strOrNull(r.choice) as Choice | null,
    slotOrder: JSON.parse(str(r.slot_order)) as number[],
    winnerPosition: numOrNull(r.winner_position),
    verdict: strOrNull(r.verdict) as Verdict | null,
  }),
);

describe.each(ENGINES)("VERDICT_SQL and the gold score on %s", (kind: EngineKind) => {
  let e: TempDb;
  beforeEach(async () => {
    e = await tempDbOn(kind);
  });
  afterEach(() => e.close());

  it("agree with verdictOf, verdictOfChoice and matchesGold on every choice, slot order and gold verdict", async () => {
    const projectId = (await e.db.first(INSERT_PROJECT, [`v-${kind}`]))!;
    const golds: Verdict[] = ["A", "B", "tie", "both_bad"];
    const users: number[] = [];
    for (let u = 0; u < CHOICES.length * 2; u++) users.push((await e.db.first(INSERT_USER, [`v${u}@test.local`]))!);
    const positions = new Map<number, number[]>();
    const goldOf = new Map<number, Verdict>();
    // Every gold verdict × every choice × both slot orders, so each case of the rule occurs.
    for (const [g, gold] of golds.entries()) {
      const itemId = (await e.db.first(INSERT_ITEM, [projectId, `item-${g}`, jsonText({ choice: gold })]))!;
      const ids = [(await e.db.first(INSERT_CANDIDATE, [itemId, 0]))!, (await e.db.first(INSERT_CANDIDATE, [itemId, 1]))!];
      positions.set(itemId, ids);
      goldOf.set(itemId, gold);
      let u = 0;
      for (const choice of CHOICES) {
        for (const order of [ids, [...ids].reverse()]) {
          const winner = choice === "A" ? order[0] : choice === "B" ? order[1] : null;
          await e.db.exec(INSERT_JUDGMENT, [projectId, itemId, users[u++], "pairwise", choice, winner, jsonText(order), null, new Date()]);
        }
      }
    }
    // A judgment of another type has no verdict.
    const [first, second] = positions.get([...positions.keys()][0])!;
    const ranking = { type: "ranking", ranking: [[second], [first]] };
    const other = (await e.db.first(INSERT_USER, ["ranker@test.local"]))!;
    await e.db.exec(INSERT_JUDGMENT, [projectId, [...positions.keys()][0], other, "ranking", null, null, jsonText([second, first]), jsonText(ranking), new Date()]);

    const rows = await e.db.many(VERDICTS);
    expect(rows).toHaveLength(golds.length * CHOICES.length * 2 + 1);
    const expected = new Map<number, { judged: number; correct: number }>();
    for (const row of rows) {
      if (row.choice === null) expect(row.verdict, `judgment ${row.id}`).toBeNull();
      else {
        expect(row.verdict, `judgment ${row.id}`).toBe(verdictOf(row.choice, row.winnerPosition));
        expect(row.verdict, `judgment ${row.id}`).toBe(verdictOfChoice(row.choice, row.slotOrder, positions.get(row.itemId)!));
      }
      // The gold score of the cut-off must count exactly what matchesGold counts (every judgment here is on a gold item).
      const score = expected.get(row.userId) ?? { judged: 0, correct: 0 };
      score.judged++;
      if (matchesGold(row.verdict, goldOf.get(row.itemId)!)) score.correct++;
      expected.set(row.userId, score);
    }
    const standings = await goldStandings({ ctx: e.system, input: { slug: `v-${kind}` } });
    expect(standings).toHaveLength(users.length + 1);
    for (const standing of standings) {
      const want = expected.get(standing.user_id)!;
      expect([standing.gold_judged, standing.gold_correct], standing.email).toEqual([want.judged, want.correct]);
    }
  });
});
