// The `--pairs` rule (lib/stats/generation-pairs.ts) and the sealing of API keys (lib/auth/secret-box.ts).
import { describe, expect, it } from "vitest";
import { open, seal, SecretBoxError } from "@/lib/auth/secret-box";
import { pairsFor, parsePairRule, pairRuleText, shuffled } from "@/lib/stats/generation-pairs";

describe("pairing rule", () => {
  it("reads all, baseline:NAME and random:K, and names what is wrong", () => {
    expect(parsePairRule("all")).toEqual({ kind: "all" });
    expect(parsePairRule("baseline:gpt")).toEqual({ kind: "baseline", name: "gpt" });
    expect(parsePairRule("random:3")).toEqual({ kind: "random", k: 3 });
    for (const text of ["all", "baseline:gpt", "random:3"]) expect(pairRuleText(parsePairRule(text))).toBe(text);
    expect(() => parsePairRule("random:0")).toThrow(/at least 1 \(got "0"\)/);
    expect(() => parsePairRule("random:x")).toThrow(/whole number/);
    expect(() => parsePairRule("every")).toThrow(/must be all, baseline:NAME or random:K \(got "every"\)/);
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
