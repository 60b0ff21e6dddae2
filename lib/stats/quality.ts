// Per-annotator quality signals for managers: speed, agreement with the other annotators, gold
// accuracy, tie habits and position bias, with a robust outlier rule to point at who to review.

import { latestByItem, pairwiseCategory } from "./agreement";
import { matchesGold } from "@/lib/formats/verdict";
import { median } from "./bootstrap";
import type {
  AnnotatorOutlier,
  AnnotatorQuality,
  PairwiseCategory,
  PairwiseJudgment,
  QualityOptions,
} from "./types";

/** Makes the MAD a consistent estimator of the standard deviation for normal data. */
const MAD_SCALE = 0.6745;
/** Same for the mean absolute deviation, used when over half the values are equal (MAD = 0). */
const MEAN_AD_SCALE = 1.253314;

/**
 * Quality figures per annotator, sorted by annotator. Agreement with the others follows
 * agreement.ts (both_bad counts as a tie); gold accuracy is an exact verdict match (matchesGold),
 * so a both_bad judgment on a gold tie is wrong.
 *
 * - majority_agreement: over the items the annotator judged, the other annotators' judgments
 *   (their last one per item) are tallied; where one category has a strict majority of them
 *   (more than half — with a single other annotator, that annotator's label), the judgment
 *   agrees if it has that category. majority_n counts the items where such a majority existed.
 * - position_bias: among judgments that are not ties and carry displayFirst, the share that
 *   chose the candidate shown in slot A; 0.5 is unbiased.
 * - outliers, by the modified z-score of Iglewicz & Hoaglin (0.6745·(x − median) / MAD, or
 *   (x − median) / (1.2533·mean absolute deviation) when the MAD is 0), computed across the
 *   annotators who have at least options.minN (default 10) values for that measure and flagged
 *   below −options.threshold (default 3.5): "low_agreement" on majority_agreement, and "fast" on
 *   log(1 + median_seconds) (durations are skewed, so the log keeps one slow annotator from
 *   hiding the fast ones). At least three eligible annotators are needed for either rule.
 */
export function annotatorQuality(
  judgments: readonly PairwiseJudgment[],
  options: QualityOptions = {},
): AnnotatorQuality[] {
  const { minN = 10, threshold = 3.5 } = options;

  interface Tally {
    judgments: number;
    durations: number[];
    majorityAgree: number;
    majorityN: number;
    goldCorrect: number;
    goldN: number;
    ties: number;
    bothBad: number;
    slotA: number;
    positionN: number;
    flags: Record<string, number>;
  }
  const tallies = new Map<string, Tally>();
  const tallyOf = (annotator: string): Tally => {
    let tally = tallies.get(annotator);
    if (!tally) {
      tally = {
        judgments: 0,
        durations: [],
        majorityAgree: 0,
        majorityN: 0,
        goldCorrect: 0,
        goldN: 0,
        ties: 0,
        bothBad: 0,
        slotA: 0,
        positionN: 0,
        flags: {},
      };
      tallies.set(annotator, tally);
    }
    return tally;
  };

  for (const judgment of judgments) {
    const tally = tallyOf(judgment.annotator);
    const category = pairwiseCategory(judgment.outcome);
    tally.judgments++;
    const duration = judgment.durationMs;
    if (duration !== undefined && Number.isFinite(duration) && duration >= 0) {
      tally.durations.push(duration);
    }
    if (judgment.gold !== undefined) {
      tally.goldN++;
      if (matchesGold(judgment.outcome, judgment.gold)) tally.goldCorrect++;
    }
    if (category === "tie") tally.ties++;
    if (judgment.outcome === "both_bad") tally.bothBad++;
    if (category !== "tie" && judgment.displayFirst !== undefined) {
      tally.positionN++;
      if (judgment.outcome === judgment.displayFirst) tally.slotA++;
    }
    for (const flag of judgment.flags ?? []) tally.flags[flag] = (tally.flags[flag] ?? 0) + 1;
  }

  for (const byAnnotator of latestByItem(judgments).values()) {
    if (byAnnotator.size < 2) continue;
    const counts = { A: 0, tie: 0, B: 0 } satisfies Record<PairwiseCategory, number>;
    for (const judgment of byAnnotator.values()) counts[pairwiseCategory(judgment.outcome)]++;
    const others = byAnnotator.size - 1;
    for (const judgment of byAnnotator.values()) {
      const own = pairwiseCategory(judgment.outcome);
      let majority: PairwiseCategory | null = null;
      for (const category of ["A", "tie", "B"] as const) {
        const count = counts[category] - (category === own ? 1 : 0);
        if (count * 2 > others) majority = category;
      }
      if (majority === null) continue;
      const tally = tallyOf(judgment.annotator);
      tally.majorityN++;
      if (majority === own) tally.majorityAgree++;
    }
  }

  const rows = [...tallies.entries()]
    .sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0))
    .map(([annotator, t]): AnnotatorQuality => {
      const medianMs = median(t.durations);
      return {
        annotator,
        judgments: t.judgments,
        median_seconds: medianMs === null ? null : medianMs / 1000,
        majority_agreement: t.majorityN > 0 ? t.majorityAgree / t.majorityN : null,
        majority_n: t.majorityN,
        gold_accuracy: t.goldN > 0 ? t.goldCorrect / t.goldN : null,
        gold_n: t.goldN,
        tie_rate: t.judgments > 0 ? t.ties / t.judgments : null,
        both_bad_rate: t.judgments > 0 ? t.bothBad / t.judgments : null,
        position_bias: t.positionN > 0 ? t.slotA / t.positionN : null,
        position_n: t.positionN,
        flags: t.flags,
        outliers: [],
      };
    });

  markLowOutliers(
    rows,
    (row) => (row.majority_n >= minN ? row.majority_agreement : null),
    threshold,
    "low_agreement",
  );
  markLowOutliers(
    rows,
    (row) =>
      row.median_seconds !== null && tallies.get(row.annotator)!.durations.length >= minN
        ? Math.log1p(row.median_seconds)
        : null,
    threshold,
    "fast",
  );
  return rows;
}

/** Adds `marker` to the rows whose measure is a low outlier by the rule above (exported for callers that tally on their own). */
export function markLowOutliers(
  rows: AnnotatorQuality[],
  measure: (row: AnnotatorQuality) => number | null,
  threshold: number,
  marker: AnnotatorOutlier,
): void {
  const eligible = rows
    .map((row) => ({ row, value: measure(row) }))
    .filter((entry): entry is { row: AnnotatorQuality; value: number } => entry.value !== null);
  if (eligible.length < 3) return;
  const center = median(eligible.map((entry) => entry.value))!;
  const deviations = eligible.map((entry) => Math.abs(entry.value - center));
  const mad = median(deviations)!;
  const meanAd = deviations.reduce((sum, d) => sum + d, 0) / deviations.length;
  const scale = mad > 0 ? mad / MAD_SCALE : meanAd > 0 ? MEAN_AD_SCALE * meanAd : 0;
  if (scale === 0) return;
  for (const { row, value } of eligible) {
    if ((value - center) / scale < -threshold) row.outliers.push(marker);
  }
}
