// The outlier rule for annotator quality: which annotators a manager should review. The figures
// themselves are tallied by lib/stats/tally.ts (reference/quality.ts has their readable definition);
// both flag outliers here, so the rule lives once.

import { median } from "./bootstrap";
import type { AnnotatorOutlier, AnnotatorQuality, QualityOptions } from "./types";

/** Makes the MAD a consistent estimator of the standard deviation for normal data. */
const MAD_SCALE = 0.6745;
/** Same for the mean absolute deviation, used when over half the values are equal (MAD = 0). */
const MEAN_AD_SCALE = 1.253314;
export const DEFAULT_MIN_N = 10;
export const DEFAULT_THRESHOLD = 3.5;

/**
 * Fills `outliers` of each row, by the modified z-score of Iglewicz & Hoaglin (0.6745·(x − median)
 * / MAD, or (x − median) / (1.2533·mean absolute deviation) when the MAD is 0), computed across the
 * annotators who have at least options.minN (default 10) values for that measure and flagged below
 * −options.threshold (default 3.5): "low_agreement" on majority_agreement (values: majority_n), and
 * "fast" on log(1 + median_seconds) (values: durations[i], the durations behind row i's median;
 * durations are skewed, so the log keeps one slow annotator from hiding the fast ones). At least
 * three eligible annotators are needed for either rule.
 */
export function markOutliers(rows: readonly AnnotatorQuality[], durations: readonly number[], options: QualityOptions = {}): void {
  const { minN = DEFAULT_MIN_N, threshold = DEFAULT_THRESHOLD } = options;
  markLowOutliers(rows, (row) => (row.majority_n >= minN ? row.majority_agreement : null), threshold, "low_agreement");
  markLowOutliers(rows, (row, i) => (row.median_seconds !== null && durations[i] >= minN ? Math.log1p(row.median_seconds) : null), threshold, "fast");
}

/** Adds `marker` to the rows whose measure is a low outlier by the rule above. */
function markLowOutliers(
  rows: readonly AnnotatorQuality[],
  measure: (row: AnnotatorQuality, index: number) => number | null,
  threshold: number,
  marker: AnnotatorOutlier,
): void {
  const eligible = rows
    .map((row, i) => ({ row, value: measure(row, i) }))
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
