// AI judge against humans: how far a judge's pairwise verdicts agree with the human majority on the
// same items (Cohen's kappa and accuracy with bootstrap intervals over items, per metadata slice),
// and how often its verdict survives swapping the two responses. Pure: plain arrays in, rows out.
//
// Rules:
// - A judge sees an item in both orders. Each run's choice (the slot it preferred) becomes a verdict
//   in the item's own order through verdictOfChoice, the one conversion. When both orders were run
//   and their verdicts fall in the same category (A, tie, B; both_bad counts as a tie), that is the
//   judge's verdict and the item is position-consistent; when they differ — the verdict flips with
//   the order, or one order says tie — the judge's verdict is a tie and the item is
//   position-inconsistent (as MT-bench scores it). An item run in one order only has that run's
//   verdict and does not count towards the position-consistency rate.
// - The human majority of an item is the category given by more than half of its human judgments
//   (the last judgment per annotator). With one annotator it is that annotator's verdict; with two
//   it exists exactly where they agree; items without a strict majority are left out.
// - Kappa and accuracy are over the items with both a judge verdict and a human majority, in the
//   three categories A < tie < B.
// - A metadata slice of an item (itemSliceValue) is the item's own value of the key (a prompt's
//   category, say); without one, the value its two candidates share, or both values in code-unit
//   order joined by " vs " when they differ ("gpt-4 vs llama"; a candidate without one is "(none)",
//   last); null when none says anything.

import { verdictOfChoice, type Verdict } from "@/lib/formats/verdict";
import { CHOICES, type Choice } from "@/lib/formats/record";
import { cohenKappa, compareStrings, latestByItem, verdictCategory } from "./agreement";
import { bootstrapItems, DEFAULT_ROUNDS, DEFAULT_SEED } from "./bootstrap";
import type { JudgeFigures, PairwiseCategory, PairwiseJudgment } from "./types";

/** One run of a judge on one item: the slot it chose, and whether the item's responses were shown swapped (B first). */
export interface JudgeRun {
  judge: string;
  item: string;
  swapped: boolean;
  choice: Choice;
}

/** The judge's verdict on one item after combining its runs. */
export interface JudgeItemVerdict {
  judge: string;
  item: string;
  /** The combined verdict's category. */
  category: PairwiseCategory;
  /** Null when the item was run in one order only. */
  consistent: boolean | null;
}

export interface JudgeAgreement extends JudgeFigures {
  /** Items run in both orders. */
  position_n: number;
}

export interface JudgeRow extends JudgeAgreement {
  name: string;
  /** With a slice map: the same figures per slice value (sorted; items without a value under null, last). */
  slices?: ({ value: string | null } & JudgeAgreement)[];
}

export interface JudgeOptions {
  rounds?: number;
  seed?: number;
  /** Item → its value of the metadata key to slice by; figures are then also given per value. */
  slice?: ReadonlyMap<string, string | null>;
}

/** A metadata value as a slice name: text as it is, numbers and booleans as written, anything else as JSON; null when absent. */
function sliceText(raw: unknown): string | null {
  if (raw === undefined || raw === null) return null;
  return typeof raw === "string" ? raw : typeof raw === "number" || typeof raw === "boolean" ? String(raw) : JSON.stringify(raw);
}

/** The slice an item falls in for a metadata key: its own value, else its candidates' (see the rules at the top). */
export function itemSliceValue(itemValue: unknown, candidateValues: readonly unknown[]): string | null {
  const own = sliceText(itemValue);
  if (own !== null) return own;
  const texts = candidateValues.map(sliceText);
  const present = texts.filter((v): v is string => v !== null);
  if (present.length === 0) return null;
  const distinct = [...new Set(present)].sort(compareStrings);
  if (distinct.length === 1 && present.length === texts.length) return distinct[0];
  // A candidate without a value is "(none)", named last.
  return (present.length < texts.length ? [...distinct, "(none)"] : distinct).join(" vs ");
}

/** Slot order for an item shown straight ([0, 1]) or swapped ([1, 0]); candidates are the item's positions. */
const STRAIGHT = [0, 1] as const;
const SWAPPED = [1, 0] as const;

function runVerdict(run: JudgeRun, where: number): Verdict {
  const verdict = (CHOICES as readonly string[]).includes(run.choice) ? verdictOfChoice(run.choice, run.swapped ? SWAPPED : STRAIGHT, STRAIGHT) : null;
  if (verdict === null) throw new RangeError(`judge run ${where} (${run.judge}, item ${run.item}): unknown choice ${JSON.stringify(run.choice)}`);
  return verdict;
}

/**
 * Each judge's verdict per item from its runs (the last run per judge, item and order counts).
 * Judges and items in order of first appearance.
 */
export function judgeVerdicts(runs: readonly JudgeRun[]): JudgeItemVerdict[] {
  const byKey = new Map<string, { judge: string; item: string; straight?: Verdict; swapped?: Verdict }>();
  runs.forEach((run, where) => {
    const verdict = runVerdict(run, where);
    const key = JSON.stringify([run.judge, run.item]);
    let entry = byKey.get(key);
    if (!entry) byKey.set(key, (entry = { judge: run.judge, item: run.item }));
    if (run.swapped) entry.swapped = verdict;
    else entry.straight = verdict;
  });
  return [...byKey.values()].map(({ judge, item, straight, swapped }) => {
    if (straight !== undefined && swapped !== undefined) {
      const a = verdictCategory(straight);
      const b = verdictCategory(swapped);
      return a === b ? { judge, item, category: a, consistent: true } : { judge, item, category: "tie", consistent: false };
    }
    return { judge, item, category: verdictCategory((straight ?? swapped)!), consistent: null };
  });
}

/** The strict-majority category of each item's human judgments (last per annotator); items without one are absent. */
export function humanMajority(judgments: readonly PairwiseJudgment[]): Map<string, PairwiseCategory> {
  const majority = new Map<string, PairwiseCategory>();
  for (const [item, byAnnotator] of latestByItem(judgments)) {
    const counts = new Map<PairwiseCategory, number>();
    for (const j of byAnnotator.values()) {
      const c = verdictCategory(j.verdict);
      counts.set(c, (counts.get(c) ?? 0) + 1);
    }
    for (const [c, n] of counts) if (2 * n > byAnnotator.size) majority.set(item, c);
  }
  return majority;
}

interface Paired {
  item: string;
  judge: PairwiseCategory;
  human: PairwiseCategory;
}

function kappaOf(sample: readonly Paired[]): number | null {
  return cohenKappa(
    sample.map((p) => p.judge),
    sample.map((p) => p.human),
  );
}

function accuracyOf(sample: readonly Paired[]): number | null {
  return sample.length === 0 ? null : sample.filter((p) => p.judge === p.human).length / sample.length;
}

function agreement(verdicts: readonly JudgeItemVerdict[], majority: ReadonlyMap<string, PairwiseCategory>, rounds: number, seed: number): JudgeAgreement {
  const paired: Paired[] = [];
  let positionN = 0;
  let consistent = 0;
  for (const v of verdicts) {
    if (v.consistent !== null) {
      positionN++;
      if (v.consistent) consistent++;
    }
    const human = majority.get(v.item);
    if (human !== undefined) paired.push({ item: v.item, judge: v.category, human });
  }
  const kappa = bootstrapItems(paired, kappaOf, { rounds, seed });
  const accuracy = bootstrapItems(paired, accuracyOf, { rounds, seed });
  return {
    n: paired.length,
    kappa: kappa.estimate,
    kappa_ci_low: kappa.ci_low,
    kappa_ci_high: kappa.ci_high,
    accuracy: accuracy.estimate,
    accuracy_ci_low: accuracy.ci_low,
    accuracy_ci_high: accuracy.ci_high,
    position_consistency: positionN > 0 ? consistent / positionN : null,
    position_n: positionN,
  };
}

/**
 * One row per judge (by name): its agreement with the human majority and its position consistency,
 * and with options.slice the same per slice value. Human judgments are verdicts in item order;
 * judge runs are choices with the order they were shown in (see the rules at the top).
 */
export function judgeAgreement(humans: readonly PairwiseJudgment[], runs: readonly JudgeRun[], options: JudgeOptions = {}): JudgeRow[] {
  const { rounds = DEFAULT_ROUNDS, seed = DEFAULT_SEED, slice } = options;
  const majority = humanMajority(humans);
  const byJudge = new Map<string, JudgeItemVerdict[]>();
  for (const v of judgeVerdicts(runs)) {
    const list = byJudge.get(v.judge);
    if (list) list.push(v);
    else byJudge.set(v.judge, [v]);
  }
  return [...byJudge.keys()].sort(compareStrings).map((name) => {
    const verdicts = byJudge.get(name)!;
    const row: JudgeRow = { name, ...agreement(verdicts, majority, rounds, seed) };
    if (slice) {
      const groups = new Map<string | null, JudgeItemVerdict[]>();
      for (const v of verdicts) {
        const value = slice.get(v.item) ?? null;
        const list = groups.get(value);
        if (list) list.push(v);
        else groups.set(value, [v]);
      }
      const values = [...groups.keys()].sort((x, y) => (x === null ? 1 : y === null ? -1 : compareStrings(x, y)));
      row.slices = values.map((value) => ({ value, ...agreement(groups.get(value)!, majority, rounds, seed) }));
    }
    return row;
  });
}
