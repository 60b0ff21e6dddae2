import { describe, expect, it } from "vitest";
import { breakdownBy, wilsonInterval, type BreakdownComparison, type Verdict } from "@/lib/stats";

describe("wilsonInterval", () => {
  it("reproduces Newcombe (1998) examples", () => {
    const a = wilsonInterval(81 / 263, 263);
    expect(a.low).toBeCloseTo(0.2553, 4);
    expect(a.high).toBeCloseTo(0.3662, 4);
    const b = wilsonInterval(15 / 148, 148);
    expect(b.low).toBeCloseTo(0.0624, 4);
    expect(b.high).toBeCloseTo(0.1605, 4);
    const zero = wilsonInterval(0, 10);
    expect(zero.low).toBe(0);
    expect(zero.high).toBeCloseTo(0.2775, 4);
    expect(wilsonInterval(0.5, 0)).toEqual({ low: 0, high: 1 });
  });
});

function comparison(
  verdict: Verdict,
  metadataA: Record<string, unknown>,
  metadataB: Record<string, unknown>,
): BreakdownComparison {
  return { verdict, metadataA, metadataB };
}

describe("breakdownBy", () => {
  const data = [
    comparison("A", { model: "m1", latency_ms: 100, output_tokens: 10 }, { model: "m2", latency_ms: 300 }),
    comparison("A", { model: "m1", latency_ms: 200 }, { model: "m2", latency_ms: 500 }),
    comparison("tie", { model: "m2", latency_ms: 400 }, { model: "m1", latency_ms: 300 }),
    comparison("both_bad", { model: "m3" }, { model: "m1", latency_ms: 400, output_tokens: "n/a" }),
    comparison("B", { model: "m2", latency_ms: 100 }, { model: "m2", latency_ms: 200 }), // same value
    comparison("B", { model: "m1" }, { latency_ms: 50 }), // missing model on side B
  ];

  it("gives win rates with ties as half, Wilson intervals and numeric summaries per value", () => {
    const rows = breakdownBy(data, "model");
    expect(rows.map((r) => r.value)).toEqual([null, "m1", "m3", "m2"]);
    const m1 = rows.find((r) => r.value === "m1")!;
    // m1: W, W, tie, both_bad, L → (2 + 1) / 5.
    expect(m1).toMatchObject({ n: 5, wins: 2, losses: 1, ties: 1, both_bad: 1, n_same: 0, win_rate: 0.6 });
    const interval = wilsonInterval(0.6, 5);
    expect([m1.ci_low, m1.ci_high]).toEqual([interval.low, interval.high]);
    expect(m1.numeric.latency_ms.mean).toBeCloseTo(250, 12);
    expect(m1.numeric.latency_ms.n).toBe(4);
    // p95 of 100, 200, 300, 400 with linear interpolation: 300 + 0.85·100.
    expect(m1.numeric.latency_ms.p95).toBeCloseTo(385, 12);
    expect(m1.numeric.output_tokens).toEqual({ mean: 10, p95: 10, n: 1 });

    const m2 = rows.find((r) => r.value === "m2")!;
    // m2: L, L, tie; its comparison against itself is only counted in n_same.
    expect(m2).toMatchObject({ n: 3, wins: 0, losses: 2, ties: 1, n_same: 1 });
    expect(m2.win_rate).toBeCloseTo(0.5 / 3, 12);
    // Numeric figures include both sides of the same-value comparison.
    expect(m2.numeric.latency_ms).toMatchObject({ mean: 300, n: 5 });
    expect(m2.numeric.output_tokens).toEqual({ mean: null, p95: null, n: 0 });

    expect(rows.find((r) => r.value === "m3")).toMatchObject({ n: 1, both_bad: 1, win_rate: 0.5 });
    expect(rows.find((r) => r.value === null)).toMatchObject({ n: 1, wins: 1, win_rate: 1 });
  });

  it("summarises only the numeric fields asked for", () => {
    const rows = breakdownBy(data, "model", { numericFields: ["output_tokens"] });
    expect(Object.keys(rows[0].numeric)).toEqual(["output_tokens"]);
  });

  it("groups by non-string values and keeps 1 and '1' apart", () => {
    const rows = breakdownBy(
      [
        comparison("A", { temperature: 1 }, { temperature: "1" }),
        comparison("B", { temperature: 0.7 }, { temperature: 1 }),
        comparison("A", { temperature: true }, { temperature: { nested: 1 } }),
      ],
      "temperature",
    );
    // Highest win rate first, then by the value's text.
    expect(rows.map((r) => [r.value, r.win_rate])).toEqual([
      [1, 1],
      [true, 1],
      [0.7, 0],
      ["1", 0],
      ['{"nested":1}', 0],
    ]);
  });

  it("is empty for no comparisons, and a value seen only against itself has no win rate", () => {
    expect(breakdownBy([], "model")).toEqual([]);
    const [row] = breakdownBy([comparison("A", { model: "m" }, { model: "m" })], "model");
    expect(row).toMatchObject({ value: "m", n: 0, n_same: 1, win_rate: null, ci_low: null, ci_high: null });
  });
});
