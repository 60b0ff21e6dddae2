// Agreement from per-item counts must equal the object-based functions, intervals included, on
// items with any number of judgments (1 to 6) and all four outcomes.
import { describe, expect, it } from "vitest";
import {
  fleissKappa,
  mulberry32,
  pairwiseAgreementFromCounts,
  pairwiseAgreementIntervals,
  percentAgreement,
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

const OUTCOMES: Verdict[] = ["A", "B", "tie", "both_bad"];
const CATEGORY: Record<Verdict, number> = { A: 0, tie: 1, both_bad: 1, B: 2 };

function randomProject(seed: number, nItems: number) {
  const rng = mulberry32(seed);
  const judgments: PairwiseJudgment[] = [];
  const counts = new Uint16Array(3 * nItems);
  const bothBad = new Uint16Array(nItems);
  for (let i = 0; i < nItems; i++) {
    const m = 1 + Math.floor(rng() * 6);
    // Skewed towards A so that agreement is above chance.
    for (let k = 0; k < m; k++) {
      const outcome = rng() < 0.5 ? "A" : OUTCOMES[Math.floor(rng() * 4)];
      judgments.push({ item: `item-${i}`, annotator: `ann-${k}`, verdict: outcome });
      counts[3 * i + CATEGORY[outcome]]++;
      if (outcome === "both_bad") bothBad[i]++;
    }
  }
  return { judgments, counts, bothBad };
}

describe("pairwise agreement from counts", () => {
  it.each([1, 2, 3])("equals the object-based figures and intervals (seed %i)", (seed) => {
    const { judgments, counts, bothBad } = randomProject(seed, 300);
    const summary = pairwiseAgreementFromCounts({ counts, bothBad });
    const percent = percentAgreement(judgments);
    expect(summary.percent.n_pairs).toBe(percent.n_pairs);
    expect(summary.percent.both_bad).toBe(percent.both_bad);
    expect(summary.percent.percent).toBeCloseTo(percent.percent!, 12);
    expect(summary.percent.percent_no_ties).toBeCloseTo(percent.percent_no_ties!, 12);
    const fleiss = pairwiseFleissKappa(judgments);
    expect(summary.fleiss.n_items).toBe(fleiss.n_items);
    expect(summary.fleiss.kappa).toBeCloseTo(fleiss.kappa!, 12);
    expect(summary.alpha_nominal.alpha).toBeCloseTo(pairwiseAlpha(judgments, "nominal").alpha!, 12);
    expect(summary.alpha_ordinal.alpha).toBeCloseTo(pairwiseAlpha(judgments, "ordinal").alpha!, 12);

    const options = { rounds: 40, seed: 7 + seed };
    const intervals = pairwiseAgreementIntervals({ counts }, options);
    const expected = {
      percent: percentAgreementCI(judgments, options),
      percent_no_ties: percentAgreementCI(judgments, { ...options, noTies: true }),
      fleiss_kappa: fleissKappaCI(judgments, options),
      alpha_nominal: pairwiseAlphaCI(judgments, "nominal", options),
      alpha_ordinal: pairwiseAlphaCI(judgments, "ordinal", options),
    };
    for (const [key, want] of Object.entries(expected)) {
      const got = intervals[key as keyof typeof intervals];
      expect(got.rounds, key).toBe(want.rounds);
      expect(got.ci_low!, key).toBeCloseTo(want.ci_low!, 10);
      expect(got.ci_high!, key).toBeCloseTo(want.ci_high!, 10);
      expect(got.ci_low!, key).toBeLessThan(got.ci_high!);
    }
  });

  it("is null where the statistic is undefined", () => {
    const summary = pairwiseAgreementFromCounts({ counts: [1, 0, 0, 2, 0, 0] });
    expect(summary.percent.percent).toBe(1);
    expect(summary.fleiss.kappa).toBeNull();
    expect(summary.alpha_nominal.alpha).toBeNull();
    expect(pairwiseAgreementFromCounts({ counts: [] }).percent.percent).toBeNull();
  });
});
