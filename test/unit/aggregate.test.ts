import { describe, expect, it } from "vitest";
import { aggregateItem, parseSplit, ratingScore, splitOf, type Vote } from "@/lib/stats/aggregate";

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
    expect(aggregateItem([1, 2], [pw(2), pw(2)], {}, { verdict: "A", winner: 1 })).toMatchObject({
      outcome: "pairs",
      pairs: [{ chosen: 1, rejected: 2 }],
      adjudicated: true,
    });
    expect(aggregateItem([1, 2], [pw(2)], {}, { verdict: "tie", winner: null })).toMatchObject({ outcome: "dropped", reason: "tie", adjudicated: true });
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

describe("aggregateItem: rankings, ties and rating scales", () => {
  const rk = (...groups: number[][]): Vote<number> => ({ kind: "ranking", ranking: groups });

  it("keeps every majority-ordered pair of rankings that have no common first place", () => {
    // P=1, Q=2, R=3: [[P,Q],[R]], [[Q],[P],[R]], [[P],[R],[Q]] give P>R (3 of 3) and Q>R (2 of 3)
    const votes = [rk([1, 2], [3]), rk([2], [1], [3]), rk([1], [3], [2])];
    expect(aggregateItem([1, 2, 3], votes)).toEqual({
      outcome: "pairs",
      pairs: [
        { chosen: 1, rejected: 3 },
        { chosen: 2, rejected: 3 },
      ],
      votes: 3,
      agreement: 2 / 3,
      adjudicated: false,
    });
    // The rule applies to each pair: unanimous keeps P>R only, two votes keep both, 0.9 agreement only P>R.
    expect(aggregateItem([1, 2, 3], votes, { policy: "unanimous" })).toMatchObject({ pairs: [{ chosen: 1, rejected: 3 }] });
    expect(aggregateItem([1, 2, 3], votes, { minAgreement: 0.9 })).toMatchObject({ pairs: [{ chosen: 1, rejected: 3 }] });
    expect(aggregateItem([1, 2, 3], votes, { minVotes: 3 })).toMatchObject({ pairs: [{ chosen: 1, rejected: 3 }] });
    expect(aggregateItem([1, 2, 3], votes, { minVotes: 4 })).toMatchObject({ outcome: "dropped", reason: "below_min_votes" });
  });

  it("drops a ranking item with the reason that stopped its closest pair", () => {
    expect(aggregateItem([1, 2], [rk([1], [2]), rk([2], [1])])).toMatchObject({ outcome: "dropped", reason: "no_majority" });
    expect(aggregateItem([1, 2], [rk([1, 2])])).toMatchObject({ outcome: "dropped", reason: "tie" });
    expect(aggregateItem([1, 2], [])).toMatchObject({ outcome: "dropped", reason: "no_votes" });
  });

  it("counts a tie within a ranking against a pair unless ties are excluded", () => {
    const votes = [rk([1], [2], [3]), rk([1], [2, 3])];
    expect(aggregateItem([1, 2, 3], votes)).toMatchObject({ pairs: [{ chosen: 1, rejected: 2 }, { chosen: 1, rejected: 3 }] });
    expect(aggregateItem([1, 2, 3], votes, { ties: "exclude" })).toMatchObject({
      pairs: [{ chosen: 1, rejected: 2 }, { chosen: 1, rejected: 3 }, { chosen: 2, rejected: 3 }],
    });
  });

  it("leaves tie votes out of the margin when ties are excluded, and counts them as 0 otherwise", () => {
    const votes = [pw(2, { strength: 3 }), pw(2, { strength: 1 }), pw(null, { strength: 0 })];
    expect(aggregateItem([1, 2], votes)).toMatchObject({ pairs: [{ chosen: 2, rejected: 1, margin: 1.333333 }] });
    expect(aggregateItem([1, 2], votes, { ties: "exclude" })).toMatchObject({ pairs: [{ chosen: 2, rejected: 1, margin: 2 }] });
  });

  it("scores ratings on [0, 1] per criterion scale, then averages the criteria", () => {
    const scales = { help: { min: 1, max: 5 }, style: { min: 1, max: 7 } };
    expect(ratingScore({ help: 5, style: 1 }, scales)).toBe(0.5);
    expect(ratingScore({ help: 3, style: 7 }, scales)).toBe(0.75);
    // raw means would rank these the other way round: (5 + 2) / 2 = 3.5 < (1 + 7) / 2 = 4
    expect(ratingScore({ help: 5, style: 2 }, scales)!).toBeGreaterThan(ratingScore({ help: 1, style: 7 }, scales)!);
    expect(ratingScore({ other: 3 })).toBe(0.5); // no known scale: the default 1–5
    expect(ratingScore({})).toBeNull();
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
