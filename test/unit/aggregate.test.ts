import { describe, expect, it } from "vitest";
import { aggregateItem, parseSplit, splitOf, type Vote } from "@/lib/stats/aggregate";

const pw = (winner: number | null, extra: Partial<Extract<Vote<number>, { kind: "pairwise" }>> = {}): Vote<number> => ({
  kind: "pairwise",
  winner,
  pair: [1, 2],
  ...extra,
});
const tie = pw(null);
const bad = pw(null, { bothBad: true });

describe("aggregateItem", () => {
  it("keeps a majority winner against the other candidate, with the agreement", () => {
    expect(aggregateItem([1, 2], [pw(2), pw(2), pw(1)])).toEqual({
      outcome: "pairs",
      pairs: [{ chosen: 2, rejected: 1 }],
      votes: 3,
      agreement: 2 / 3,
      adjudicated: false,
    });
  });
  it("names the rule that drops an item", () => {
    expect(aggregateItem([1, 2], [])).toMatchObject({ outcome: "dropped", reason: "no_votes" });
    expect(aggregateItem([1, 2], [pw(1)], { minVotes: 2 })).toMatchObject({ outcome: "dropped", reason: "below_min_votes" });
    expect(aggregateItem([1, 2], [pw(1), pw(2)])).toMatchObject({ outcome: "dropped", reason: "no_majority" });
    expect(aggregateItem([1, 2], [pw(1), pw(1), pw(2)], { policy: "unanimous" })).toMatchObject({ outcome: "dropped", reason: "not_unanimous" });
    expect(aggregateItem([1, 2], [pw(1), pw(1), pw(2)], { minAgreement: 0.75 })).toMatchObject({ outcome: "dropped", reason: "below_min_agreement" });
    expect(aggregateItem([1, 2], [tie, tie, pw(1)])).toMatchObject({ outcome: "dropped", reason: "tie" });
  });
  it("counts ties against a majority unless ties are excluded", () => {
    expect(aggregateItem([1, 2], [pw(1), tie])).toMatchObject({ outcome: "dropped", reason: "no_majority" });
    expect(aggregateItem([1, 2], [pw(1), tie], { ties: "exclude" })).toMatchObject({ outcome: "pairs", agreement: 1 });
    expect(aggregateItem([1, 2], [pw(1), tie, tie], { ties: "exclude", policy: "unanimous" })).toMatchObject({ outcome: "pairs" });
  });
  it("turns a both-bad majority into negatives for every candidate", () => {
    expect(aggregateItem([1, 2], [bad, bad, pw(1)])).toEqual({ outcome: "both_bad", candidates: [1, 2], votes: 3, adjudicated: false });
  });
  it("averages strength toward the chosen side as the margin", () => {
    const d = aggregateItem([1, 2], [pw(2, { strength: 3 }), pw(2, { strength: 1 }), pw(1, { strength: 1 })]);
    expect(d).toMatchObject({ outcome: "pairs", pairs: [{ chosen: 2, rejected: 1, margin: 1 }] });
  });
  it("lets an adjudication win over the votes", () => {
    expect(aggregateItem([1, 2], [pw(2), pw(2)], {}, { choice: "A", winner: 1 })).toMatchObject({
      outcome: "pairs",
      pairs: [{ chosen: 1, rejected: 2 }],
      adjudicated: true,
    });
    expect(aggregateItem([1, 2], [pw(2)], {}, { choice: "tie", winner: null })).toMatchObject({ outcome: "dropped", reason: "tie", adjudicated: true });
  });
  it("pairs the best mean rating with the worst, or a seeded random lower one", () => {
    const r = (a: number, b: number, c: number): Vote<number> => ({ kind: "rating", scores: new Map([[1, a], [2, b], [3, c]]) });
    const votes = [r(5, 3, 1), r(4, 2, 2)];
    expect(aggregateItem([1, 2, 3], votes)).toMatchObject({ outcome: "pairs", pairs: [{ chosen: 1, rejected: 3, margin: 3 }] });
    expect(aggregateItem([1, 2, 3], votes, { ratingPairs: "best-vs-random", random: 0.1 })).toMatchObject({ pairs: [{ chosen: 1, rejected: 2, margin: 2 }] });
    expect(aggregateItem([1, 2, 3], votes, { ratingPairs: "best-vs-random", random: 0.9 })).toMatchObject({ pairs: [{ chosen: 1, rejected: 3 }] });
    expect(aggregateItem([1, 2], [r(3, 3, 0)].map((v) => ({ ...v, scores: new Map([[1, 3], [2, 3]]) })))).toMatchObject({ outcome: "dropped", reason: "tie" });
  });
  it("turns rankings into every majority-ordered pair, or the best against the rest", () => {
    const rk = (...groups: number[][]): Vote<number> => ({ kind: "ranking", ranking: groups });
    const votes = [rk([1], [2], [3]), rk([1], [3], [2]), rk([2], [1], [3])];
    const all = aggregateItem([1, 2, 3], votes);
    expect(all.outcome === "pairs" && all.pairs).toEqual([
      { chosen: 1, rejected: 2 },
      { chosen: 1, rejected: 3 },
      { chosen: 2, rejected: 3 },
    ]);
    const rest = aggregateItem([1, 2, 3], votes, { rankingPairs: "best-vs-rest" });
    expect(rest.outcome === "pairs" && rest.pairs).toEqual([
      { chosen: 1, rejected: 2 },
      { chosen: 1, rejected: 3 },
    ]);
  });
});

describe("splits", () => {
  it("parses shares and refuses bad ones with a reason", () => {
    expect(parseSplit("test=0.1,validation=0.05", 7)).toEqual({ parts: [{ name: "test", share: 0.1 }, { name: "validation", share: 0.05 }], seed: 7 });
    expect(() => parseSplit("test=1.5")).toThrow(/expected NAME=SHARE/);
    expect(() => parseSplit("test=0.6,dev=0.6")).toThrow(/more than 1/);
    expect(() => parseSplit("train=0.5")).toThrow(/train gets what/);
  });
  it("is deterministic per seed, close to the asked share, and changes with the seed", () => {
    const spec = parseSplit("test=0.1", 42);
    const keys = Array.from({ length: 20000 }, (_, i) => `prompt ${i}`);
    const a = keys.map((k) => splitOf(k, spec));
    expect(keys.map((k) => splitOf(k, spec))).toEqual(a);
    const share = a.filter((s) => s === "test").length / keys.length;
    expect(share).toBeGreaterThan(0.09);
    expect(share).toBeLessThan(0.11);
    const other = keys.map((k) => splitOf(k, parseSplit("test=0.1", 43)));
    expect(other).not.toEqual(a);
  });
});
