import { describe, expect, it } from "vitest";
import type { PairwiseJudgment } from "@/lib/stats";
import { annotatorQuality } from "@/lib/stats/reference";

describe("annotatorQuality", () => {
  const data: PairwiseJudgment[] = [
    // i1: x and y say A, z says B. For z the others agree on A; for x (others A, B) there is no
    // strict majority, same for y.
    { item: "i1", annotator: "x", verdict: "A", durationMs: 10_000, displayFirst: "A" },
    { item: "i1", annotator: "y", verdict: "A", durationMs: 20_000, displayFirst: "B" },
    { item: "i1", annotator: "z", verdict: "B", durationMs: 4_000, displayFirst: "B", flags: ["unsafe"] },
    // i2: all tie-like; both_bad counts as tie.
    { item: "i2", annotator: "x", verdict: "tie", durationMs: 30_000, gold: "tie" },
    { item: "i2", annotator: "y", verdict: "both_bad", gold: "tie" },
    { item: "i2", annotator: "z", verdict: "tie", durationMs: 6_000, flags: ["unsafe", "unclear"] },
    // i3: only x and y; with one other annotator, that annotator's label is the majority.
    { item: "i3", annotator: "x", verdict: "B", durationMs: 20_000, displayFirst: "B", gold: "A" },
    { item: "i3", annotator: "y", verdict: "A", displayFirst: "A" },
    // i4: x alone.
    { item: "i4", annotator: "x", verdict: "A", displayFirst: "B", gold: "A" },
  ];

  it("reports per-annotator figures", () => {
    const rows = annotatorQuality(data);
    expect(rows.map((r) => r.annotator)).toEqual(["x", "y", "z"]);
    const [x, y, z] = rows;
    expect(x).toEqual({
      annotator: "x",
      judgments: 4,
      median_seconds: 20,
      // i1: no majority; i2: others tie, tie → agrees; i3: other says A → disagrees.
      majority_agreement: 0.5,
      majority_n: 2,
      gold_accuracy: 2 / 3,
      gold_n: 3,
      tie_rate: 0.25,
      both_bad_rate: 0,
      // i1 chose A shown first; i3 chose B shown first; i4 chose A shown second.
      position_bias: 2 / 3,
      position_n: 3,
      flags: {},
      outliers: [],
    });
    // i1: no majority among x and z; i2: both_bad counts as the others' tie; i3: x says B.
    expect(y).toMatchObject({
      judgments: 3,
      median_seconds: 20,
      majority_agreement: 0.5,
      majority_n: 2,
      // Gold tie, judged both_bad: a different verdict, so not correct (gold accuracy is an exact match).
      gold_accuracy: 0,
      gold_n: 1,
      tie_rate: 1 / 3,
      both_bad_rate: 1 / 3,
      position_bias: 0.5,
      position_n: 2,
    });
    expect(z).toEqual({
      annotator: "z",
      judgments: 2,
      median_seconds: 5,
      majority_agreement: 0.5,
      majority_n: 2,
      gold_accuracy: null,
      gold_n: 0,
      tie_rate: 0.5,
      both_bad_rate: 0,
      position_bias: 1,
      position_n: 1,
      flags: { unsafe: 2, unclear: 1 },
      outliers: [],
    });
  });

  it("is empty for no judgments and has no agreement for a single annotator", () => {
    expect(annotatorQuality([])).toEqual([]);
    const [only] = annotatorQuality([
      { item: "i1", annotator: "x", verdict: "A" },
      { item: "i2", annotator: "x", verdict: "tie" },
    ]);
    expect(only).toMatchObject({
      judgments: 2,
      median_seconds: null,
      majority_agreement: null,
      majority_n: 0,
      position_bias: null,
      tie_rate: 0.5,
      outliers: [],
    });
  });

  it("flags low agreement and fast annotators by modified z-score", () => {
    // Ten steady annotators and two odd ones on 40 items. Everyone says A except where noted.
    const annotators = Array.from({ length: 10 }, (_, i) => `steady${i}`);
    const judgments: PairwiseJudgment[] = [];
    for (let item = 0; item < 40; item++) {
      annotators.forEach((annotator, i) => {
        // Each steady annotator strays on a different few items: agreement 0.9 to 0.95.
        const strays = (item + i) % 20 === 0 || (i % 2 === 0 && (item + i) % 20 === 7);
        judgments.push({
          item: `i${item}`,
          annotator,
          verdict: strays ? "B" : "A",
          durationMs: 20_000 + 1_000 * i + 100 * item,
        });
      });
      const contrary = item % 3 === 0 ? "A" : "B";
      judgments.push({ item: `i${item}`, annotator: "contrarian", verdict: contrary, durationMs: 25_000 });
      judgments.push({ item: `i${item}`, annotator: "speedy", verdict: "A", durationMs: 1_500 });
    }
    const rows = annotatorQuality(judgments);
    const outliers = Object.fromEntries(rows.map((r) => [r.annotator, r.outliers]));
    expect(outliers.contrarian).toEqual(["low_agreement"]);
    expect(outliers.speedy).toEqual(["fast"]);
    for (const annotator of annotators) expect(outliers[annotator]).toEqual([]);
    // Below minN nobody is eligible, so nobody is flagged.
    const strict = annotatorQuality(judgments, { minN: 41 });
    expect(strict.every((r) => r.outliers.length === 0)).toBe(true);
  });

  it("falls back to the mean absolute deviation when most annotators are identical", () => {
    const judgments: PairwiseJudgment[] = [];
    for (let item = 0; item < 12; item++) {
      for (let i = 0; i < 6; i++) {
        judgments.push({ item: `i${item}`, annotator: `a${i}`, verdict: "A", durationMs: 10_000 });
      }
      judgments.push({ item: `i${item}`, annotator: "odd", verdict: "B", durationMs: 10_000 });
    }
    const rows = annotatorQuality(judgments);
    expect(rows.find((r) => r.annotator === "odd")!.outliers).toEqual(["low_agreement"]);
    expect(rows.filter((r) => r.outliers.length > 0)).toHaveLength(1);
  });
});
