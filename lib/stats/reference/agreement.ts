// Reference implementations of pairwise agreement over one object per judgment: the readable
// definitions that the fast tally (lib/stats/counts.ts and tally.ts, fed by per-item counts) is
// tested against. Production code does not call them. (percentAgreement, their sibling, stays in
// ../agreement.ts: the export computes each item's agreement with it.)
import {
  cohenKappa,
  compareStrings,
  fleissKappa,
  krippendorffAlpha,
  latestByItem,
  verdictCategoryIndex,
} from "../agreement";
import type {
  AlphaMetric,
  AnnotatorPairKappa,
  PairwiseAlpha,
  PairwiseFleissKappa,
  PairwiseJudgment,
} from "../types";

/**
 * Cohen's kappa (categories A / tie / B) for every pair of annotators that judged at least one
 * item in common, over the items they share. Pairs with nothing in common are left out, since a
 * project with many annotators would otherwise list mostly empty pairs. Sorted by a, then b,
 * with a < b.
 */
export function cohenKappaPairs(judgments: readonly PairwiseJudgment[]): AnnotatorPairKappa[] {
  const tables = new Map<string, { a: string; b: string; matrix: number[][]; n: number }>();
  for (const byAnnotator of latestByItem(judgments).values()) {
    const labelled = [...byAnnotator.values()]
      .map((j) => ({ annotator: j.annotator, category: verdictCategoryIndex(j.verdict) }))
      .sort((x, y) => compareStrings(x.annotator, y.annotator));
    for (let i = 0; i < labelled.length; i++) {
      for (let j = i + 1; j < labelled.length; j++) {
        const key = `${labelled[i].annotator}\u0000${labelled[j].annotator}`;
        let table = tables.get(key);
        if (!table) {
          table = {
            a: labelled[i].annotator,
            b: labelled[j].annotator,
            matrix: [
              [0, 0, 0],
              [0, 0, 0],
              [0, 0, 0],
            ],
            n: 0,
          };
          tables.set(key, table);
        }
        table.matrix[labelled[i].category][labelled[j].category]++;
        table.n++;
      }
    }
  }
  return [...tables.values()]
    .sort((x, y) => compareStrings(x.a, y.a) || compareStrings(x.b, y.b))
    .map(({ a, b, matrix, n }) => ({ a, b, kappa: cohenKappa(matrix), n }));
}

/**
 * Fleiss' kappa on pairwise judgments (categories A / tie / B), through fleissKappa on the items
 * with at least two judgments.
 */
export function pairwiseFleissKappa(judgments: readonly PairwiseJudgment[]): PairwiseFleissKappa {
  const counts: number[][] = [];
  let bothBad = 0;
  for (const byAnnotator of latestByItem(judgments).values()) {
    if (byAnnotator.size < 2) continue;
    const row = [0, 0, 0];
    for (const judgment of byAnnotator.values()) {
      row[verdictCategoryIndex(judgment.verdict)]++;
      if (judgment.verdict === "both_bad") bothBad++;
    }
    counts.push(row);
  }
  return { ...fleissKappa(counts), both_bad: bothBad };
}

/**
 * Alpha on pairwise judgments, one unit per item, values A = 0, tie = 1, B = 2 (both_bad is a
 * tie), so "ordinal" and "interval" treat A-better < tie < B-better.
 */
export function pairwiseAlpha(
  judgments: readonly PairwiseJudgment[],
  metric: AlphaMetric = "nominal",
): PairwiseAlpha {
  const units: number[][] = [];
  let nJudgments = 0;
  let bothBad = 0;
  for (const byAnnotator of latestByItem(judgments).values()) {
    if (byAnnotator.size < 2) continue;
    const unit: number[] = [];
    for (const judgment of byAnnotator.values()) {
      unit.push(verdictCategoryIndex(judgment.verdict));
      if (judgment.verdict === "both_bad") bothBad++;
    }
    units.push(unit);
    nJudgments += unit.length;
  }
  return {
    alpha: krippendorffAlpha(units, { metric }),
    n_items: units.length,
    n_judgments: nJudgments,
    both_bad: bothBad,
  };
}
