// Real data: the PandaLM human test set (999 items, three annotators each). Its README publishes
// Cohen's kappa between the annotator pairs (0.85, 0.88, 0.86) and the majority label
// distribution (105 ties / 422 response1 / 472 response2).
import fs from "node:fs";
import { expect, it } from "vitest";
import { fleissKappa, percentAgreement, type PairwiseJudgment, type Verdict } from "@/lib/stats";
import { cohenKappaPairs, pairwiseAlpha, pairwiseFleissKappa } from "@/lib/stats/reference";
import { needsSharedData, PANDALM_TEST } from "../../helpers/shared-data";

const shared = needsSharedData(PANDALM_TEST);
const [FILE] = shared.files;

interface PandaItem {
  idx: number;
  annotator1: number;
  annotator2: number;
  annotator3: number;
}

const LABELS: Record<number, Verdict> = { 0: "tie", 1: "A", 2: "B" };

shared.describe("PandaLM test set (../shared/data/pandalm-testset-v1.json)", () => {
  const items = shared.missing ? [] : (JSON.parse(fs.readFileSync(FILE, "utf8")) as PandaItem[]);
  const judgments: PairwiseJudgment[] = items.flatMap((item) =>
    (["annotator1", "annotator2", "annotator3"] as const).map((annotator) => ({
      item: String(item.idx),
      annotator,
      verdict: LABELS[item[annotator]],
    })),
  );

  it("has 999 items with three labels each", () => {
    expect(items).toHaveLength(999);
    expect(judgments.every((j) => j.verdict !== undefined)).toBe(true);
  });

  it("reproduces the published pairwise Cohen's kappas 0.85 / 0.88 / 0.86", () => {
    const pairs = cohenKappaPairs(judgments);
    expect(pairs.map(({ a, b, n }) => [a, b, n])).toEqual([
      ["annotator1", "annotator2", 999],
      ["annotator1", "annotator3", 999],
      ["annotator2", "annotator3", 999],
    ]);
    const [k12, k13, k23] = pairs.map((p) => p.kappa!);
    expect(k12).toBeCloseTo(0.85, 2);
    expect(k13).toBeCloseTo(0.88, 2);
    expect(k23).toBeCloseTo(0.86, 2);
    // Standard three-category kappa, exact values for the record.
    expect(k12).toBeCloseTo(0.85202, 5);
    expect(k13).toBeCloseTo(0.87894, 5);
    expect(k23).toBeCloseTo(0.86166, 5);
  });

  it("reproduces the majority label distribution 105 / 422 / 472", () => {
    const distribution = { tie: 0, A: 0, B: 0, none: 0 };
    for (const item of items) {
      const votes = [item.annotator1, item.annotator2, item.annotator3].map((label) => LABELS[label]);
      const majority = (["tie", "A", "B"] as const).find((l) => votes.filter((v) => v === l).length >= 2);
      distribution[majority ?? "none"]++;
    }
    expect(distribution).toEqual({ tie: 105, A: 422, B: 472, none: 0 });
  });

  it("gives consistent overall agreement figures", () => {
    const agreement = percentAgreement(judgments);
    expect(agreement.n_pairs).toBe(999 * 3);
    // Mean of the three pairwise observed agreements (912, 928 and 917 of 999).
    expect(agreement.percent).toBeCloseTo((912 + 928 + 917) / (3 * 999), 12);
    const fleiss = pairwiseFleissKappa(judgments).kappa!;
    const alpha = pairwiseAlpha(judgments, "nominal").alpha!;
    expect(fleiss).toBeGreaterThan(0.85);
    expect(fleiss).toBeLessThan(0.88);
    // Nominal alpha differs from Fleiss' kappa only by the small-sample correction.
    expect(alpha).toBeCloseTo(fleiss, 3);
  });
});
