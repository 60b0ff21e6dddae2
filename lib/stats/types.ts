// Plain input and output shapes shared by the statistics modules, so callers (services, CLI, API,
// dashboards) can build inputs and read results without importing any of the math.
import type { Verdict } from "@/lib/formats/verdict";
import type { AdaptiveFigures } from "./adaptive";
import type { Projection } from "./projection";

/** A pairwise outcome in the item's own order (A/B = its first/second candidate, never a slot). */
export type { Verdict };

/** Agreement categories: both_bad counts as a tie (as Chatbot Arena does). */
export type PairwiseCategory = "A" | "tie" | "B";

export interface PairwiseJudgment {
  item: string;
  annotator: string;
  /** The judgment's verdict (item order). */
  verdict: Verdict;
  /** Time spent on the judgment, for annotator quality. */
  durationMs?: number;
  /** Which of the item's candidates (in its own order) was shown in slot A, for position bias. */
  displayFirst?: "A" | "B";
  /** The gold verdict when the item is a gold item. */
  gold?: Verdict;
  flags?: readonly string[];
}

/** Best first; an inner array is a group of candidates ranked equal. */
export type Ranking = readonly (string | readonly string[])[];

export interface RankingJudgment {
  item: string;
  annotator: string;
  ranking: Ranking;
}

export interface RatingValue {
  item: string;
  annotator: string;
  value: number;
}

export interface RatingJudgment extends RatingValue {
  criterion: string;
}

/** A value in a reliability data matrix; null (or undefined) is a missing value. */
export type ReliabilityValue = number | string | null | undefined;

export type AlphaMetric = "nominal" | "ordinal" | "interval";

/** Squared difference δ²(a, b) between two values, as in Krippendorff's definition of alpha. */
export type AlphaDistance = (a: number | string, b: number | string) => number;

// ---------------------------------------------------------------------------------------------
// Agreement results. A null statistic means it is undefined for the data: no pairable data, or
// no variation at all so that chance agreement is 1 (see each function for the exact rule).

export interface PercentAgreement {
  /** Agreeing pairs / all pairs of judgments on the same item, as a fraction in [0, 1]. */
  percent: number | null;
  n_pairs: number;
  /** Same, leaving out pairs where either judgment is a tie or both_bad (MT-bench style). */
  percent_no_ties: number | null;
  n_pairs_no_ties: number;
  /** Items with at least two judgments. */
  n_items: number;
  /** both_bad judgments among those items (counted as ties above). */
  both_bad: number;
}

export interface AnnotatorPairKappa {
  a: string;
  b: string;
  kappa: number | null;
  /** Items both annotators judged. */
  n: number;
}

export interface FleissKappa {
  kappa: number | null;
  /** Mean per-item agreement P̄. */
  observed: number | null;
  /** Chance agreement P̄e. */
  expected: number | null;
  /** Items with at least two ratings (the only ones used). */
  n_items: number;
  n_ratings: number;
}

export interface PairwiseFleissKappa extends FleissKappa {
  both_bad: number;
}

export interface PairwiseAlpha {
  alpha: number | null;
  n_items: number;
  n_judgments: number;
  both_bad: number;
}

export interface RatingAlpha {
  alpha: number | null;
  /** Items with at least two values (the only ones used). */
  n_items: number;
  n_values: number;
}

export interface CriterionAlpha extends RatingAlpha {
  criterion: string;
}

export interface AnnotatorPairTau {
  a: string;
  b: string;
  /** Mean tau-b over the items both ranked (items where tau is undefined are skipped). */
  tau: number | null;
  /** Items where tau was defined. */
  n: number;
}

export interface MeanPairwiseTau {
  /** Mean tau-b over every (item, annotator pair) where it is defined. */
  mean: number | null;
  n_pairs: number;
  by_annotator_pair: AnnotatorPairTau[];
}

export interface RankingAlpha {
  alpha: number | null;
  n_items: number;
  n_judgments: number;
}

// ---------------------------------------------------------------------------------------------
// Bootstrap

export interface BootstrapOptions {
  /** Resampling rounds; default 100. */
  rounds?: number;
  /** PRNG seed; default 1. The same seed gives the same interval. */
  seed?: number;
  /** Coverage of the percentile interval; default 0.95. */
  level?: number;
}

export interface BootstrapInterval {
  /** The statistic on the full data. */
  estimate: number | null;
  ci_low: number | null;
  ci_high: number | null;
  /** Rounds whose statistic was defined (the interval is taken over these). */
  rounds: number;
}

// ---------------------------------------------------------------------------------------------
// Leaderboard

export interface ModelComparison {
  modelA: string;
  modelB: string;
  verdict: Verdict;
}

export interface BradleyTerryOptions extends BootstrapOptions {
  /**
   * Strength λ of the Gaussian prior −λ/2·Σθ² applied only when the maximum-likelihood fit
   * does not exist (an undefeated model or a disconnected comparison graph); default 0.1.
   */
  prior?: number;
}

export interface LeaderboardRow {
  model: string;
  /** Elo scale: 1000 + 400·θ/ln 10, centred so that the mean rating is 1000. */
  rating: number;
  ci_low: number;
  ci_high: number;
  /** 1 + number of models whose ci_low is above this model's ci_high. */
  rank: number;
  wins: number;
  losses: number;
  /** Verdict "tie" only; both_bad is counted separately (both score as half a win). */
  ties: number;
  both_bad: number;
  n: number;
}

export interface WinRateMatrix {
  /** Row/column order, the same as the leaderboard rows. */
  models: string[];
  /** (wins + 0.5·(ties + both_bad)) / games of the row model against the column model. */
  matrix: (number | null)[][];
  games: number[][];
}

export interface Leaderboard {
  rows: LeaderboardRow[];
  win_rates: WinRateMatrix;
  /** Comparisons used; comparisons of a model against itself are left out. */
  n_comparisons: number;
  n_self_ignored: number;
  /** Whether the point fit needed the prior (maximum likelihood did not exist). */
  prior_used: boolean;
  rounds: number;
}

// ---------------------------------------------------------------------------------------------
// Annotator quality

export type AnnotatorOutlier = "low_agreement" | "fast";

export interface QualityOptions {
  /** Minimum values an annotator needs to take part in an outlier rule; default 10. */
  minN?: number;
  /** Modified z-score beyond which an annotator is an outlier; default 3.5. */
  threshold?: number;
}

export interface AnnotatorQuality {
  annotator: string;
  judgments: number;
  median_seconds: number | null;
  /** Share of judgments matching the strict majority of the other annotators on the item. */
  majority_agreement: number | null;
  majority_n: number;
  /** Share of judgments on gold items whose verdict equals the gold verdict exactly (matchesGold). */
  gold_accuracy: number | null;
  gold_n: number;
  /** Share of judgments that are tie or both_bad. */
  tie_rate: number | null;
  both_bad_rate: number | null;
  /** Share of non-tie choices that went to the candidate shown in slot A. */
  position_bias: number | null;
  position_n: number;
  flags: Record<string, number>;
  outliers: AnnotatorOutlier[];
}

// ---------------------------------------------------------------------------------------------
// Breakdown

export interface BreakdownComparison {
  verdict: Verdict;
  metadataA: Readonly<Record<string, unknown>>;
  metadataB: Readonly<Record<string, unknown>>;
}

export type MetadataValue = string | number | boolean | null;

export interface NumericSummary {
  mean: number | null;
  p95: number | null;
  n: number;
}

export interface BreakdownRow {
  /** The metadata value; null when the key is missing. */
  value: MetadataValue;
  /** (wins + 0.5·(ties + both_bad)) / n against candidates with a different value. */
  win_rate: number | null;
  /** Wilson 95% interval. */
  ci_low: number | null;
  ci_high: number | null;
  n: number;
  wins: number;
  losses: number;
  ties: number;
  both_bad: number;
  /** Comparisons where both candidates had this value (not in the win rate). */
  n_same: number;
  numeric: Record<string, NumericSummary>;
}

export interface BreakdownOptions {
  /** Numeric metadata fields to summarise; default: every field holding a finite number. */
  numericFields?: readonly string[];
}

// ---------------------------------------------------------------------------------------------
// Contender leaderboard (lib/stats/contenders.ts)

export interface CriterionMean {
  mean: number;
  ci_low: number | null;
  ci_high: number | null;
  /** Ratings averaged. */
  n: number;
}

export interface ContenderRow {
  /** The contender's name, with `@vN` when its responses record a version. */
  name: string;
  /** Elo scale (1000 + 400·θ/ln 10, mean 1000 over the rated versions); null without comparisons. */
  rating: number | null;
  ci_low: number | null;
  ci_high: number | null;
  /** (wins + ½·ties) / n, both_bad counting as a tie. */
  win_rate: number | null;
  /** Comparisons with another contender version. */
  n: number;
  median_latency_ms: number | null;
  p90_latency_ms: number | null;
  median_ttft_ms: number | null;
  mean_completion_tokens: number | null;
  /** Mean cost of a response × 1000, over the responses with a recorded cost. */
  cost_per_1k_usd: number | null;
  /** Per criterion (sorted by name): mean rating with its 95% bootstrap interval over items. */
  ratings: Record<string, CriterionMean>;
}

// ---------------------------------------------------------------------------------------------
// Project statistics: what the dashboard, `arbiter stats --json` and the stats API show
// (README "Project statistics"). lib/stats/tally.ts computes ProjectFigures; the stats service adds
// the project, the time and the options.

export interface Interval {
  low: number | null;
  high: number | null;
  /** Bootstrap rounds where the figure was defined. */
  rounds: number;
}

export interface AnnotatorStats extends AnnotatorQuality {
  user_id: number;
  email: string;
  name: string;
  /** Whose judgments were imported (cannot sign in). */
  external: boolean;
}

export interface ProgressDay {
  /** UTC day, YYYY-MM-DD. */
  date: string;
  judgments: number;
  /** Items whose last wanted judgment (overlap plus any sent back) arrived that day. */
  completed: number;
  cumulative_judgments: number;
  cumulative_completed: number;
}

/** One UTC hour of a young project's progress (the dashboard charts hours until there are more than two days). */
export interface ProgressHour {
  /** The hour's start, ISO 8601 UTC: `2026-01-05T14:00Z`. */
  hour: string;
  judgments: number;
  completed: number;
  cumulative_judgments: number;
  cumulative_completed: number;
}

export interface ProjectFigures {
  items: number;
  judgments: number;
  complete_items: number;
  judgment_types: Record<string, number>;
  agreement: {
    /** Items with at least two pairwise judgments, and the judgments on them. */
    n_items: number;
    n_judgments: number;
    n_pairs: number;
    n_pairs_no_ties: number;
    both_bad: number;
    /**
     * The same items (two or more pairwise judgments, so the four add up to n_items) by the strict
     * majority of their verdicts (both_bad counts as tie); none: no majority.
     */
    majority: { A: number; tie: number; B: number; none: number };
    percent: number | null;
    percent_ci: Interval;
    percent_no_ties: number | null;
    percent_no_ties_ci: Interval;
    cohen_kappa: { a: string; b: string; kappa: number | null; n: number }[];
    fleiss_kappa: number | null;
    fleiss_kappa_ci: Interval;
    krippendorff_alpha_nominal: number | null;
    krippendorff_alpha_nominal_ci: Interval;
    krippendorff_alpha_ordinal: number | null;
    krippendorff_alpha_ordinal_ci: Interval;
  };
  ratings: { criterion: string; alpha: number | null; n_items: number; n_values: number; ci: Interval }[];
  rankings: {
    tau_mean: number | null;
    n_pairs: number;
    by_annotator_pair: { a: string; b: string; tau: number | null; n: number }[];
    alpha: number | null;
    n_items: number;
    n_judgments: number;
  } | null;
  annotators: AnnotatorStats[];
  leaderboard: LeaderboardRow[];
  win_rates: WinRateMatrix;
  leaderboard_info: { n_comparisons: number; n_self_ignored: number; prior_used: boolean; rounds: number };
  breakdown: { key: string; rows: BreakdownRow[] } | null;
  progress: {
    per_day: ProgressDay[];
    /** Every hour from the first judgment's to the last's, when they are at most 48 hours apart; empty otherwise. */
    per_hour: ProgressHour[];
    per_annotator_day: { date: string; annotator: string; judgments: number }[];
    /** When the project will be complete, and whether there is enough data to say (lib/stats/projection.ts). */
    projection: Projection;
  };
}

/** An AI judge's agreement with the human majority on a set of items (lib/stats/judges.ts). */
export interface JudgeFigures {
  /** Items with a judge verdict and a human majority. */
  n: number;
  kappa: number | null;
  kappa_ci_low: number | null;
  kappa_ci_high: number | null;
  accuracy: number | null;
  accuracy_ci_low: number | null;
  accuracy_ci_high: number | null;
  /** Share of the judged items whose verdict did not change when the two responses were swapped. */
  position_consistency: number | null;
}

/** An AI judge against the human majority, as `stats --json` shows it. */
export interface JudgeStatsRow extends JudgeFigures {
  name: string;
  /** With `by`: the same figures per slice of the items by that metadata key (lib/stats/judges.ts itemSliceValue); items without a value under null, last. */
  slices?: JudgeSliceRow[];
}

/** A judge's figures on one metadata slice. */
export interface JudgeSliceRow extends JudgeFigures {
  value: string | null;
}

export interface ProjectStats extends ProjectFigures {
  project: { slug: string; name: string; overlap: number };
  /** Under adaptive overlap: judgments spent against a fixed overlap of max, and the labels' agreement; null under a fixed overlap. */
  adaptive: AdaptiveFigures | null;
  generated_at: string;
  options: { by: string | null; rounds: number; seed: number };
  /** The contender leaderboard (lib/stats/contenders.ts): one row per contender version; empty when no response names a contender. */
  contenders: ContenderRow[];
  /** Judge vs humans (lib/stats/judges.ts): one row per AI judge; present only when the project has AI verdicts. */
  judges?: JudgeStatsRow[];
  /** Candidate metadata keys seen in the project's first 1000 candidates (for picking `by`). */
  metadata_keys: string[];
  /** Item metadata keys seen in the project's first 500 items (`by` slices judge vs humans by these too). */
  item_metadata_keys: string[];
}
