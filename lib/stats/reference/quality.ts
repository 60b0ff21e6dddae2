// Reference implementation of per-annotator quality over one object per judgment: speed, agreement
// with the other annotators, gold accuracy, tie habits and position bias. The project tally
// (lib/stats/tally.ts) computes the same figures from rows and is tested against this.

import { matchesGold } from "@/lib/formats/verdict";
import { latestByItem, verdictCategory } from "../agreement";
import { median } from "../bootstrap";
import { markOutliers } from "../quality";
import type { AnnotatorQuality, PairwiseCategory, PairwiseJudgment, QualityOptions } from "../types";

/**
 * Quality figures per annotator, sorted by annotator. Agreement with the others follows
 * agreement.ts (both_bad counts as a tie); gold accuracy is an exact verdict match (matchesGold),
 * so a both_bad judgment on a gold tie is wrong.
 *
 * - majority_agreement: over the items the annotator judged, the other annotators' judgments
 *   (their last one per item) are tallied; where one category has a strict majority of them
 *   (more than half — with a single other annotator, that annotator's verdict), the judgment
 *   agrees if it has that category. majority_n counts the items where such a majority existed.
 * - position_bias: among judgments that are not ties and carry displayFirst, the share that
 *   chose the candidate shown in slot A; 0.5 is unbiased.
 * - outliers: markOutliers (lib/stats/quality.ts), the one outlier rule.
 */
export function annotatorQuality(
  judgments: readonly PairwiseJudgment[],
  options: QualityOptions = {},
): AnnotatorQuality[] {
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
    const category = verdictCategory(judgment.verdict);
    tally.judgments++;
    const duration = judgment.durationMs;
    if (duration !== undefined && Number.isFinite(duration) && duration >= 0) {
      tally.durations.push(duration);
    }
    if (judgment.gold !== undefined) {
      tally.goldN++;
      if (matchesGold(judgment.verdict, judgment.gold)) tally.goldCorrect++;
    }
    if (category === "tie") tally.ties++;
    if (judgment.verdict === "both_bad") tally.bothBad++;
    if (category !== "tie" && judgment.displayFirst !== undefined) {
      tally.positionN++;
      if (judgment.verdict === judgment.displayFirst) tally.slotA++;
    }
    for (const flag of judgment.flags ?? []) tally.flags[flag] = (tally.flags[flag] ?? 0) + 1;
  }

  for (const byAnnotator of latestByItem(judgments).values()) {
    if (byAnnotator.size < 2) continue;
    const counts = { A: 0, tie: 0, B: 0 } satisfies Record<PairwiseCategory, number>;
    for (const judgment of byAnnotator.values()) counts[verdictCategory(judgment.verdict)]++;
    const others = byAnnotator.size - 1;
    for (const judgment of byAnnotator.values()) {
      const own = verdictCategory(judgment.verdict);
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

  markOutliers(rows, rows.map((row) => tallies.get(row.annotator)!.durations.length), options);
  return rows;
}
