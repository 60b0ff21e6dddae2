// The project tally (projectFigures, the production path) against the reference implementations
// (lib/stats/reference, one object per judgment) on the same data, in several shapes: ties and
// both_bad, gold items, many annotators with outliers, missing durations, models and judgments,
// self-comparisons, imported judgments, and the PandaLM test set where it is present.
import fs from "node:fs";
import { describe, expect, it } from "vitest";
import { needsSharedData, PANDALM_TEST } from "../../helpers/shared-data";
import type { Choice } from "@/lib/formats/record";
import {
  breakdownBy,
  mulberry32,
  projectFigures,
  type BreakdownComparison,
  type ModelComparison,
  type PairwiseJudgment,
  type ProjectFigures,
  type TallyAnnotator,
  type TallyCandidate,
  type TallyItem,
  type TallyJudgment,
  type Verdict,
} from "@/lib/stats";
import { annotatorQuality, bradleyTerry, cohenKappaPairs, fleissKappaCI, pairwiseAlphaCI, percentAgreementCI } from "@/lib/stats/reference";

const VERDICTS: Verdict[] = ["A", "B", "tie", "both_bad"];

/** One data set in both shapes: rows for the tally, objects for the reference. */
interface Case {
  items: TallyItem[];
  candidates: TallyCandidate[];
  annotators: TallyAnnotator[];
  judgments: TallyJudgment[];
  pairwise: PairwiseJudgment[];
  comparisons: ModelComparison[];
  breakdown: BreakdownComparison[];
}

class Builder {
  readonly c: Case = { items: [], candidates: [], annotators: [], judgments: [], pairwise: [], comparisons: [], breakdown: [] };
  private readonly models = new Map<number, [string | null, string | null]>();
  private readonly golds = new Map<number, Verdict | null>();
  annotator(id: number, email: string): void {
    this.c.annotators.push({ id, email, name: email.split("@")[0], external: false });
  }
  item(id: number, modelA: string | null, modelB: string | null, gold: Verdict | null = null, wanted = 3): void {
    this.c.items.push({ id, judgments: 0, wanted, gold });
    this.c.candidates.push({ item: id, position: 0, model: modelA, metadata: { side: "first", latency_ms: id % 7 } });
    this.c.candidates.push({ item: id, position: 1, model: modelB, metadata: { side: "second", latency_ms: 100 + (id % 5) } });
    this.models.set(id, [modelA, modelB]);
    this.golds.set(id, gold);
  }
  /** A pairwise judgment; `swapped`: the item's second candidate was shown in slot A. Call in item order. */
  judge(item: number, annotator: number, verdict: Verdict, o: { swapped?: boolean; fromApp?: boolean; durationMs?: number | null; flags?: string[]; at?: number } = {}): void {
    const { swapped = false, fromApp = true, durationMs = null, flags, at = 0 } = o;
    const choice: Choice = verdict === "tie" || verdict === "both_bad" ? verdict : (verdict === "A") !== swapped ? "A" : "B";
    this.c.items.find((i) => i.id === item)!.judgments++;
    this.c.judgments.push({ item, annotator, type: "pairwise", choice, verdict, durationMs, fromApp, createdAt: at, flags: flags ?? null, ratings: null, ranking: null });
    const email = this.c.annotators.find((a) => a.id === annotator)!.email;
    const gold = this.golds.get(item) ?? undefined;
    this.c.pairwise.push({
      item: String(item),
      annotator: email,
      verdict,
      durationMs: durationMs ?? undefined,
      displayFirst: fromApp ? (swapped ? "B" : "A") : undefined,
      gold,
      flags,
    });
    const [modelA, modelB] = this.models.get(item)!;
    if (modelA !== null && modelB !== null) this.c.comparisons.push({ modelA, modelB, verdict });
    const [metadataA, metadataB] = this.c.candidates.filter((c) => c.item === item).map((c) => c.metadata!);
    this.c.breakdown.push({ verdict, metadataA, metadataB });
  }
}

/** Every figure the tally computes, against the reference implementations on the same data. */
function expectSameAsReference(c: Case, options: { rounds: number; seed: number }) {
  const figures = projectFigures(
    { items: c.items, candidates: c.candidates, annotators: c.annotators, judgments: c.judgments },
    { by: "side", now: Date.UTC(2026, 0, 10), ...options },
  );
  const a = figures.agreement;
  const close = (interval: { low: number | null; high: number | null; rounds: number }, point: number | null, want: ReturnType<typeof percentAgreementCI>) => {
    if (want.estimate === null) expect(point).toBeNull();
    else expect(point).toBeCloseTo(want.estimate, 10);
    expect(interval.rounds).toBe(options.rounds > 0 ? want.rounds : 0);
    if (options.rounds > 0 && want.ci_low !== null) {
      expect(interval.low).toBeCloseTo(want.ci_low, 10);
      expect(interval.high).toBeCloseTo(want.ci_high!, 10);
    }
  };
  close(a.percent_ci, a.percent, percentAgreementCI(c.pairwise, options));
  close(a.percent_no_ties_ci, a.percent_no_ties, percentAgreementCI(c.pairwise, { ...options, noTies: true }));
  close(a.fleiss_kappa_ci, a.fleiss_kappa, fleissKappaCI(c.pairwise, options));
  close(a.krippendorff_alpha_nominal_ci, a.krippendorff_alpha_nominal, pairwiseAlphaCI(c.pairwise, "nominal", options));
  close(a.krippendorff_alpha_ordinal_ci, a.krippendorff_alpha_ordinal, pairwiseAlphaCI(c.pairwise, "ordinal", options));
  const kappas = cohenKappaPairs(c.pairwise);
  expect(a.cohen_kappa.map(({ a, b, n }) => [a, b, n])).toEqual(kappas.map(({ a, b, n }) => [a, b, n]));
  a.cohen_kappa.forEach((k, i) => (kappas[i].kappa === null ? expect(k.kappa).toBeNull() : expect(k.kappa).toBeCloseTo(kappas[i].kappa!, 12)));
  expect(a.majority).toEqual(majorityByHand(c.pairwise));
  // The majority counts cover the same items as every other agreement figure.
  expect(a.majority.A + a.majority.tie + a.majority.B + a.majority.none).toBe(a.n_items);

  expect(figures.annotators.map(({ user_id: _u, email: _e, name: _n, external: _x, ...q }) => q)).toEqual(annotatorQuality(c.pairwise));
  const board = bradleyTerry(c.comparisons, options);
  expect(figures.leaderboard).toEqual(board.rows);
  expect(figures.win_rates).toEqual(board.win_rates);
  expect(figures.leaderboard_info).toEqual({ n_comparisons: board.n_comparisons, n_self_ignored: board.n_self_ignored, prior_used: board.prior_used, rounds: board.rounds });
  expect(figures.breakdown).toEqual({ key: "side", rows: breakdownBy(c.breakdown, "side") });
  expect([figures.items, figures.judgments]).toEqual([c.items.length, c.judgments.length]);
  return figures;
}

/** Items with two or more pairwise judgments by the strict majority of their verdicts (both_bad counts as tie), by hand. */
function majorityByHand(judgments: readonly PairwiseJudgment[]): ProjectFigures["agreement"]["majority"] {
  const byItem = new Map<string, Verdict[]>();
  for (const j of judgments) byItem.set(j.item, [...(byItem.get(j.item) ?? []), j.verdict === "both_bad" ? "tie" : j.verdict]);
  const result = { A: 0, tie: 0, B: 0, none: 0 };
  for (const verdicts of byItem.values()) {
    if (verdicts.length < 2) continue;
    const winner = (["A", "tie", "B"] as const).find((v) => verdicts.filter((x) => x === v).length * 2 > verdicts.length);
    result[winner ?? "none"]++;
  }
  return result;
}

/** A random project: `n` items, up to `overlap` judgments each from `annotators` people, with the given shares. */
function randomCase(seed: number, shape: { items: number; annotators: number; overlap: number; tie: number; bothBad: number; gold: number; noDuration: number; noModel: number; imported: number }): Case {
  const rng = mulberry32(seed);
  const b = new Builder();
  for (let a = 0; a < shape.annotators; a++) b.annotator(100 + a, `ann${String(a).padStart(2, "0")}@test.local`);
  // One fast annotator and one who goes against everyone, so that both outlier rules have work.
  b.annotator(900, "speedy@test.local");
  b.annotator(901, "contrary@test.local");
  const models = ["m-a", "m-b", "m-c", "m-d"];
  for (let i = 1; i <= shape.items; i++) {
    const modelA = rng() < shape.noModel ? null : models[Math.floor(rng() * models.length)];
    // Now and then the same model on both sides: a self-comparison the leaderboard leaves out.
    const modelB = rng() < shape.noModel ? null : models[Math.floor(rng() * models.length)];
    const gold = rng() < shape.gold ? VERDICTS[Math.floor(rng() * 4)] : null;
    b.item(10 * i, modelA, modelB, gold);
  }
  for (const item of b.c.items.slice()) {
    const truth: Verdict = rng() < 0.5 ? "A" : "B";
    const m = Math.floor(rng() * (shape.overlap + 1)); // 0 … overlap judgments: some items have none
    const start = Math.floor(rng() * shape.annotators);
    const people = Array.from({ length: m }, (_, k) => 100 + ((start + k) % shape.annotators));
    if (rng() < 0.8) people.push(900);
    if (rng() < 0.8) people.push(901);
    for (const person of people) {
      const u = rng();
      let verdict: Verdict = u < shape.tie ? "tie" : u < shape.tie + shape.bothBad ? "both_bad" : rng() < 0.85 ? truth : truth === "A" ? "B" : "A";
      if (person === 901) verdict = truth === "A" ? "B" : "A";
      const durationMs = rng() < shape.noDuration ? null : person === 900 ? 500 + Math.floor(300 * rng()) : 5000 + Math.floor(20000 * rng());
      b.judge(item.id, person, verdict, {
        swapped: rng() < 0.5,
        fromApp: rng() >= shape.imported,
        durationMs,
        flags: rng() < 0.1 ? ["unsafe"] : undefined,
        at: Date.UTC(2026, 0, 1) + Math.floor(rng() * 8) * 86_400_000,
      });
    }
  }
  return b.c;
}

describe("projectFigures equals the reference implementations", () => {
  it("on a hand-sized project with ties, both_bad, gold and a single-judgment item", () => {
    const b = new Builder();
    b.annotator(1, "x@test.local");
    b.annotator(2, "y@test.local");
    b.annotator(3, "z@test.local");
    b.item(1, "m1", "m2");
    b.item(2, "m1", "m2", "tie");
    b.item(3, "m2", "m1", "A");
    b.item(4, "m1", "m1"); // a self-comparison
    b.item(5, null, "m2"); // a missing model: no comparison
    b.judge(1, 1, "A", { durationMs: 10_000 });
    b.judge(1, 2, "A", { swapped: true, durationMs: 20_000 });
    b.judge(1, 3, "B", { durationMs: 4_000, flags: ["unsafe"] });
    b.judge(2, 1, "tie", { durationMs: 30_000 });
    b.judge(2, 2, "both_bad");
    b.judge(2, 3, "tie", { durationMs: 6_000, flags: ["unsafe", "unclear"] });
    b.judge(3, 1, "B", { swapped: true, durationMs: 20_000 });
    b.judge(3, 2, "A", { fromApp: false });
    b.judge(4, 1, "A");
    b.judge(5, 2, "B", { swapped: true });
    const figures = expectSameAsReference(b.c, { rounds: 30, seed: 4 });
    // Gold accuracy is an exact verdict match: y's both_bad on the gold tie is wrong.
    expect(figures.annotators.map((q) => [q.email, q.gold_n, q.gold_accuracy])).toEqual([
      ["x@test.local", 2, 0.5],
      ["y@test.local", 2, 0.5],
      ["z@test.local", 1, 1],
    ]);
  });

  it.each([
    ["ties and both_bad", 1, false, { items: 150, annotators: 6, overlap: 4, tie: 0.25, bothBad: 0.15, gold: 0, noDuration: 0, noModel: 0, imported: 0 }],
    ["gold items", 2, true, { items: 150, annotators: 5, overlap: 3, tie: 0.1, bothBad: 0.1, gold: 0.4, noDuration: 0, noModel: 0, imported: 0 }],
    ["many annotators, missing durations, models and judgments, imports", 3, true, { items: 300, annotators: 14, overlap: 5, tie: 0.1, bothBad: 0.05, gold: 0.1, noDuration: 0.3, noModel: 0.15, imported: 0.3 }],
    ["no ties at all", 4, true, { items: 80, annotators: 4, overlap: 3, tie: 0, bothBad: 0, gold: 0.2, noDuration: 0.1, noModel: 0, imported: 0 }],
  ] as const)("on a random project with %s", (_name, seed, clearOutliers, shape) => {
    const c = randomCase(seed, shape);
    const figures = expectSameAsReference(c, { rounds: 25, seed: 10 + seed });
    // Where the others mostly agree, both outlier rules fire (with many ties the contrary one hides in the noise).
    expect(figures.annotators.find((q) => q.email === "speedy@test.local")!.outliers).toContain("fast");
    if (clearOutliers) expect(figures.annotators.find((q) => q.email === "contrary@test.local")!.outliers).toContain("low_agreement");
  });

  it("without bootstrap rounds, and on no data at all", () => {
    expectSameAsReference(randomCase(5, { items: 40, annotators: 3, overlap: 3, tie: 0.2, bothBad: 0.1, gold: 0.2, noDuration: 0, noModel: 0, imported: 0 }), { rounds: 0, seed: 1 });
    const empty = projectFigures({ items: [], candidates: [], annotators: [], judgments: [] }, { by: null, rounds: 10, seed: 1, now: 0 });
    expect([empty.agreement.percent, empty.annotators, empty.leaderboard, empty.breakdown, empty.progress.projection.date]).toEqual([null, [], [], null, null]);
  });
});

const shared = needsSharedData(PANDALM_TEST);
const [PANDALM] = shared.files;

shared.describe("projectFigures on the PandaLM test set", () => {
  it("equals the reference and reproduces the published kappas 0.85 / 0.88 / 0.86", () => {
    const data = JSON.parse(fs.readFileSync(PANDALM, "utf8")) as { idx: number; cmp_key: string; annotator1: number; annotator2: number; annotator3: number }[];
    const LABELS: Record<number, Verdict> = { 0: "tie", 1: "A", 2: "B" };
    const b = new Builder();
    ["annotator1", "annotator2", "annotator3"].forEach((name, k) => b.annotator(k + 1, `${name}@external.invalid`));
    for (const item of data) {
      const [modelA, modelB] = item.cmp_key.split("_");
      b.item(item.idx + 1, modelA, modelB);
      ([item.annotator1, item.annotator2, item.annotator3] as const).forEach((label, k) => b.judge(item.idx + 1, k + 1, LABELS[label], { fromApp: false }));
    }
    const figures = expectSameAsReference(b.c, { rounds: 20, seed: 1 });
    expect(figures.agreement.cohen_kappa.map((k) => k.kappa!.toFixed(2))).toEqual(["0.85", "0.88", "0.86"]);
    expect(figures.agreement.majority).toEqual({ A: 422, tie: 105, B: 472, none: 0 });
  });
});
