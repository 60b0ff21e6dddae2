import { describe, expect, it } from "vitest";
import {
  bootstrapItems,
  fleissKappa,
  median,
  mulberry32,
  percentAgreement,
  percentileInterval,
  quantile,
  ratingAlpha,
  ratingAlphaCI,
  type PairwiseJudgment,
  type Verdict,
} from "@/lib/stats";
import {
  fleissKappaCI,
  pairwiseAlpha,
  pairwiseAlphaCI,
  pairwiseFleissKappa,
  percentAgreementCI,
} from "@/lib/stats/reference";

describe("quantile", () => {
  it("interpolates linearly like numpy's default", () => {
    const values = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
    expect(quantile(values, 0.95)).toBeCloseTo(9.55, 12);
    expect(quantile(values, 0.025)).toBeCloseTo(1.225, 12);
    expect(quantile([1, 2, 3, 4], 0.5)).toBe(2.5);
    expect(quantile([7], 0.3)).toBe(7);
    expect(quantile([], 0.5)).toBeNull();
    expect(median([3, 1, 2])).toBe(2);
    expect(percentileInterval([5, 1, 4, 2, 3], 0.5)).toEqual({ low: 2, high: 4 });
  });
});

/** Three annotators on n items who agree with probability about p. */
function simulated(nItems: number, p: number, seed = 9): PairwiseJudgment[] {
  const rng = mulberry32(seed);
  const outcomes: Verdict[] = ["A", "B", "tie"];
  const result: PairwiseJudgment[] = [];
  for (let i = 0; i < nItems; i++) {
    const truth = outcomes[Math.floor(rng() * 3)];
    for (const annotator of ["x", "y", "z"]) {
      const outcome = rng() < p ? truth : outcomes[Math.floor(rng() * 3)];
      result.push({ item: `i${i}`, annotator, verdict: outcome });
    }
  }
  return result;
}

describe("bootstrapItems", () => {
  it("resamples whole items, keeping drawn copies of one item apart", () => {
    const records = [
      { item: "big", annotator: "x" },
      { item: "big", annotator: "y" },
      { item: "big", annotator: "z" },
      { item: "small", annotator: "x" },
    ];
    const seen: { item: string; annotator: string }[][] = [];
    bootstrapItems(
      records,
      (sample) => {
        seen.push(sample);
        return sample.length;
      },
      { rounds: 30 },
    );
    expect(seen).toHaveLength(31); // the full data, then 30 rounds
    for (const sample of seen.slice(1)) {
      const groups = new Map<string, string[]>();
      for (const r of sample) groups.set(r.item, [...(groups.get(r.item) ?? []), r.annotator]);
      expect(groups.size).toBe(2);
      for (const annotators of groups.values()) {
        expect([["x", "y", "z"], ["x"]]).toContainEqual(annotators);
      }
    }
    // With 30 rounds, both "two big" and "two small" draws occur.
    const sizes = new Set(seen.slice(1).map((s) => s.length));
    expect(sizes).toEqual(new Set([2, 4, 6]));
  });

  it("is reproducible for a seed and changes with it", () => {
    const data = simulated(200, 0.7);
    const first = percentAgreementCI(data, { seed: 3 });
    expect(percentAgreementCI(data, { seed: 3 })).toEqual(first);
    expect(percentAgreementCI(data, { seed: 4 })).not.toEqual(first);
  });

  it("skips rounds where the statistic is undefined", () => {
    const undefinedOnData = (sample: unknown[]) => (sample.length > 0 ? null : 1);
    const result = bootstrapItems([{ item: "a" }, { item: "b" }], undefinedOnData, { rounds: 10 });
    expect(result).toEqual({ estimate: null, ci_low: null, ci_high: null, rounds: 0 });
  });
});

describe("agreement intervals", () => {
  const data = simulated(300, 0.7);

  it("bracket the estimate with a sensible width for percent agreement", () => {
    const result = percentAgreementCI(data);
    expect(result.estimate).toBe(percentAgreement(data).percent);
    expect(result.rounds).toBe(100);
    expect(result.ci_low!).toBeLessThan(result.estimate!);
    expect(result.ci_high!).toBeGreaterThan(result.estimate!);
    // 300 items: the standard error of a proportion near 0.6 is a few points.
    expect(result.ci_high! - result.ci_low!).toBeGreaterThan(0.03);
    expect(result.ci_high! - result.ci_low!).toBeLessThan(0.15);
    const noTies = percentAgreementCI(data, { noTies: true, rounds: 50 });
    expect(noTies.estimate).toBe(percentAgreement(data).percent_no_ties);
    expect(noTies.rounds).toBe(50);
  });

  it("are narrower with more items", () => {
    const small = percentAgreementCI(simulated(100, 0.7));
    const large = percentAgreementCI(simulated(2000, 0.7));
    expect(large.ci_high! - large.ci_low!).toBeLessThan(small.ci_high! - small.ci_low!);
  });

  it("cover Fleiss' kappa and alpha", () => {
    const fleiss = fleissKappaCI(data);
    expect(fleiss.estimate).toBe(pairwiseFleissKappa(data).kappa);
    expect(fleiss.ci_low!).toBeLessThan(fleiss.estimate!);
    expect(fleiss.ci_high!).toBeGreaterThan(fleiss.estimate!);
    const alpha = pairwiseAlphaCI(data, "ordinal");
    expect(alpha.estimate).toBe(pairwiseAlpha(data, "ordinal").alpha);
    expect(alpha.ci_low!).toBeLessThan(alpha.ci_high!);
    const ratings = data.map((j) => ({ ...j, value: j.verdict === "A" ? 1 : j.verdict === "B" ? 3 : 2 }));
    const rating = ratingAlphaCI(ratings);
    expect(rating.estimate).toBe(ratingAlpha(ratings).alpha);
    expect(rating.ci_low!).toBeLessThan(rating.ci_high!);
  });

  it("collapse to a point under perfect agreement and are empty without data", () => {
    const perfect = simulated(50, 1);
    expect(percentAgreementCI(perfect)).toEqual({ estimate: 1, ci_low: 1, ci_high: 1, rounds: 100 });
    expect(percentAgreementCI([])).toEqual({ estimate: null, ci_low: null, ci_high: null, rounds: 0 });
  });
});
