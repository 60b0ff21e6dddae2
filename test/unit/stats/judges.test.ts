import fs from "node:fs";
import { describe, expect, it } from "vitest";
import { humanMajority, itemSliceValue, judgeAgreement, judgeVerdicts, type JudgeRun, type PairwiseJudgment, type Verdict } from "@/lib/stats";
import type { Choice } from "@/lib/formats/record";
import { cohenKappaPairs } from "@/lib/stats/reference";
import { needsSharedData, PANDALM_TEST } from "../../helpers/shared-data";

/** A judge's two runs on an item: the slot chosen with the item shown straight, then swapped. */
function bothOrders(judge: string, item: string, straight: Choice, swapped: Choice): JudgeRun[] {
  return [
    { judge, item, swapped: false, choice: straight },
    { judge, item, swapped: true, choice: swapped },
  ];
}

const human = (item: string, annotator: string, verdict: Verdict): PairwiseJudgment => ({ item, annotator, verdict });

describe("judge verdicts from both orders", () => {
  it("maps a swapped run's slot back to the item's order and keeps a verdict that survives the swap", () => {
    // Shown swapped, slot B holds the item's first response: choosing B is verdict A.
    expect(judgeVerdicts(bothOrders("j", "1", "A", "B"))).toEqual([{ judge: "j", item: "1", category: "A", consistent: true }]);
    expect(judgeVerdicts(bothOrders("j", "2", "B", "A"))).toEqual([{ judge: "j", item: "2", category: "B", consistent: true }]);
    expect(judgeVerdicts(bothOrders("j", "3", "tie", "tie"))).toEqual([{ judge: "j", item: "3", category: "tie", consistent: true }]);
    // both_bad and tie are one category.
    expect(judgeVerdicts(bothOrders("j", "4", "both_bad", "tie"))).toEqual([{ judge: "j", item: "4", category: "tie", consistent: true }]);
  });

  it("makes a verdict that flips with the order a position-inconsistent tie", () => {
    // Always the first slot shown: A straight, B swapped.
    expect(judgeVerdicts(bothOrders("j", "1", "A", "A"))).toEqual([{ judge: "j", item: "1", category: "tie", consistent: false }]);
    expect(judgeVerdicts(bothOrders("j", "2", "B", "B"))).toEqual([{ judge: "j", item: "2", category: "tie", consistent: false }]);
    // A win in one order and a tie in the other is not consistent either.
    expect(judgeVerdicts(bothOrders("j", "3", "A", "tie"))).toEqual([{ judge: "j", item: "3", category: "tie", consistent: false }]);
  });

  it("keeps a one-order verdict without counting it for consistency, and the last run per order", () => {
    expect(
      judgeVerdicts([
        { judge: "j", item: "1", swapped: true, choice: "A" },
        { judge: "j", item: "2", swapped: false, choice: "B" },
        { judge: "j", item: "2", swapped: false, choice: "A" },
      ]),
    ).toEqual([
      { judge: "j", item: "1", category: "B", consistent: null },
      { judge: "j", item: "2", category: "A", consistent: null },
    ]);
  });

  it("refuses an unknown choice, naming the run", () => {
    expect(() => judgeVerdicts([{ judge: "j", item: "7", swapped: false, choice: "C" as Choice }])).toThrow('judge run 0 (j, item 7): unknown choice "C"');
  });
});

describe("human majority", () => {
  it("is the strict majority of the last judgment per annotator; two annotators have one where they agree", () => {
    const majority = humanMajority([
      human("1", "x", "A"),
      human("1", "y", "A"),
      human("2", "x", "A"),
      human("2", "y", "B"),
      human("3", "x", "tie"),
      human("3", "y", "both_bad"),
      human("4", "x", "A"),
      human("4", "y", "B"),
      human("4", "z", "B"),
      human("5", "x", "A"),
      human("5", "y", "B"),
      human("5", "z", "tie"),
      human("6", "x", "B"),
      human("6", "x", "A"),
      human("6", "y", "A"),
    ]);
    expect(Object.fromEntries(majority)).toEqual({ "1": "A", "3": "tie", "4": "B", "6": "A" });
  });
});

describe("judgeAgreement", () => {
  // Majorities A, A, B, tie; the judge says A, B, B, tie. Observed 3/4; judge marginals A 1, B 2,
  // tie 1; human A 2, B 1, tie 1: pe = (1·2 + 2·1 + 1·1)/16 = 5/16, kappa = (12 − 5)/(16 − 5) = 7/11.
  const humans = [
    ...["x", "y"].map((a) => human("1", a, "A")),
    ...["x", "y"].map((a) => human("2", a, "A")),
    ...["x", "y"].map((a) => human("3", a, "B")),
    ...["x", "y"].map((a) => human("4", a, "tie")),
    human("5", "x", "A"),
    human("5", "y", "B"),
  ];
  const runs = [
    ...bothOrders("judge-1", "1", "A", "B"),
    ...bothOrders("judge-1", "2", "B", "A"),
    ...bothOrders("judge-1", "3", "B", "A"),
    ...bothOrders("judge-1", "4", "A", "A"),
    // No human majority: counts for consistency, not for kappa.
    ...bothOrders("judge-1", "5", "A", "B"),
    ...bothOrders("judge-0", "1", "A", "A"),
  ];

  it("gives kappa and accuracy against the human majority, exactly, and the position-consistency rate", () => {
    const [first, second] = judgeAgreement(humans, runs, { rounds: 0 });
    expect(first.name).toBe("judge-0");
    expect(first).toMatchObject({ n: 1, accuracy: 0, position_consistency: 0, position_n: 1 });
    expect(second.name).toBe("judge-1");
    expect(second.n).toBe(4);
    expect(second.kappa).toBeCloseTo(7 / 11, 12);
    expect(second.accuracy).toBe(0.75);
    // Item 4 flipped (first slot both times): a tie, which happens to match the human tie.
    expect(second.position_consistency).toBe(4 / 5);
    expect(second.position_n).toBe(5);
    expect([second.kappa_ci_low, second.kappa_ci_high, second.accuracy_ci_low, second.accuracy_ci_high]).toEqual([null, null, null, null]);
  });

  it("gives seeded bootstrap intervals over items that contain the estimate", () => {
    const rows = judgeAgreement(humans, runs, { rounds: 300, seed: 5 });
    expect(judgeAgreement(humans, runs, { rounds: 300, seed: 5 })).toEqual(rows);
    const row = rows[1];
    expect(row.accuracy_ci_low!).toBeLessThanOrEqual(0.75);
    expect(row.accuracy_ci_high!).toBeGreaterThanOrEqual(0.75);
    expect(row.accuracy_ci_low!).toBeGreaterThanOrEqual(0);
    expect(row.accuracy_ci_high!).toBeLessThanOrEqual(1);
    expect(row.kappa_ci_low!).toBeLessThan(row.kappa!);
    expect(row.kappa_ci_high!).toBeLessThanOrEqual(1);
  });

  it("gives the same figures per metadata slice, items without a value last", () => {
    const slice = new Map<string, string | null>([
      ["1", "coding"],
      ["2", "coding"],
      ["3", "writing"],
      ["4", "writing"],
    ]);
    const [, row] = judgeAgreement(humans, runs, { rounds: 0, slice });
    expect(row.slices!.map((s) => [s.value, s.n, s.accuracy, s.position_consistency])).toEqual([
      ["coding", 2, 0.5, 1],
      ["writing", 2, 1, 0.5],
      [null, 0, null, 1],
    ]);
    // coding: majorities A, A against A, B: the judge's B never matches, pe = (1·2)/4 = 1/2, kappa = 0.
    expect(row.slices![0].kappa).toBe(0);
  });

  it("puts an item in the slice of its own value, else of its candidates' shared or paired values", () => {
    expect(itemSliceValue("coding", ["gpt", "llama"])).toBe("coding");
    expect(itemSliceValue(3, [])).toBe("3");
    expect(itemSliceValue(false, [])).toBe("false");
    expect(itemSliceValue({ level: 2 }, [])).toBe('{"level":2}');
    expect(itemSliceValue(undefined, ["gpt", "gpt"])).toBe("gpt");
    // Paired values in code-unit order, whichever side holds which.
    expect(itemSliceValue(null, ["llama", "gpt"])).toBe("gpt vs llama");
    expect(itemSliceValue(null, ["gpt", "llama"])).toBe("gpt vs llama");
    expect(itemSliceValue(null, [0.7, 0.2])).toBe("0.2 vs 0.7");
    expect(itemSliceValue(null, [null, "gpt"])).toBe("gpt vs (none)");
    expect(itemSliceValue(null, [undefined, null])).toBeNull();
    expect(itemSliceValue(undefined, [])).toBeNull();
  });
});

interface PandaItem {
  idx: number;
  annotator1: number;
  annotator2: number;
  annotator3: number;
}
const ANNOTATORS = ["annotator1", "annotator2", "annotator3"] as const;
const LABEL: Record<number, Verdict> = { 0: "tie", 1: "A", 2: "B" };
/** The slot a judge picks when shown the item swapped, for the same verdict in item order. */
const SWAP: Record<Verdict, Choice> = { A: "B", B: "A", tie: "tie", both_bad: "both_bad" };

const shared = needsSharedData(PANDALM_TEST);

shared.describe("PandaLM: one annotator as a judge against the others as humans", () => {
  const items = shared.missing ? [] : (JSON.parse(fs.readFileSync(shared.files[0], "utf8")) as PandaItem[]);
  const labels = (annotator: (typeof ANNOTATORS)[number]) =>
    items.map((item): PairwiseJudgment => ({ item: String(item.idx), annotator, verdict: LABEL[item[annotator]] }));
  /** The annotator's labels as a judge that saw every item in both orders and never flipped. */
  const asJudge = (annotator: (typeof ANNOTATORS)[number]): JudgeRun[] =>
    labels(annotator).flatMap((j) => bothOrders(annotator, j.item, j.verdict, SWAP[j.verdict]));

  it("with one human, the judge's kappa is the published pairwise kappa (0.85 / 0.88 / 0.86)", () => {
    const published: [number, number, number][] = [
      [0, 1, 0.85202],
      [0, 2, 0.87894],
      [1, 2, 0.86166],
    ];
    for (const [h, j, kappa] of published) {
      const [row] = judgeAgreement(labels(ANNOTATORS[h]), asJudge(ANNOTATORS[j]), { rounds: 0 });
      expect(row.n).toBe(999);
      expect(row.kappa).toBeCloseTo(kappa, 5);
      expect(row.position_consistency).toBe(1);
    }
  });

  it("with two humans, the majority is where they agree, and the judge's kappa is its pairwise kappa with either on those items", () => {
    // Annotators 1 and 2 agree on 912 of the 999 items (the PandaLM agreement test counts them).
    const humans = [...labels("annotator1"), ...labels("annotator2")];
    const [row] = judgeAgreement(humans, asJudge("annotator3"), { rounds: 200, seed: 1 });
    expect(row.name).toBe("annotator3");
    expect(row.n).toBe(912);
    // Independent figure: the reference pairwise kappa of annotators 1 and 3 on the items where 1 and 2 agree.
    const agreed = new Set(items.filter((i) => i.annotator1 === i.annotator2).map((i) => String(i.idx)));
    const onAgreed = [...labels("annotator1"), ...labels("annotator3")].filter((j) => agreed.has(j.item));
    const [pair] = cohenKappaPairs(onAgreed);
    expect([pair.a, pair.b, pair.n]).toEqual(["annotator1", "annotator3", 912]);
    expect(row.kappa).toBeCloseTo(pair.kappa!, 12);
    const correct = items.filter((i) => agreed.has(String(i.idx)) && i.annotator3 === i.annotator1).length;
    expect(row.accuracy).toBeCloseTo(correct / 912, 12);
    expect(row.kappa_ci_low!).toBeLessThan(row.kappa!);
    expect(row.kappa_ci_high!).toBeGreaterThan(row.kappa!);
    // Agreeing with the humans where they agree comes out above its kappa with either of them on all items.
    expect(row.kappa!).toBeGreaterThan(0.87894);
  });
});
