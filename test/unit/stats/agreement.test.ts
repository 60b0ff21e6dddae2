import { describe, expect, it } from "vitest";
import {
  cohenKappa,
  fleissKappa,
  kendallTau,
  krippendorffAlpha,
  meanPairwiseTau,
  percentAgreement,
  rankingAlpha,
  rankingTau,
  rankPositions,
  ratingAlpha,
  ratingAlphaByCriterion,
  type PairwiseJudgment,
  type RankingJudgment,
  type RatingJudgment,
  type Verdict,
} from "@/lib/stats";
import { cohenKappaPairs, pairwiseAlpha, pairwiseFleissKappa } from "@/lib/stats/reference";

function judgments(rows: [item: string, annotator: string, verdict: Verdict][]): PairwiseJudgment[] {
  return rows.map(([item, annotator, verdict]) => ({ item, annotator, verdict }));
}

// Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", section C: 4 observers,
// 12 units, missing values. Published: nominal 0.743, interval 0.849; ordinal 0.815.
const _ = null;
const KRIPPENDORFF_2011 = [
  [1, 2, 3, 3, 2, 1, 4, 1, 2, _, _, _],
  [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, _, 3],
  [_, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, _],
  [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, _],
];

// Wikipedia, "Fleiss' kappa", worked example: 10 subjects, 14 raters, 5 categories.
const FLEISS_WIKIPEDIA = [
  [0, 0, 0, 0, 14],
  [0, 2, 6, 4, 2],
  [0, 0, 3, 5, 6],
  [0, 3, 9, 2, 0],
  [2, 2, 8, 1, 1],
  [7, 7, 0, 0, 0],
  [3, 2, 6, 3, 0],
  [2, 5, 3, 2, 2],
  [6, 5, 2, 1, 0],
  [0, 2, 2, 3, 7],
];

describe("percentAgreement", () => {
  it("pools agreeing pairs over all pairs of judgments on the same item", () => {
    const result = percentAgreement(
      judgments([
        ["i1", "x", "A"],
        ["i1", "y", "A"],
        ["i1", "z", "B"], // 3 pairs, 1 agrees; no ties
        ["i2", "x", "A"],
        ["i2", "y", "tie"], // 1 pair, disagrees; has a tie
        ["i3", "x", "both_bad"],
        ["i3", "y", "tie"], // both_bad counts as a tie: agrees
        ["i4", "x", "B"], // single judgment: ignored
        ["i5", "x", "B"],
        ["i5", "y", "B"], // agrees; no ties
        ["i6", "y", "tie"],
        ["i6", "z", "tie"], // agrees; ties
      ]),
    );
    expect(result.n_pairs).toBe(7);
    expect(result.percent).toBeCloseTo(4 / 7, 12);
    expect(result.n_pairs_no_ties).toBe(4);
    expect(result.percent_no_ties).toBeCloseTo(2 / 4, 12);
    expect(result.n_items).toBe(5);
    expect(result.both_bad).toBe(1);
  });

  it("uses an annotator's last judgment when they judged an item twice", () => {
    const result = percentAgreement(
      judgments([
        ["i1", "x", "B"],
        ["i1", "y", "A"],
        ["i1", "x", "A"],
      ]),
    );
    expect(result).toMatchObject({ percent: 1, n_pairs: 1 });
  });

  it("is null, not NaN, without pairs: empty input or a single annotator", () => {
    for (const input of [
      [],
      judgments([
        ["i1", "x", "A"],
        ["i2", "x", "B"],
      ]),
    ]) {
      expect(percentAgreement(input)).toEqual({
        percent: null,
        n_pairs: 0,
        percent_no_ties: null,
        n_pairs_no_ties: 0,
        n_items: 0,
        both_bad: 0,
      });
    }
  });

  it("gives no tie-free pairs when everyone says tie", () => {
    const result = percentAgreement(
      judgments([
        ["i1", "x", "tie"],
        ["i1", "y", "both_bad"],
      ]),
    );
    expect(result).toMatchObject({ percent: 1, n_pairs: 1, percent_no_ties: null, n_pairs_no_ties: 0 });
  });
});

describe("cohenKappa", () => {
  it("reproduces the Wikipedia examples from a confusion matrix", () => {
    // po = 0.7, pe = 0.5 → 0.4
    expect(cohenKappa([[20, 5], [10, 15]])).toBeCloseTo(0.4, 12);
    // Same agreement (60%), different marginals: 0.1304 and 0.2593.
    expect(cohenKappa([[45, 15], [25, 15]])).toBeCloseTo(0.1304, 4);
    expect(cohenKappa([[25, 35], [5, 35]])).toBeCloseTo(0.2593, 4);
  });

  it("gives the same value from two label arrays, skipping missing labels", () => {
    const a: (string | null)[] = [];
    const b: (string | null)[] = [];
    const cells: [string, string, number][] = [
      ["yes", "yes", 20],
      ["yes", "no", 5],
      ["no", "yes", 10],
      ["no", "no", 15],
    ];
    for (const [x, y, n] of cells) for (let i = 0; i < n; i++) a.push(x), b.push(y);
    a.push(null);
    b.push("yes");
    expect(cohenKappa(a, b)).toBeCloseTo(0.4, 12);
  });

  it("is null when chance agreement is 1 (both raters always use the same single label)", () => {
    expect(cohenKappa(["tie", "tie", "tie"], ["tie", "tie", "tie"])).toBeNull();
    expect(cohenKappa([[5, 0], [0, 0]])).toBeNull();
  });

  it("is null for no data and rejects malformed input", () => {
    expect(cohenKappa([], [])).toBeNull();
    expect(cohenKappa([[0, 0], [0, 0]])).toBeNull();
    expect(() => cohenKappa(["a"], ["a", "b"])).toThrow(RangeError);
    expect(() => cohenKappa([[1, 2], [3]])).toThrow(RangeError);
  });

  it("is 0 when one rater is constant but the other is not", () => {
    expect(cohenKappa(["A", "A", "A", "A"], ["A", "B", "A", "B"])).toBe(0);
  });
});

describe("cohenKappaPairs", () => {
  const data = judgments([
    ["i1", "x", "A"],
    ["i1", "y", "A"],
    ["i1", "z", "B"],
    ["i2", "x", "B"],
    ["i2", "y", "tie"],
    ["i2", "z", "B"],
    ["i3", "x", "both_bad"],
    ["i3", "y", "tie"],
    ["i4", "x", "A"],
    ["i4", "y", "B"],
    ["i5", "w", "A"], // w shares no item with anyone
  ]);

  it("computes kappa (A / tie / B, both_bad as tie) for every pair over shared items", () => {
    const pairs = cohenKappaPairs(data);
    expect(pairs.map((p) => [p.a, p.b, p.n])).toEqual([
      ["x", "y", 4],
      ["x", "z", 2],
      ["y", "z", 2],
    ]);
    expect(pairs[0].kappa).toBeCloseTo(cohenKappa(["A", "B", "tie", "A"], ["A", "tie", "tie", "B"])!, 12);
    expect(pairs[1].kappa).toBeCloseTo(cohenKappa(["A", "B"], ["B", "B"])!, 12);
    expect(pairs[2].kappa).toBeCloseTo(cohenKappa(["A", "tie"], ["B", "B"])!, 12);
  });

  it("is empty for empty input or a single annotator, and null for identical constant labels", () => {
    expect(cohenKappaPairs([])).toEqual([]);
    expect(cohenKappaPairs(judgments([["i1", "x", "A"]]))).toEqual([]);
    expect(
      cohenKappaPairs(
        judgments([
          ["i1", "x", "A"],
          ["i1", "y", "A"],
          ["i2", "x", "A"],
          ["i2", "y", "A"],
        ]),
      ),
    ).toEqual([{ a: "x", b: "y", kappa: null, n: 2 }]);
  });
});

describe("fleissKappa", () => {
  it("reproduces the Wikipedia example (10 subjects × 14 raters × 5 categories)", () => {
    const result = fleissKappa(FLEISS_WIKIPEDIA);
    expect(result.kappa).toBeCloseTo(0.20993, 5);
    expect(result.kappa!.toFixed(3)).toBe("0.210");
    expect(result.observed).toBeCloseTo(0.378, 3);
    expect(result.expected).toBeCloseTo(0.213, 3);
    expect(result).toMatchObject({ n_items: 10, n_ratings: 140 });
  });

  it("handles unequal numbers of ratings and drops items with fewer than two", () => {
    // P_i = 1, 0, 1/3 → P̄ = 4/9; p = (3, 2, 2)/7 → Pe = 17/49; kappa = 43/288.
    const result = fleissKappa([
      [2, 0, 0],
      [1, 1, 0],
      [0, 1, 2],
      [0, 0, 1],
    ]);
    expect(result.kappa).toBeCloseTo(43 / 288, 12);
    expect(result).toMatchObject({ n_items: 3, n_ratings: 7 });
  });

  it("takes pairwise judgments with both_bad as a tie and counts both_bad", () => {
    const data = judgments([
      ["i1", "x", "A"],
      ["i1", "y", "A"],
      ["i2", "x", "A"],
      ["i2", "y", "both_bad"],
      ["i3", "x", "tie"],
      ["i3", "y", "tie"],
      ["i3", "z", "B"],
      ["i4", "x", "B"],
    ]);
    const result = pairwiseFleissKappa(data);
    const fromCounts = fleissKappa([
      [2, 0, 0],
      [1, 1, 0],
      [0, 2, 1],
    ]);
    expect(result.kappa).toBeCloseTo(fromCounts.kappa!, 12);
    expect(result.both_bad).toBe(1);
    expect(result.n_items).toBe(3);
  });

  it("is null for empty input, a single annotator, and all identical labels", () => {
    expect(pairwiseFleissKappa([] as PairwiseJudgment[]).kappa).toBeNull();
    expect(pairwiseFleissKappa(judgments([["i1", "x", "A"], ["i2", "x", "B"]])).kappa).toBeNull();
    const same = pairwiseFleissKappa(
      judgments([
        ["i1", "x", "B"],
        ["i1", "y", "B"],
        ["i2", "x", "B"],
        ["i2", "y", "B"],
      ]),
    );
    expect(same.kappa).toBeNull();
    expect(same.observed).toBe(1);
  });
});

describe("krippendorffAlpha", () => {
  it("reproduces Krippendorff (2011): nominal 0.743, ordinal 0.815, interval 0.849", () => {
    const options = { layout: "observers" } as const;
    expect(krippendorffAlpha(KRIPPENDORFF_2011, { ...options, metric: "nominal" })).toBeCloseTo(0.743, 3);
    expect(krippendorffAlpha(KRIPPENDORFF_2011, { ...options, metric: "ordinal" })).toBeCloseTo(0.815, 3);
    expect(krippendorffAlpha(KRIPPENDORFF_2011, { ...options, metric: "interval" })).toBeCloseTo(0.849, 3);
  });

  it("gives the same result from units, and from a custom squared-difference function", () => {
    const units = KRIPPENDORFF_2011[0].map((_, u) => KRIPPENDORFF_2011.map((row) => row[u]));
    expect(krippendorffAlpha(units)).toBeCloseTo(0.743, 3);
    const squared = (a: number | string, b: number | string) => ((a as number) - (b as number)) ** 2;
    expect(krippendorffAlpha(units, { metric: squared })).toBeCloseTo(0.849, 3);
  });

  it("orders string values for the ordinal metric by options.order", () => {
    const words = ["", "low", "mid", "high", "top", "max"];
    const asWords = KRIPPENDORFF_2011.map((row) => row.map((v) => (v === null ? null : words[v])));
    const alpha = krippendorffAlpha(asWords, {
      layout: "observers",
      metric: "ordinal",
      order: words.slice(1),
    });
    expect(alpha).toBeCloseTo(0.815, 3);
    expect(() => krippendorffAlpha(asWords, { layout: "observers", metric: "ordinal" })).toThrow(TypeError);
    expect(() => krippendorffAlpha(asWords, { layout: "observers", metric: "interval" })).toThrow(TypeError);
  });

  it("is 1 for perfect agreement with variation, null without data or variation", () => {
    expect(krippendorffAlpha([[1, 1], [2, 2, 2], [3, null, 3]])).toBe(1);
    expect(krippendorffAlpha([])).toBeNull();
    expect(krippendorffAlpha([[1], [2, null]])).toBeNull(); // no unit has two values
    expect(krippendorffAlpha([[4, 4], [4, 4, 4]])).toBeNull();
  });
});

describe("pairwiseAlpha", () => {
  const data = judgments([
    ["i1", "x", "A"],
    ["i1", "y", "A"],
    ["i1", "z", "tie"],
    ["i2", "x", "B"],
    ["i2", "y", "B"],
    ["i3", "x", "A"],
    ["i3", "y", "B"],
    ["i4", "x", "tie"],
    ["i4", "z", "both_bad"],
    ["i5", "x", "A"],
  ]);

  it("codes A < tie < B as 0 / 1 / 2, both_bad as tie, one unit per item", () => {
    const units = [[0, 0, 1], [2, 2], [0, 2], [1, 1]];
    for (const metric of ["nominal", "ordinal", "interval"] as const) {
      expect(pairwiseAlpha(data, metric).alpha).toBeCloseTo(krippendorffAlpha(units, { metric })!, 12);
    }
    expect(pairwiseAlpha(data)).toMatchObject({ n_items: 4, n_judgments: 9, both_bad: 1 });
  });

  it("penalises A-vs-B more than A-vs-tie under the ordinal metric", () => {
    const base = judgments([
      ["i1", "x", "A"],
      ["i1", "y", "A"],
      ["i2", "x", "B"],
      ["i2", "y", "B"],
      ["i3", "x", "tie"],
      ["i3", "y", "tie"],
    ]);
    const mild = pairwiseAlpha([...base, ...judgments([["i4", "x", "A"], ["i4", "y", "tie"]])], "ordinal");
    const strong = pairwiseAlpha([...base, ...judgments([["i4", "x", "A"], ["i4", "y", "B"]])], "ordinal");
    expect(mild.alpha!).toBeGreaterThan(strong.alpha!);
  });
});

describe("ratingAlpha", () => {
  const fromMatrix = (criterion: string, matrix: (number | null)[][]): RatingJudgment[] =>
    matrix.flatMap((row, o) =>
      row.flatMap((value, u) =>
        value === null ? [] : [{ criterion, item: `item${u}`, annotator: `obs${o}`, value }],
      ),
    );

  it("reproduces the interval example per criterion from {item, annotator, value}", () => {
    const ratings = [
      ...fromMatrix("helpfulness", KRIPPENDORFF_2011),
      ...fromMatrix("accuracy", [
        [1, 2, 3],
        [1, 2, 3],
      ]),
      ...fromMatrix("style", [
        [4, 4],
        [4, 4],
      ]),
    ];
    const byCriterion = ratingAlphaByCriterion(ratings);
    expect(byCriterion.map((c) => c.criterion)).toEqual(["accuracy", "helpfulness", "style"]);
    expect(byCriterion[0]).toEqual({ criterion: "accuracy", alpha: 1, n_items: 3, n_values: 6 });
    expect(byCriterion[1].alpha).toBeCloseTo(0.849, 3);
    // 41 values, less the lone value of unit 12: n = 40 as in the paper.
    expect(byCriterion[1]).toMatchObject({ n_items: 11, n_values: 40 });
    expect(byCriterion[2].alpha).toBeNull();
    expect(ratingAlpha(fromMatrix("h", KRIPPENDORFF_2011), "nominal").alpha).toBeCloseTo(0.743, 3);
  });

  it("is null for no ratings or a single annotator", () => {
    expect(ratingAlpha([])).toEqual({ alpha: null, n_items: 0, n_values: 0 });
    expect(ratingAlpha([{ item: "i", annotator: "x", value: 3 }]).alpha).toBeNull();
  });
});

describe("Kendall's tau", () => {
  it("computes tau-b with ties (checked against scipy.stats.kendalltau)", () => {
    expect(kendallTau([1, 2, 3], [1, 3, 2])).toBeCloseTo(1 / 3, 12);
    expect(kendallTau([1, 1, 2], [1, 2, 3])).toBeCloseTo(2 / Math.sqrt(6), 12);
    const x = [1, 2, 2, 3, 4, 4, 4, 5];
    const y = [2, 1, 3, 3, 5, 4, 4, 6];
    expect(kendallTau(x, y)).toBeCloseTo(0.8406728074767076, 12);
    expect(kendallTau([1, 2, 3], [3, 2, 1])).toBe(-1);
  });

  it("is null for fewer than two items or a constant vector", () => {
    expect(kendallTau([], [])).toBeNull();
    expect(kendallTau([1], [1])).toBeNull();
    expect(kendallTau([1, 1, 1], [1, 2, 3])).toBeNull();
    expect(() => kendallTau([1, 2], [1])).toThrow(RangeError);
  });

  it("compares rankings over shared candidates, tied groups sharing their mean position", () => {
    expect([...rankPositions(["a", ["b", "c"], "d"])]).toEqual([
      ["a", 1],
      ["b", 2.5],
      ["c", 2.5],
      ["d", 4],
    ]);
    expect(rankingTau(["a", "b", "c"], ["a", "c", "b"])).toBeCloseTo(1 / 3, 12);
    expect(rankingTau([["a", "b"], "c"], ["a", "b", "c"])).toBeCloseTo(2 / Math.sqrt(6), 12);
    expect(rankingTau(["a", "b", "x"], ["b", "a", "y"])).toBe(-1);
  });

  it("averages over every (item, annotator pair) and per annotator pair", () => {
    const rankings: RankingJudgment[] = [
      { item: "i1", annotator: "x", ranking: ["a", "b", "c"] },
      { item: "i1", annotator: "y", ranking: ["a", "c", "b"] }, // x–y 1/3
      { item: "i1", annotator: "z", ranking: ["c", "b", "a"] }, // x–z −1, y–z −1/3
      { item: "i2", annotator: "x", ranking: ["p", "q"] },
      { item: "i2", annotator: "y", ranking: ["p", "q"] }, // x–y 1
      { item: "i3", annotator: "x", ranking: ["r", "s"] },
    ];
    const result = meanPairwiseTau(rankings);
    expect(result.n_pairs).toBe(4);
    expect(result.mean).toBeCloseTo((1 / 3 - 1 - 1 / 3 + 1) / 4, 12);
    expect(result.by_annotator_pair).toEqual([
      { a: "x", b: "y", tau: expect.closeTo(2 / 3, 12), n: 2 },
      { a: "x", b: "z", tau: -1, n: 1 },
      { a: "y", b: "z", tau: expect.closeTo(-1 / 3, 12), n: 1 },
    ]);
    expect(meanPairwiseTau([])).toEqual({ mean: null, n_pairs: 0, by_annotator_pair: [] });
  });
});

describe("rankingAlpha", () => {
  it("is ordinal alpha over (item, candidate) units of rank positions", () => {
    const rankings: RankingJudgment[] = [
      { item: "i1", annotator: "x", ranking: ["a", "b", "c"] },
      { item: "i1", annotator: "y", ranking: ["a", "c", "b"] },
      { item: "i2", annotator: "x", ranking: ["p", ["q", "r"]] },
      { item: "i2", annotator: "y", ranking: ["q", "p", "r"] },
      { item: "i3", annotator: "x", ranking: ["s", "t", "u"] },
    ];
    const units = [[1, 1], [2, 3], [3, 2], [1, 2], [2.5, 1], [2.5, 3]];
    const result = rankingAlpha(rankings);
    expect(result.alpha).toBeCloseTo(krippendorffAlpha(units, { metric: "ordinal" })!, 12);
    expect(result).toMatchObject({ n_items: 2, n_judgments: 4 });
  });

  it("is 1 for identical rankings, negative for reversed ones, null without pairs", () => {
    const same: RankingJudgment[] = ["x", "y"].flatMap((annotator) => [
      { item: "i1", annotator, ranking: ["a", "b", "c"] },
      { item: "i2", annotator, ranking: ["d", "e", "f"] },
    ]);
    expect(rankingAlpha(same).alpha).toBe(1);
    const reversed: RankingJudgment[] = [
      { item: "i1", annotator: "x", ranking: ["a", "b", "c"] },
      { item: "i1", annotator: "y", ranking: ["c", "b", "a"] },
    ];
    expect(rankingAlpha(reversed).alpha!).toBeLessThan(0);
    expect(rankingAlpha([]).alpha).toBeNull();
    expect(rankingAlpha([{ item: "i1", annotator: "x", ranking: ["a", "b"] }]).alpha).toBeNull();
  });
});
