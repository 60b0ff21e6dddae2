import { describe, expect, it } from "vitest";
import { contenderLeaderboard, contenderResponseOf, type ContenderComparison, type ContenderKey, type ContenderResponse, type Verdict } from "@/lib/stats";

const key = (contender: string, version: number | null = null): ContenderKey => ({ contender, version });

function games(a: ContenderKey, b: ContenderKey, verdict: Verdict, times = 1): ContenderComparison[] {
  return Array.from({ length: times }, () => ({ a, b, verdict }));
}

function response(k: ContenderKey, latency_ms: number | null, extra: Partial<ContenderResponse> = {}): ContenderResponse {
  return { ...k, latency_ms, ttft_ms: null, completion_tokens: null, cost_usd: null, ...extra };
}

describe("contenderLeaderboard", () => {
  it("rates two contenders by the closed-form Bradley–Terry fit and counts win rate and n", () => {
    // a wins 3 of 4 against b: θa − θb = logit(3/4) = ln 3, centred, so a = 1000 + 200·log10(3).
    const comparisons = [...games(key("a"), key("b"), "A", 2), ...games(key("b"), key("a"), "B"), ...games(key("b"), key("a"), "A")];
    const rows = contenderLeaderboard({ comparisons, responses: [] }, { rounds: 0 });
    expect(rows.map((r) => r.name)).toEqual(["a", "b"]);
    expect(rows[0].rating).toBeCloseTo(1000 + 200 * Math.log10(3), 9);
    expect(rows[1].rating).toBeCloseTo(1000 - 200 * Math.log10(3), 9);
    expect(rows[0].ci_low).toBe(rows[0].rating);
    expect(rows.map((r) => [r.win_rate, r.n])).toEqual([
      [0.75, 4],
      [0.25, 4],
    ]);
  });

  it("scores a tie and both_bad as half a win each way and leaves out comparisons of a version with itself", () => {
    const comparisons = [
      ...games(key("a"), key("b"), "A"),
      ...games(key("a"), key("b"), "tie"),
      ...games(key("a"), key("b"), "both_bad"),
      ...games(key("b"), key("b"), "A", 5),
    ];
    const [a, b] = contenderLeaderboard({ comparisons, responses: [] }, { rounds: 0 });
    expect(a.name).toBe("a");
    expect(a.win_rate).toBeCloseTo(2 / 3, 12);
    expect(b.win_rate).toBeCloseTo(1 / 3, 12);
    expect([a.n, b.n]).toEqual([3, 3]);
    // Two of three scored by a: θa − θb = ln 2.
    expect(a.rating! - b.rating!).toBeCloseTo((400 / Math.LN10) * Math.LN2, 9);
  });

  it("summarises latency, TTFT, tokens and cost over the recorded values only", () => {
    const a = key("a");
    const responses = [
      response(a, 100, { ttft_ms: 10, completion_tokens: 50, cost_usd: 0.001 }),
      response(a, 200, { ttft_ms: 30, completion_tokens: 70, cost_usd: 0.003 }),
      response(a, 300, { ttft_ms: 20, completion_tokens: null }),
      response(a, 400),
      response(a, 1000),
      response(a, null),
    ];
    const [row] = contenderLeaderboard({ comparisons: [], responses }, { rounds: 0 });
    expect(row).toMatchObject({ name: "a", rating: null, ci_low: null, ci_high: null, win_rate: null, n: 0 });
    expect(row.median_latency_ms).toBe(300);
    // Linear interpolation between order statistics (numpy's default): 400 + 0.6 · (1000 − 400).
    expect(row.p90_latency_ms).toBeCloseTo(760, 9);
    expect(row.median_ttft_ms).toBe(20);
    expect(row.mean_completion_tokens).toBe(60);
    expect(row.cost_per_1k_usd).toBeCloseTo(2, 12);
    expect(row.ratings).toEqual({});
  });

  it("orders versions v1 … vN within a contender, contenders by their best version, unrated ones last", () => {
    const p1 = key("prompt", 1);
    const p2 = key("prompt", 2);
    const p3 = key("prompt", 3);
    const base = key("base");
    const comparisons = [
      ...games(p3, base, "A", 9),
      ...games(p3, base, "B", 1),
      ...games(p1, base, "B", 6),
      ...games(p1, base, "A", 4),
      ...games(p2, base, "A", 5),
      ...games(p2, base, "B", 5),
    ];
    const rows = contenderLeaderboard({ comparisons, responses: [response(key("zeta"), 5), response(p2, 7)] }, { rounds: 0 });
    expect(rows.map((r) => r.name)).toEqual(["prompt@v1", "prompt@v2", "prompt@v3", "base", "zeta"]);
    expect(rows[2].rating!).toBeGreaterThan(rows[1].rating!);
    expect(rows[1].rating!).toBeGreaterThan(rows[0].rating!);
    expect(rows[1].median_latency_ms).toBe(7);
    expect(rows[4].rating).toBeNull();
  });

  it("gives seeded, deterministic bootstrap intervals around the rating", () => {
    const comparisons = [...games(key("a"), key("b"), "A", 30), ...games(key("a"), key("b"), "B", 20), ...games(key("b"), key("c"), "A", 25), ...games(key("c"), key("b"), "A", 15)];
    const first = contenderLeaderboard({ comparisons, responses: [] }, { rounds: 200, seed: 3 });
    const again = contenderLeaderboard({ comparisons, responses: [] }, { rounds: 200, seed: 3 });
    const other = contenderLeaderboard({ comparisons, responses: [] }, { rounds: 200, seed: 4 });
    expect(again).toEqual(first);
    expect(other.map((r) => r.ci_low)).not.toEqual(first.map((r) => r.ci_low));
    for (const r of first) {
      expect(r.ci_low!).toBeLessThan(r.rating!);
      expect(r.ci_high!).toBeGreaterThan(r.rating!);
    }
  });

  it("gives each contender's mean rating per criterion with a bootstrap interval over items", () => {
    const a = key("a");
    const values = [4, 5, 3, 4, 2, 5, 4, 3];
    const ratings = [
      ...values.map((value, i) => ({ ...a, item: `i${i}`, criterion: "accuracy", value })),
      ...values.map((value, i) => ({ ...a, item: `i${i}`, criterion: "relevance", value: 6 - value })),
      { ...key("b"), item: "i0", criterion: "accuracy", value: 1 },
    ];
    const rows = contenderLeaderboard({ comparisons: [], responses: [], ratings }, { rounds: 500, seed: 1 });
    const row = rows.find((r) => r.name === "a")!;
    expect(Object.keys(row.ratings)).toEqual(["accuracy", "relevance"]);
    expect(row.ratings.accuracy.mean).toBe(3.75);
    expect(row.ratings.accuracy.n).toBe(8);
    expect(row.ratings.relevance.mean).toBe(2.25);
    const { ci_low, ci_high } = row.ratings.accuracy;
    expect(ci_low!).toBeGreaterThanOrEqual(2);
    expect(ci_low!).toBeLessThan(3.75);
    expect(ci_high!).toBeGreaterThan(3.75);
    expect(ci_high!).toBeLessThanOrEqual(5);
    // One rating: every resample is that rating.
    expect(rows.find((r) => r.name === "b")!.ratings.accuracy).toEqual({ mean: 1, ci_low: 1, ci_high: 1, n: 1 });
  });

  it("refuses an unknown verdict, naming the comparison", () => {
    expect(() => contenderLeaderboard({ comparisons: [{ a: key("a"), b: key("b"), verdict: "C" as Verdict }], responses: [] })).toThrow(
      'comparison 0: unknown verdict "C"',
    );
  });
});

describe("contenderResponseOf", () => {
  it("reads a generated response's metadata, numbers given as text included, and nothing without a contender", () => {
    expect(contenderResponseOf({ contender: "tuned", contender_version: 3, latency_ms: 812, ttft_ms: "95", completion_tokens: 40, cost_usd: 0.0004, finish_reason: "stop" })).toEqual({
      contender: "tuned",
      version: 3,
      latency_ms: 812,
      ttft_ms: 95,
      completion_tokens: 40,
      cost_usd: 0.0004,
    });
    expect(contenderResponseOf({ contender: "x", contender_version: "v2", latency_ms: "fast", cost_usd: Infinity })).toMatchObject({ version: null, latency_ms: null, cost_usd: null });
    expect(contenderResponseOf({ contender: "" })).toBeNull();
    expect(contenderResponseOf({ contender: 7 })).toBeNull();
    expect(contenderResponseOf(null)).toBeNull();
  });
});
