// Reference implementations of the pairwise agreement bootstrap: bootstrapItems over one object per
// judgment. pairwiseAgreementIntervals (lib/stats/counts.ts) draws the same items from per-item
// counts and is tested to give the same intervals.
import { percentAgreement } from "../agreement";
import { bootstrapItems } from "../bootstrap";
import type { AlphaMetric, BootstrapInterval, BootstrapOptions, PairwiseJudgment } from "../types";
import { pairwiseAlpha, pairwiseFleissKappa } from "./agreement";

export function percentAgreementCI(
  judgments: readonly PairwiseJudgment[],
  options: BootstrapOptions & { noTies?: boolean } = {},
): BootstrapInterval {
  const field = options.noTies ? "percent_no_ties" : "percent";
  return bootstrapItems(judgments, (sample) => percentAgreement(sample)[field], options);
}

export function fleissKappaCI(
  judgments: readonly PairwiseJudgment[],
  options: BootstrapOptions = {},
): BootstrapInterval {
  return bootstrapItems(judgments, (sample) => pairwiseFleissKappa(sample).kappa, options);
}

export function pairwiseAlphaCI(
  judgments: readonly PairwiseJudgment[],
  metric: AlphaMetric = "nominal",
  options: BootstrapOptions = {},
): BootstrapInterval {
  return bootstrapItems(judgments, (sample) => pairwiseAlpha(sample, metric).alpha, options);
}
