// The `--pairs` rule (lib/stats/generation-pairs.ts) and the sealing of API keys (lib/auth/secret-box.ts).
import { describe, expect, it } from "vitest";
import { open, seal, SecretBoxError } from "@/lib/auth/secret-box";
import { pairWeights } from "@/lib/stats/adaptive-pairs";
import { ContenderTally } from "@/lib/stats/contenders";
import { pairsFor, parsePairRule, pairRuleText, shuffled } from "@/lib/stats/generation-pairs";

describe("pairing rule", () => {
  it("reads all, baseline:NAME and random:K, and names what is wrong", () => {
    expect(parsePairRule("all")).toEqual({ kind: "all" });
    expect(parsePairRule("baseline:gpt")).toEqual({ kind: "baseline", name: "gpt" });
    expect(parsePairRule("random:3")).toEqual({ kind: "random", k: 3 });
    for (const text of ["all", "baseline:gpt", "random:3"]) expect(pairRuleText(parsePairRule(text))).toBe(text);
    expect(() => parsePairRule("random:0")).toThrow(/at least 1 \(got "0"\)/);
    expect(() => parsePairRule("random:x")).toThrow(/whole number/);
    expect(parsePairRule("adaptive")).toEqual({ kind: "adaptive", k: 1 });
    expect(parsePairRule("adaptive:2")).toEqual({ kind: "adaptive", k: 2 });
    expect(pairRuleText(parsePairRule("adaptive"))).toBe("adaptive:1");
    expect(() => parsePairRule("adaptive:0")).toThrow(/adaptive:K needs a whole number K of at least 1 \(got "0"\)/);
    expect(() => parsePairRule("every")).toThrow(/must be all, baseline:NAME, random:K or adaptive\[:K\] \(got "every"\)/);
  });

  it("makes every pair, each against the baseline, or K distinct seeded random pairs", () => {
    const c = ["a", "b", "c", "d"];
    expect(pairsFor({ kind: "all" }, c, 1)).toEqual([["a", "b"], ["a", "c"], ["a", "d"], ["b", "c"], ["b", "d"], ["c", "d"]]);
    expect(pairsFor({ kind: "baseline", name: "c" }, c, 1)).toEqual([["c", "a"], ["c", "b"], ["c", "d"]]);
    expect(pairsFor({ kind: "baseline", name: "z" }, c, 1)).toEqual([]);
    const random = pairsFor({ kind: "random", k: 3 }, c, 42);
    expect(random).toHaveLength(3);
    expect(new Set(random.map((p) => p.join()))).toHaveProperty("size", 3);
    expect(pairsFor({ kind: "random", k: 3 }, c, 42)).toEqual(random);
    expect(pairsFor({ kind: "random", k: 10 }, c, 7)).toHaveLength(6);
    // Over many seeds every pair is drawn, each about equally often (6 pairs, 1 drawn per seed).
    const counts = new Map<string, number>();
    for (let seed = 0; seed < 6000; seed++) {
      const [p] = pairsFor({ kind: "random", k: 1 }, c, seed);
      counts.set(p.join(), (counts.get(p.join()) ?? 0) + 1);
    }
    expect(counts.size).toBe(6);
    for (const n of counts.values()) expect(n).toBeGreaterThan(800);
    expect(new Set(Array.from({ length: 50 }, (_, s) => shuffled(["x", "y"], s)[0]))).toEqual(new Set(["x", "y"]));
  });
});

describe("adaptive pairing rule", () => {
  // a has beaten b and c 40 times out of 40 each; b and c are even after 4 comparisons.
  const tallies = [
    { a: "a", b: "b", score_a: 40, n: 40 },
    { a: "a", b: "c", score_a: 40, n: 40 },
    { a: "b", b: "c", score_a: 2, n: 4 },
  ];

  it("draws K different pairs by weight, mostly the pair still undecided, the same for the same seed", () => {
    const weights = pairWeights(["a", "b", "c"], tallies);
    const counts = new Map<string, number>();
    for (let seed = 0; seed < 2000; seed++) {
      const [p] = pairsFor({ kind: "adaptive", k: 1 }, ["a", "b", "c"], seed, weights);
      counts.set(p.join(), (counts.get(p.join()) ?? 0) + 1);
    }
    const bc = weights.find((w) => w.a === "b" && w.b === "c")!.weight;
    expect(bc).toBeGreaterThan(0.9);
    expect(counts.get("b,c")! / 2000).toBeCloseTo(bc, 1);
    const two = pairsFor({ kind: "adaptive", k: 2 }, ["a", "b", "c"], 5, weights);
    expect(two).toHaveLength(2);
    expect(new Set(two.map((p) => p.join())).size).toBe(2);
    expect(pairsFor({ kind: "adaptive", k: 2 }, ["a", "b", "c"], 5, weights)).toEqual(two);
    // Only contenders that answered the prompt are paired, in the run's order.
    expect(pairsFor({ kind: "adaptive", k: 3 }, ["c", "a"], 1, weights)).toEqual([["c", "a"]]);
    expect(() => pairsFor({ kind: "adaptive", k: 1 }, ["a", "b"], 1)).toThrow(/needs the pairs' weights/);
  });

  it("reads the comparisons of the named contender versions from the leaderboard's tally", () => {
    const tally = new ContenderTally();
    const meta = (contender: string, version: number) => ({ contender, contender_version: version });
    tally.candidate({ id: 1, item: 1, position: 0, metadata: meta("x", 1) });
    tally.candidate({ id: 2, item: 1, position: 1, metadata: meta("y", 1) });
    tally.candidate({ id: 3, item: 2, position: 0, metadata: meta("y", 1) });
    tally.candidate({ id: 4, item: 2, position: 1, metadata: meta("x", 1) });
    tally.candidate({ id: 5, item: 3, position: 0, metadata: meta("x", 2) });
    tally.candidate({ id: 6, item: 3, position: 1, metadata: meta("y", 1) });
    for (const [item, verdict] of [[1, "A"], [1, "tie"], [2, "A"], [3, "A"]] as const) tally.judgment({ item, type: "pairwise", verdict, ratings: null });
    const names = new Map([["x@v1", "x"], ["y@v1", "y"]]);
    // Item 1: x won once and tied once; item 2: y won; item 3 is x@v2, not named, so left out.
    expect(tally.pairTallies((k) => names.get(`${k.contender}@v${k.version}`))).toEqual([{ a: "x", b: "y", score_a: 1.5, n: 3 }]);
  });
});

describe("secret box", () => {
  it("opens what it sealed with the same secret and purpose only", () => {
    const sealed = seal("sk-abc", "secret-one-secret-one-secret-one", "endpoint api key");
    expect(sealed).not.toContain("sk-abc");
    expect(sealed).toMatch(/^v1\.[\w-]+\.[\w-]+\.[\w-]+$/);
    expect(seal("sk-abc", "secret-one-secret-one-secret-one", "endpoint api key")).not.toBe(sealed);
    expect(open(sealed, "secret-one-secret-one-secret-one", "endpoint api key")).toBe("sk-abc");
    expect(() => open(sealed, "secret-two-secret-two-secret-two", "endpoint api key")).toThrow(SecretBoxError);
    expect(() => open(sealed, "secret-one-secret-one-secret-one", "another purpose")).toThrow(SecretBoxError);
    const [v, iv, tag, body] = sealed.split(".");
    const altered = [v, iv, tag, Buffer.from(Buffer.from(body, "base64url").map((b, i) => (i === 0 ? b ^ 1 : b))).toString("base64url")].join(".");
    expect(() => open(altered, "secret-one-secret-one-secret-one", "endpoint api key")).toThrow(/does not open/);
    expect(() => open("plain", "secret-one-secret-one-secret-one", "endpoint api key")).toThrow(/not a sealed value/);
  });
});
