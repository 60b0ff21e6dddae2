import { describe, expect, it } from "vitest";
import { mulberry32, normalUpperTail, pairKey, pairLevels, pairWeights, pickPair, strengthCovariance } from "@/lib/stats";

const weightOf = (weights: ReturnType<typeof pairWeights>, a: string, b: string) => weights.find((w) => w.a === a && w.b === b)!.weight;

describe("adaptive pair weights", () => {
  it("weighs every pair alike before any comparison, and the weights sum to 1", () => {
    const weights = pairWeights(["a", "b", "c", "d"], []);
    expect(weights.map((w) => [w.a, w.b])).toEqual([
      ["a", "b"],
      ["a", "c"],
      ["a", "d"],
      ["b", "c"],
      ["b", "d"],
      ["c", "d"],
    ]);
    for (const w of weights) expect(w.weight).toBeCloseTo(1 / 6, 12);
    // Prior only: var(θa − θb) = 2/λ = 20.
    expect(weights[0].se).toBeCloseTo(Math.sqrt(20), 12);
  });

  it("gives the closed-form standard error for two contenders: 1/(n·p(1−p)) plus the prior", () => {
    // 60 of 100: θa − θb = logit(0.6) (the MLE), information 100·0.24 + λ on the difference direction.
    const { theta, covariance } = strengthCovariance(["a", "b"], [{ a: "a", b: "b", score_a: 60, n: 100 }], { prior: 0.1 });
    expect(theta[0] - theta[1]).toBeCloseTo(Math.log(1.5), 9);
    const v = covariance[0] + covariance[3] - 2 * covariance[1];
    expect(v).toBeCloseTo(2 / (2 * 24 + 0.1), 9);
  });

  it("sends the next comparisons to an unmeasured contender rather than a well-measured pair", () => {
    const weights = pairWeights(["a", "b", "c"], [{ a: "a", b: "b", score_a: 210, n: 400 }]);
    expect(weightOf(weights, "a", "c")).toBeGreaterThan(10 * weightOf(weights, "a", "b"));
    expect(weightOf(weights, "b", "c")).toBeGreaterThan(10 * weightOf(weights, "a", "b"));
  });

  it("stops spending on a pair already told apart and prefers the close one at equal counts", () => {
    const weights = pairWeights(
      ["strong", "mid", "close"],
      [
        { a: "strong", b: "mid", score_a: 180, n: 200 },
        { a: "mid", b: "close", score_a: 105, n: 200 },
        { a: "strong", b: "close", score_a: 178, n: 200 },
      ],
    );
    expect(weightOf(weights, "mid", "close")).toBeGreaterThan(0.95);
    expect(weightOf(weights, "strong", "mid")).toBeLessThan(0.01);
  });

  it("refuses tallies that name an unknown contender or an impossible score", () => {
    expect(() => pairWeights(["a", "b"], [{ a: "a", b: "x", score_a: 1, n: 1 }])).toThrow('tally 0: "x" is not among the contenders');
    expect(() => pairWeights(["a", "b"], [{ a: "a", b: "b", score_a: 3, n: 2 }])).toThrow("tally 0: need 0 ≤ score_a ≤ n, got 3 of 2");
    expect(() => pairWeights(["a", "a"], [])).toThrow("contenders: names must be distinct");
  });

  it("draws pairs in proportion to their weights, the same for the same seed", () => {
    const weights = [
      { a: "a", b: "b", weight: 0.25, se: 1 },
      { a: "a", b: "c", weight: 0.75, se: 1 },
    ];
    const draw = (seed: number) => {
      const rng = mulberry32(seed);
      return Array.from({ length: 4000 }, () => pickPair(weights, rng).b);
    };
    const picks = draw(9);
    expect(draw(9)).toEqual(picks);
    expect(picks.filter((b) => b === "c").length / picks.length).toBeCloseTo(0.75, 1);
    expect(() => pickPair([], mulberry32(1))).toThrow("no pairs");
  });

  it("has a normal tail within 1e-7 of the tabulated values", () => {
    for (const [z, q] of [
      [0, 0.5],
      [1.959963985, 0.025],
      [-1, 0.841344746],
      [3, 0.001349898],
    ]) {
      expect(Math.abs(normalUpperTail(z) - q)).toBeLessThan(1e-7);
    }
  });
});

describe("serving levels of pairs", () => {
  it("gives the top pair the top level, the others in proportion, and pairs told apart 0", () => {
    const levels = pairLevels(
      [
        { a: "a", b: "b", weight: 0.6, se: 1 },
        { a: "a", b: "c", weight: 0.3, se: 1 },
        { a: "b", b: "c", weight: 0.05, se: 1 },
        { a: "c", b: "d", weight: 0.05 * 0.99, se: 1 },
      ],
      4,
    );
    // 4·0.3/0.6 = 2; 4·0.05/0.6 = 0.33 rounds to 0.
    expect([...levels.entries()]).toEqual([
      [pairKey("a", "b"), 4],
      [pairKey("a", "c"), 2],
      [pairKey("b", "c"), 0],
      [pairKey("c", "d"), 0],
    ]);
    expect(pairKey("b", "a")).toBe(pairKey("a", "b"));
  });

  it("puts the undecided pair of the constructed leaderboard on top", () => {
    // alpha beat beta and gamma 30–0 each; beta and gamma split 1–1.
    const weights = pairWeights(["alpha", "beta", "gamma"], [
      { a: "alpha", b: "beta", score_a: 30, n: 30 },
      { a: "alpha", b: "gamma", score_a: 30, n: 30 },
      { a: "beta", b: "gamma", score_a: 1, n: 2 },
    ]);
    const levels = pairLevels(weights, 4);
    expect(levels.get(pairKey("beta", "gamma"))).toBe(4);
    expect(levels.get(pairKey("alpha", "beta"))).toBe(0);
    expect(levels.get(pairKey("gamma", "alpha"))).toBe(0);
  });

  it("refuses a level count that is not a whole number of at least 1", () => {
    expect(() => pairLevels([], 0)).toThrow(RangeError);
    expect(() => pairLevels([], 2.5)).toThrow(RangeError);
    expect(pairLevels([], 4).size).toBe(0);
  });
});
