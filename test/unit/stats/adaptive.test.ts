// The adaptive-overlap rule and its replay on constructed judgments, every figure worked out by hand.
import { describe, expect, it } from "vitest";
import { adaptiveFigures, judgmentsNeeded, labelOf, meetsStopRule, replayOverlap, type AdaptiveRule, type VerdictVote } from "@/lib/stats";

const rule = (min: number, max: number, stopAgreement: number | null = null): AdaptiveRule => ({ min, max, stopAgreement });
const v = (s: string): VerdictVote[] => s.split(" ").filter(Boolean).map((x) => (x === "-" ? null : (x as VerdictVote)));

describe("judgmentsNeeded", () => {
  it("stops at min when the first min agree, asks one more while they do not, never past max", () => {
    const r = rule(2, 4);
    expect(judgmentsNeeded(v(""), r)).toBe(2);
    expect(judgmentsNeeded(v("A"), r)).toBe(2);
    expect(judgmentsNeeded(v("A A"), r)).toBe(2);
    expect(judgmentsNeeded(v("A B"), r)).toBe(3);
    // Without a stopping agreement only unanimity stops early: 2 of 3 is not enough.
    expect(judgmentsNeeded(v("A B A"), r)).toBe(4);
    expect(judgmentsNeeded(v("A B A A"), r)).toBe(4);
    // More judgments than max (recorded under a larger overlap): still max.
    expect(judgmentsNeeded(v("A B A A B"), r)).toBe(4);
    // An agreeing prefix stops the item whatever came after it.
    expect(judgmentsNeeded(v("B B A"), r)).toBe(2);
  });

  it("treats tie and both_bad as verdicts, and a judgment without a verdict as agreeing with nothing", () => {
    expect(judgmentsNeeded(v("tie tie"), rule(2, 3))).toBe(2);
    expect(judgmentsNeeded(v("both_bad both_bad"), rule(2, 3))).toBe(2);
    expect(judgmentsNeeded(v("tie both_bad"), rule(2, 3))).toBe(3);
    expect(judgmentsNeeded(v("- -"), rule(2, 3))).toBe(3);
  });

  it("stops once the leading verdict's share reaches the stopping agreement (at least min judgments)", () => {
    const r = rule(3, 5, 0.75);
    // A A B: 2/3 = 0.67 < 0.75 → a fourth; A A B A: 3/4 = 0.75 → stop at 4.
    expect(judgmentsNeeded(v("A A B"), r)).toBe(4);
    expect(judgmentsNeeded(v("A A B A"), r)).toBe(4);
    // A A B B: 0.5 → a fifth, the max.
    expect(judgmentsNeeded(v("A A B B"), r)).toBe(5);
    // 2/3 reaches 0.6 at min.
    expect(judgmentsNeeded(v("A B A"), rule(3, 5, 0.6))).toBe(3);
    // Below min nothing stops, not even unanimity.
    expect(meetsStopRule(v("A A"), r)).toBe(false);
    expect(meetsStopRule(v("A A A"), r)).toBe(true);
  });

  it("with min = max is a fixed overlap", () => {
    expect(judgmentsNeeded(v("A B"), rule(3, 3))).toBe(3);
    expect(judgmentsNeeded(v("A A A"), rule(3, 3))).toBe(3);
  });
});

describe("labelOf", () => {
  it("is the verdict of a strict majority, none on a tie between verdicts", () => {
    expect(labelOf(v("A A B"))).toBe("A");
    expect(labelOf(v("A B"))).toBe(null);
    expect(labelOf(v("A B tie"))).toBe(null);
    expect(labelOf(v("A A B B"))).toBe(null);
    expect(labelOf(v("tie"))).toBe("tie");
    expect(labelOf(v(""))).toBe(null);
    // A null vote counts in the total: 1 of 2 is no majority.
    expect(labelOf(v("A -"))).toBe(null);
  });
});

describe("replayOverlap", () => {
  it("counts judgments used and saved and labels changed, by hand", () => {
    const items = [
      v("A A A"), //   min 2 max 3: stops at 2 (A A) → used 2; label A = full label A.
      v("A B A"), //   needs 3 → used 3; label A both ways.
      v("A B B"), //   used 3; label B both ways.
      v("B B A"), //   used 2 → label B; full B B A → B: same.
      v("A A B B"), // used 2 → label A; full: 2–2, no label → changed (a label against none counts).
      v("A B"), //     needs 3 but has 2 → used 2; no label both ways: not a change.
      v("tie tie A"), // used 2 → tie; full: tie (2 of 3): same.
      v(""), //        no judgments: left out.
    ];
    expect(replayOverlap(items, rule(2, 3))).toEqual({ items: 7, judgments_full: 21, judgments_used: 16, saved: 5, labels_changed: 1 });
  });

  it("with a threshold, stops where the leading share first reaches it", () => {
    const items = [
      v("A A B A B"), // min 3 max 5 R 0.75: 2/3 → 4: A A B A = 0.75 stop; used 4 → A; full 3/5 → A.
      v("A B B B A"), // A B B: 0.67 → A B B B: 0.75 stop at 4 → B; full B (3/5).
      v("A B A B A"), // never reaches 0.75 before 5: used 5.
      v("B A A A A"), // B A A 0.67 → B A A A 0.75 stop at 4 → A; full A.
    ];
    expect(replayOverlap(items, rule(3, 5, 0.75))).toEqual({ items: 4, judgments_full: 20, judgments_used: 17, saved: 3, labels_changed: 0 });
    // Without the threshold every one of them runs to 5.
    expect(replayOverlap(items, rule(3, 5)).judgments_used).toBe(20);
  });
});

describe("adaptiveFigures", () => {
  it("reports judgments spent against a fixed overlap of max and the labels of finished items", () => {
    const f = adaptiveFigures(
      [
        { votes: v("A A"), extra: 0 }, //     finished early, label A, share 1
        { votes: v("A B A B"), extra: 0 }, // finished at max, no majority, share 0.5
        { votes: v("A B B B"), extra: 0 }, // finished at max, label B, share 0.75
        { votes: v("A B"), extra: 0 }, //     open (needs 3)
        { votes: v("A A"), extra: 1 }, //     open: sent back for one more
        { votes: v(""), extra: 0 }, //        open
      ],
      rule(2, 4),
    );
    expect(f).toEqual({
      min: 2,
      max: 4,
      stop_agreement: null,
      items: 6,
      stopped_early: 1,
      reached_max: 2,
      judgments: 14,
      fixed_judgments: 24,
      spent_share: 14 / 24,
      labeled: 2,
      no_majority: 1,
      label_agreement: (1 + 0.5 + 0.75) / 3,
    });
  });
});
