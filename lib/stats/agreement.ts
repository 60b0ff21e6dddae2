// Inter-annotator agreement: percent agreement, Cohen's and Fleiss' kappa, Krippendorff's alpha and
// Kendall's tau, checked against the published worked examples in test/unit/stats. A project's
// pairwise agreement is tallied from per-item counts (counts.ts, tally.ts); the object-based
// versions the tests compare them with are in reference/agreement.ts (percentAgreement is here:
// the export uses it on each item's verdicts).
//
// Conventions shared by every function here:
// - Verdicts fall into three categories, A-better < tie < B-better; both_bad counts as a tie (as
//   Chatbot Arena does) and is reported separately where the result has room for it.
// - An annotator is expected to judge an item once; if there are several judgments by one
//   annotator on one item, the last one in the input is used.
// - A statistic is null when it is undefined for the data — nothing pairable, or no variation at
//   all so that chance agreement is 1 and kappa/alpha would be 0/0. It is never NaN.

import type {
  AlphaDistance,
  AlphaMetric,
  AnnotatorPairTau,
  CriterionAlpha,
  FleissKappa,
  MeanPairwiseTau,
  PairwiseCategory,
  PairwiseJudgment,
  PercentAgreement,
  Ranking,
  RankingAlpha,
  RankingJudgment,
  RatingAlpha,
  RatingJudgment,
  RatingValue,
  ReliabilityValue,
  Verdict,
} from "./types";

/** Guards against 1 − pe landing a rounding error away from zero. */
const EPSILON = 1e-12;

/** The agreement category of a verdict: both_bad counts as a tie. */
export function verdictCategory(verdict: Verdict): PairwiseCategory {
  switch (verdict) {
    case "A":
      return "A";
    case "B":
      return "B";
    case "tie":
    case "both_bad":
      return "tie";
    default:
      throw new RangeError(`unknown verdict: ${String(verdict)}`);
  }
}

/** Category index in ordinal order A < tie < B. */
export function verdictCategoryIndex(verdict: Verdict): 0 | 1 | 2 {
  const category = verdictCategory(verdict);
  return category === "A" ? 0 : category === "tie" ? 1 : 2;
}

/** item → annotator → record, keeping the last record per (item, annotator). */
export function latestByItem<T extends { item: string; annotator: string }>(
  records: readonly T[],
): Map<string, Map<string, T>> {
  const byItem = new Map<string, Map<string, T>>();
  for (const record of records) {
    let byAnnotator = byItem.get(record.item);
    if (!byAnnotator) {
      byAnnotator = new Map();
      byItem.set(record.item, byAnnotator);
    }
    byAnnotator.set(record.annotator, record);
  }
  return byItem;
}

export function compareStrings(x: string, y: string): number {
  return x < y ? -1 : x > y ? 1 : 0;
}

// ---------------------------------------------------------------------------------------------
// Percent agreement

/**
 * Pooled pairwise agreement: over every item, every pair of its judgments counts once, so items
 * with more judgments weigh more. Items with fewer than two judgments do not contribute.
 */
export function percentAgreement(judgments: readonly PairwiseJudgment[]): PercentAgreement {
  let nItems = 0;
  let pairs = 0;
  let agreeing = 0;
  let pairsNoTies = 0;
  let agreeingNoTies = 0;
  let bothBad = 0;
  for (const byAnnotator of latestByItem(judgments).values()) {
    if (byAnnotator.size < 2) continue;
    const counts = [0, 0, 0];
    for (const judgment of byAnnotator.values()) {
      counts[verdictCategoryIndex(judgment.verdict)]++;
      if (judgment.verdict === "both_bad") bothBad++;
    }
    const m = byAnnotator.size;
    const decided = counts[0] + counts[2];
    nItems++;
    pairs += (m * (m - 1)) / 2;
    agreeing += counts.reduce((sum, c) => sum + (c * (c - 1)) / 2, 0);
    pairsNoTies += (decided * (decided - 1)) / 2;
    agreeingNoTies += (counts[0] * (counts[0] - 1)) / 2 + (counts[2] * (counts[2] - 1)) / 2;
  }
  return {
    percent: pairs > 0 ? agreeing / pairs : null,
    n_pairs: pairs,
    percent_no_ties: pairsNoTies > 0 ? agreeingNoTies / pairsNoTies : null,
    n_pairs_no_ties: pairsNoTies,
    n_items: nItems,
    both_bad: bothBad,
  };
}

// ---------------------------------------------------------------------------------------------
// Cohen's kappa

export type Label = string | number;

/**
 * Cohen's kappa from a square confusion matrix (rows: first rater, columns: second rater) or from
 * two equally long label arrays (positions where either label is null/undefined are skipped).
 *
 * Null when there are no rated items, or when chance agreement pe is 1 — both raters used one and
 * the same category for everything, so agreement is perfect but kappa is 0/0. We return null
 * rather than 1 because kappa carries no information there; show percent agreement instead.
 */
export function cohenKappa(matrix: readonly (readonly number[])[]): number | null;
export function cohenKappa(
  a: readonly (Label | null | undefined)[],
  b: readonly (Label | null | undefined)[],
): number | null;
export function cohenKappa(
  first: readonly (readonly number[])[] | readonly (Label | null | undefined)[],
  second?: readonly (Label | null | undefined)[],
): number | null {
  if (second === undefined) return kappaFromMatrix(first as readonly (readonly number[])[]);
  const a = first as readonly (Label | null | undefined)[];
  if (a.length !== second.length) {
    throw new RangeError(`label arrays differ in length: ${a.length} and ${second.length}`);
  }
  const index = new Map<Label, number>();
  const pairs: [number, number][] = [];
  const indexOf = (label: Label): number => {
    let i = index.get(label);
    if (i === undefined) {
      i = index.size;
      index.set(label, i);
    }
    return i;
  };
  for (let i = 0; i < a.length; i++) {
    const x = a[i];
    const y = second[i];
    if (x === null || x === undefined || y === null || y === undefined) continue;
    pairs.push([indexOf(x), indexOf(y)]);
  }
  const k = index.size;
  const matrix = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  for (const [x, y] of pairs) matrix[x][y]++;
  return kappaFromMatrix(matrix);
}

function kappaFromMatrix(matrix: readonly (readonly number[])[]): number | null {
  const k = matrix.length;
  for (const row of matrix) {
    if (row.length !== k) throw new RangeError("confusion matrix must be square");
  }
  let n = 0;
  let diagonal = 0;
  const rows = new Array<number>(k).fill(0);
  const columns = new Array<number>(k).fill(0);
  for (let i = 0; i < k; i++) {
    for (let j = 0; j < k; j++) {
      const c = matrix[i][j];
      n += c;
      rows[i] += c;
      columns[j] += c;
      if (i === j) diagonal += c;
    }
  }
  if (n <= 0) return null;
  const observed = diagonal / n;
  let expected = 0;
  for (let i = 0; i < k; i++) expected += (rows[i] / n) * (columns[i] / n);
  if (expected >= 1 - EPSILON) return null;
  return (observed - expected) / (1 - expected);
}

// ---------------------------------------------------------------------------------------------
// Fleiss' kappa

/**
 * Fleiss' kappa from an items × categories count matrix.
 *
 * Items may have different numbers of ratings. Items with fewer than two ratings are dropped;
 * for the rest, per-item agreement P_i = Σ n_ij(n_ij − 1) / (n_i(n_i − 1)) is averaged without
 * weights and category shares p_j are taken over all their ratings, so kappa = (P̄ − Σp_j²) /
 * (1 − Σp_j²). With the same number of ratings per item this is exactly Fleiss (1971). (For
 * strongly unequal numbers of ratings, Krippendorff's nominal alpha is the principled choice.)
 * Kappa is null when no item has two ratings or when every rating is in one category.
 */
export function fleissKappa(counts: readonly (readonly number[])[]): FleissKappa {
  const categories = counts.reduce((k, row) => Math.max(k, row.length), 0);
  const totals = new Array<number>(categories).fill(0);
  let agreementSum = 0;
  let nItems = 0;
  let nRatings = 0;
  for (const row of counts) {
    const ni = row.reduce((sum, c) => sum + c, 0);
    if (ni < 2) continue;
    let agreeing = 0;
    for (let j = 0; j < row.length; j++) {
      agreeing += row[j] * (row[j] - 1);
      totals[j] += row[j];
    }
    agreementSum += agreeing / (ni * (ni - 1));
    nItems++;
    nRatings += ni;
  }
  if (nItems === 0) {
    return { kappa: null, observed: null, expected: null, n_items: 0, n_ratings: 0 };
  }
  const observed = agreementSum / nItems;
  const expected = totals.reduce((sum, t) => sum + (t / nRatings) ** 2, 0);
  const kappa = expected >= 1 - EPSILON ? null : (observed - expected) / (1 - expected);
  return { kappa, observed, expected, n_items: nItems, n_ratings: nRatings };
}

// ---------------------------------------------------------------------------------------------
// Krippendorff's alpha

export interface AlphaOptions {
  /** Difference function; a function is taken as δ²(a, b) directly. Default "nominal". */
  metric?: AlphaMetric | AlphaDistance;
  /** "units": data[u] holds unit u's values; "observers": data[o][u] (reliability data matrix). */
  layout?: "units" | "observers";
  /** Value order for an ordinal metric on non-numeric values (numbers sort numerically). */
  order?: readonly (number | string)[];
}

function isPresent(value: ReliabilityValue): value is number | string {
  if (value === null || value === undefined) return false;
  return !(typeof value === "number" && Number.isNaN(value));
}

/**
 * Krippendorff's alpha by the coincidence-matrix method (Krippendorff 2011, "Computing
 * Krippendorff's Alpha-Reliability"): any number of observers, missing values allowed, units with
 * fewer than two values ignored. Null when fewer than two pairable values exist or when expected
 * disagreement is zero (every pairable value identical).
 */
export function krippendorffAlpha(
  data: readonly (readonly ReliabilityValue[])[],
  options: AlphaOptions = {},
): number | null {
  const { metric = "nominal", layout = "units" } = options;
  const units: (number | string)[][] = [];
  if (layout === "observers") {
    const nUnits = data.reduce((n, row) => Math.max(n, row.length), 0);
    for (let u = 0; u < nUnits; u++) {
      const unit: (number | string)[] = [];
      for (const row of data) if (isPresent(row[u])) unit.push(row[u] as number | string);
      units.push(unit);
    }
  } else {
    for (const row of data) units.push(row.filter(isPresent));
  }

  // Distinct values get an index; Map keeps 1 and "1" apart, which is what we want.
  const valueIndex = new Map<number | string, number>();
  const values: (number | string)[] = [];
  const pairable = units.filter((unit) => unit.length >= 2);
  for (const unit of pairable) {
    for (const value of unit) {
      if (!valueIndex.has(value)) {
        valueIndex.set(value, values.length);
        values.push(value);
      }
    }
  }
  const v = values.length;
  const coincidences = new Float64Array(v * v);
  for (const unit of pairable) {
    const unitCounts = new Map<number, number>();
    for (const value of unit) {
      const c = valueIndex.get(value)!;
      unitCounts.set(c, (unitCounts.get(c) ?? 0) + 1);
    }
    const weight = 1 / (unit.length - 1);
    for (const [c, nc] of unitCounts) {
      for (const [k, nk] of unitCounts) {
        coincidences[c * v + k] += (c === k ? nc * (nc - 1) : nc * nk) * weight;
      }
    }
  }
  const marginals = new Float64Array(v);
  let n = 0;
  for (let c = 0; c < v; c++) {
    for (let k = 0; k < v; k++) marginals[c] += coincidences[c * v + k];
    n += marginals[c];
  }
  if (n < 2) return null;

  const delta = differenceMatrix(values, marginals, metric, options.order);
  let observed = 0;
  let expected = 0;
  for (let c = 0; c < v; c++) {
    for (let k = 0; k < v; k++) {
      const d = delta[c * v + k];
      if (d === 0) continue;
      observed += coincidences[c * v + k] * d;
      expected += marginals[c] * marginals[k] * d;
    }
  }
  if (expected <= 0) return null;
  return 1 - ((n - 1) * observed) / expected;
}

function differenceMatrix(
  values: readonly (number | string)[],
  marginals: Float64Array,
  metric: AlphaMetric | AlphaDistance,
  order: readonly (number | string)[] | undefined,
): Float64Array {
  const v = values.length;
  const delta = new Float64Array(v * v);
  if (typeof metric === "function") {
    for (let c = 0; c < v; c++) {
      for (let k = 0; k < v; k++) delta[c * v + k] = c === k ? 0 : metric(values[c], values[k]);
    }
    return delta;
  }
  switch (metric) {
    case "nominal":
      for (let c = 0; c < v; c++) for (let k = 0; k < v; k++) delta[c * v + k] = c === k ? 0 : 1;
      return delta;
    case "interval": {
      const numbers = values.map((value) => {
        if (typeof value !== "number") {
          throw new TypeError(`interval alpha needs numbers, got ${JSON.stringify(value)}`);
        }
        return value;
      });
      for (let c = 0; c < v; c++) {
        for (let k = 0; k < v; k++) delta[c * v + k] = (numbers[c] - numbers[k]) ** 2;
      }
      return delta;
    }
    case "ordinal": {
      const rank = ordinalRanks(values, order);
      // Positions of the values in order, so that cumulative marginals can be summed between ranks.
      const byRank = values.map((_, i) => i).sort((x, y) => rank[x] - rank[y]);
      const cumulative = new Float64Array(v + 1);
      for (let r = 0; r < v; r++) cumulative[r + 1] = cumulative[r] + marginals[byRank[r]];
      for (let c = 0; c < v; c++) {
        for (let k = 0; k < v; k++) {
          if (c === k) continue;
          const low = Math.min(rank[c], rank[k]);
          const high = Math.max(rank[c], rank[k]);
          const between = cumulative[high + 1] - cumulative[low];
          delta[c * v + k] = (between - (marginals[c] + marginals[k]) / 2) ** 2;
        }
      }
      return delta;
    }
    default:
      throw new RangeError(`unknown alpha metric: ${String(metric)}`);
  }
}

/** Rank (0-based, among the values present) of each value for the ordinal metric. */
function ordinalRanks(
  values: readonly (number | string)[],
  order: readonly (number | string)[] | undefined,
): number[] {
  let key: (value: number | string) => number;
  if (order) {
    const position = new Map(order.map((value, i) => [value, i]));
    key = (value) => {
      const p = position.get(value);
      if (p === undefined) throw new RangeError(`value ${JSON.stringify(value)} is not in order`);
      return p;
    };
  } else {
    if (values.some((value) => typeof value !== "number")) {
      throw new TypeError("ordinal alpha on non-numeric values needs options.order");
    }
    key = (value) => value as number;
  }
  const sorted = values.map((_, i) => i).sort((x, y) => key(values[x]) - key(values[y]));
  const rank = new Array<number>(values.length);
  sorted.forEach((valueIndex, r) => (rank[valueIndex] = r));
  return rank;
}

/** Alpha on one numeric rating per (item, annotator); interval metric by default. */
export function ratingAlpha(
  ratings: readonly RatingValue[],
  metric: AlphaMetric | AlphaDistance = "interval",
): RatingAlpha {
  const units: number[][] = [];
  for (const byAnnotator of latestByItem(ratings).values()) {
    const unit = [...byAnnotator.values()].map((r) => r.value).filter(Number.isFinite);
    if (unit.length >= 2) units.push(unit);
  }
  return {
    alpha: krippendorffAlpha(units, { metric }),
    n_items: units.length,
    n_values: units.reduce((n, unit) => n + unit.length, 0),
  };
}

/** ratingAlpha for each rating criterion separately, sorted by criterion. */
export function ratingAlphaByCriterion(
  ratings: readonly RatingJudgment[],
  metric: AlphaMetric | AlphaDistance = "interval",
): CriterionAlpha[] {
  const byCriterion = new Map<string, RatingJudgment[]>();
  for (const rating of ratings) {
    const list = byCriterion.get(rating.criterion);
    if (list) list.push(rating);
    else byCriterion.set(rating.criterion, [rating]);
  }
  return [...byCriterion.entries()]
    .sort(([x], [y]) => compareStrings(x, y))
    .map(([criterion, list]) => ({ criterion, ...ratingAlpha(list, metric) }));
}

// ---------------------------------------------------------------------------------------------
// Rankings

/**
 * Kendall's tau-b between two paired score vectors (ties allowed in either). O(n²), which is
 * fine for rankings of a handful of candidates or leaderboards of a few hundred models. Null
 * when fewer than two pairs or when either vector is constant.
 */
export function kendallTau(x: readonly number[], y: readonly number[]): number | null {
  if (x.length !== y.length) {
    throw new RangeError(`vectors differ in length: ${x.length} and ${y.length}`);
  }
  const n = x.length;
  let score = 0;
  let pairsUntiedX = 0;
  let pairsUntiedY = 0;
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const dx = Math.sign(x[i] - x[j]);
      const dy = Math.sign(y[i] - y[j]);
      if (dx !== 0) pairsUntiedX++;
      if (dy !== 0) pairsUntiedY++;
      score += dx * dy;
    }
  }
  if (pairsUntiedX === 0 || pairsUntiedY === 0) return null;
  return score / Math.sqrt(pairsUntiedX * pairsUntiedY);
}

/** 1-based positions; candidates in a tied group share the mean of the positions they span. */
export function rankPositions(ranking: Ranking): Map<string, number> {
  const positions = new Map<string, number>();
  let next = 1;
  for (const entry of ranking) {
    const group = typeof entry === "string" ? [entry] : entry;
    const position = next + (group.length - 1) / 2;
    for (const candidate of group) {
      if (!positions.has(candidate)) positions.set(candidate, position);
    }
    next += group.length;
  }
  return positions;
}

/** Kendall's tau-b between two rankings over the candidates both contain. */
export function rankingTau(first: Ranking, second: Ranking): number | null {
  const p = rankPositions(first);
  const q = rankPositions(second);
  const x: number[] = [];
  const y: number[] = [];
  for (const [candidate, position] of p) {
    const other = q.get(candidate);
    if (other === undefined) continue;
    x.push(position);
    y.push(other);
  }
  return kendallTau(x, y);
}

/**
 * Kendall's tau-b between every two annotators who ranked the same item. `mean` pools every
 * (item, annotator pair); `by_annotator_pair` averages per pair over their shared items, with n
 * the number of items where tau was defined.
 */
export function meanPairwiseTau(judgments: readonly RankingJudgment[]): MeanPairwiseTau {
  let sum = 0;
  let count = 0;
  const pairs = new Map<string, { a: string; b: string; sum: number; n: number }>();
  for (const byAnnotator of latestByItem(judgments).values()) {
    const list = [...byAnnotator.values()].sort((x, y) => compareStrings(x.annotator, y.annotator));
    for (let i = 0; i < list.length; i++) {
      for (let j = i + 1; j < list.length; j++) {
        const tau = rankingTau(list[i].ranking, list[j].ranking);
        if (tau === null) continue;
        sum += tau;
        count++;
        const key = `${list[i].annotator}\u0000${list[j].annotator}`;
        const pair = pairs.get(key) ?? { a: list[i].annotator, b: list[j].annotator, sum: 0, n: 0 };
        pair.sum += tau;
        pair.n++;
        pairs.set(key, pair);
      }
    }
  }
  const byPair: AnnotatorPairTau[] = [...pairs.values()]
    .sort((x, y) => compareStrings(x.a, y.a) || compareStrings(x.b, y.b))
    .map(({ a, b, sum: s, n }) => ({ a, b, tau: s / n, n }));
  return { mean: count > 0 ? sum / count : null, n_pairs: count, by_annotator_pair: byPair };
}

/**
 * Krippendorff's alpha for rankings. Each (item, candidate) is a unit whose values are the
 * positions the annotators gave that candidate (tied candidates share the mean position), and
 * the difference function is Krippendorff's ordinal metric, which he defines for rank data: it
 * measures how many ranks lie between two positions. Pass "interval" to use squared position
 * differences instead.
 */
export function rankingAlpha(
  judgments: readonly RankingJudgment[],
  metric: AlphaMetric | AlphaDistance = "ordinal",
): RankingAlpha {
  const units: number[][] = [];
  let nItems = 0;
  let nJudgments = 0;
  for (const byAnnotator of latestByItem(judgments).values()) {
    if (byAnnotator.size < 2) continue;
    const byCandidate = new Map<string, number[]>();
    for (const judgment of byAnnotator.values()) {
      for (const [candidate, position] of rankPositions(judgment.ranking)) {
        const list = byCandidate.get(candidate);
        if (list) list.push(position);
        else byCandidate.set(candidate, [position]);
      }
    }
    nItems++;
    nJudgments += byAnnotator.size;
    for (const unit of byCandidate.values()) units.push(unit);
  }
  return { alpha: krippendorffAlpha(units, { metric }), n_items: nItems, n_judgments: nJudgments };
}
