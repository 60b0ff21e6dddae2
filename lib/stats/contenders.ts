// The contender leaderboard: one row per contender version with its Bradley–Terry rating from human
// pairwise judgments, its speed, tokens and cost from the responses it generated, and its mean
// rating per criterion — the table that says whether a fine-tune's win is worth its latency and cost.
// Pure: plain arrays in, plain rows out (the stats service reads them from candidate metadata).

import type { PairTally } from "./adaptive-pairs";
import { compareStrings } from "./agreement";
import { bootstrapItems, quantile, DEFAULT_ROUNDS, DEFAULT_SEED } from "./bootstrap";
import { bradleyTerryFromCounts, CELLS, type PairCounts } from "./bradley-terry";
import type { ContenderRow, CriterionMean, Verdict } from "./types";

/** One version of one contender; version null when the responses did not record one. */
export interface ContenderKey {
  contender: string;
  version: number | null;
}

/** A human pairwise judgment between two contenders' responses: verdict A means `a` won. */
export interface ContenderComparison {
  a: ContenderKey;
  b: ContenderKey;
  verdict: Verdict;
}

/** One generated response's measurements (null: not recorded). */
export interface ContenderResponse extends ContenderKey {
  latency_ms: number | null;
  ttft_ms: number | null;
  completion_tokens: number | null;
  cost_usd: number | null;
}

/** One human rating of one contender's response on one criterion; `item` groups ratings for the bootstrap. */
export interface ContenderRating extends ContenderKey {
  item: string;
  criterion: string;
  value: number;
}

export interface ContenderOptions {
  rounds?: number;
  seed?: number;
}

export function contenderName({ contender, version }: ContenderKey): string {
  return version === null ? contender : `${contender}@v${version}`;
}

const VERDICTS: ReadonlySet<string> = new Set(["A", "B", "tie", "both_bad"]);

/** Ascending, nulls first, without NaN from -Infinity − -Infinity. */
function compareNullable(x: number | null, y: number | null): number {
  if (x === y) return 0;
  if (x === null) return -1;
  if (y === null) return 1;
  return x - y;
}

function keyOf(k: ContenderKey): string {
  return JSON.stringify([k.contender, k.version]);
}

function finite(values: readonly (number | null)[]): number[] {
  return values.filter((v): v is number => v !== null && Number.isFinite(v)).sort((x, y) => x - y);
}

function mean(sorted: readonly number[]): number | null {
  return sorted.length === 0 ? null : sorted.reduce((s, v) => s + v, 0) / sorted.length;
}

/**
 * The leaderboard. Ratings come from bradleyTerryFromCounts over the comparisons (versions in order
 * of first appearance, which fixes the seeded bootstrap draws; comparisons of a version with itself
 * are left out). Rows are grouped by contender, the group with the best-rated version first (then by
 * name), and within a group by version ascending, so v1 … vN of one prompt read in order; a version
 * with responses but no comparisons yet has a row with a null rating.
 */
export function contenderLeaderboard(
  input: {
    comparisons: readonly ContenderComparison[];
    responses: readonly ContenderResponse[];
    ratings?: readonly ContenderRating[];
  },
  options: ContenderOptions = {},
): ContenderRow[] {
  const { rounds = DEFAULT_ROUNDS, seed = DEFAULT_SEED } = options;
  const keys = new Map<string, ContenderKey>();
  const remember = (k: ContenderKey) => {
    const id = keyOf(k);
    if (!keys.has(id)) keys.set(id, { contender: k.contender, version: k.version });
    return id;
  };

  // Pair counts in the layout bradley-terry.ts reads: per pair (lo < hi) first won, second won, tie, both_bad.
  const index = new Map<string, number>();
  const names: string[] = [];
  const pairSlot = new Map<number, number>();
  const first: number[] = [];
  const second: number[] = [];
  const cells: number[] = [];
  const score = new Map<string, { n: number; points: number }>();
  let self = 0;
  const indexOf = (id: string) => {
    let i = index.get(id);
    if (i === undefined) {
      i = names.length;
      index.set(id, i);
      names.push(id);
    }
    return i;
  };
  for (const [n, c] of input.comparisons.entries()) {
    if (!VERDICTS.has(c.verdict)) throw new RangeError(`comparison ${n}: unknown verdict ${JSON.stringify(c.verdict)}`);
    const idA = remember(c.a);
    const idB = remember(c.b);
    if (idA === idB) {
      self++;
      continue;
    }
    const x = indexOf(idA);
    const y = indexOf(idB);
    const lo = Math.min(x, y);
    const hi = Math.max(x, y);
    const pairKey = lo * 1_000_003 + hi;
    let p = pairSlot.get(pairKey);
    if (p === undefined) {
      p = first.length;
      pairSlot.set(pairKey, p);
      first.push(lo);
      second.push(hi);
      cells.push(0, 0, 0, 0);
    }
    const cell = c.verdict === "A" ? (x === lo ? 0 : 1) : c.verdict === "B" ? (y === lo ? 0 : 1) : c.verdict === "tie" ? 2 : 3;
    cells[CELLS * p + cell]++;
    const pointsA = c.verdict === "A" ? 1 : c.verdict === "B" ? 0 : 0.5;
    for (const [id, points] of [[idA, pointsA], [idB, 1 - pointsA]] as const) {
      const s = score.get(id) ?? { n: 0, points: 0 };
      s.n++;
      s.points += points;
      score.set(id, s);
    }
  }
  const counts: PairCounts = {
    models: names,
    first: Int32Array.from(first),
    second: Int32Array.from(second),
    cells: Float64Array.from(cells),
    n_comparisons: input.comparisons.length - self,
    n_self_ignored: self,
  };
  const board = names.length > 0 ? bradleyTerryFromCounts(counts, { rounds, seed }) : null;
  const rated = new Map(board?.rows.map((r) => [r.model, r]) ?? []);

  const responses = new Map<string, ContenderResponse[]>();
  for (const r of input.responses) {
    const id = remember(r);
    const list = responses.get(id);
    if (list) list.push(r);
    else responses.set(id, [r]);
  }
  const ratings = new Map<string, Map<string, ContenderRating[]>>();
  for (const r of input.ratings ?? []) {
    if (!Number.isFinite(r.value)) continue;
    const id = remember(r);
    let byCriterion = ratings.get(id);
    if (!byCriterion) ratings.set(id, (byCriterion = new Map()));
    const list = byCriterion.get(r.criterion);
    if (list) list.push(r);
    else byCriterion.set(r.criterion, [r]);
  }

  const rows = [...keys.entries()].map(([id, key]) => {
    const bt = rated.get(id);
    const s = score.get(id);
    const mine = responses.get(id) ?? [];
    const latency = finite(mine.map((r) => r.latency_ms));
    const ttft = finite(mine.map((r) => r.ttft_ms));
    const cost = mean(finite(mine.map((r) => r.cost_usd)));
    const criteria: Record<string, CriterionMean> = {};
    const byCriterion = ratings.get(id);
    for (const criterion of [...(byCriterion?.keys() ?? [])].sort(compareStrings)) {
      const values = byCriterion!.get(criterion)!;
      const interval = bootstrapItems(values, (sample) => mean(sample.map((v) => v.value)), { rounds, seed });
      criteria[criterion] = { mean: interval.estimate!, ci_low: interval.ci_low, ci_high: interval.ci_high, n: values.length };
    }
    const row: ContenderRow = {
      name: contenderName(key),
      rating: bt?.rating ?? null,
      ci_low: bt?.ci_low ?? null,
      ci_high: bt?.ci_high ?? null,
      win_rate: s && s.n > 0 ? s.points / s.n : null,
      n: s?.n ?? 0,
      median_latency_ms: quantile(latency, 0.5),
      p90_latency_ms: quantile(latency, 0.9),
      median_ttft_ms: quantile(ttft, 0.5),
      mean_completion_tokens: mean(finite(mine.map((r) => r.completion_tokens))),
      cost_per_1k_usd: cost === null ? null : cost * 1000,
      ratings: criteria,
    };
    return { key, row };
  });

  const best = new Map<string, number>();
  for (const { key, row } of rows) {
    if (row.rating !== null) best.set(key.contender, Math.max(best.get(key.contender) ?? -Infinity, row.rating));
  }
  rows.sort((x, y) => {
    if (x.key.contender !== y.key.contender) {
      // Arguments reversed: best rating first, contenders without a rating last.
      const order = compareNullable(best.get(y.key.contender) ?? null, best.get(x.key.contender) ?? null);
      return order || compareStrings(x.key.contender, y.key.contender);
    }
    return compareNullable(x.key.version, y.key.version);
  });
  return rows.map((r) => r.row);
}

/** A finite number, or a numeric string (some servers report usage as text); null otherwise. */
function numberOf(value: unknown): number | null {
  if (typeof value === "number") return Number.isFinite(value) ? value : null;
  if (typeof value === "string" && value.trim() !== "") {
    const n = Number(value);
    return Number.isFinite(n) ? n : null;
  }
  return null;
}

/**
 * The contender version and measurements a generated response's candidate metadata records
 * (`contender`, `contender_version`, `latency_ms`, `ttft_ms`, `completion_tokens`, `cost_usd`); null
 * when the metadata names no contender (a non-empty string).
 */
export function contenderResponseOf(metadata: Readonly<Record<string, unknown>> | null | undefined): ContenderResponse | null {
  const contender = metadata?.contender;
  if (typeof contender !== "string" || contender === "") return null;
  const version = numberOf(metadata!.contender_version);
  return {
    contender,
    version: version !== null && Number.isInteger(version) ? version : null,
    latency_ms: numberOf(metadata!.latency_ms),
    ttft_ms: numberOf(metadata!.ttft_ms),
    completion_tokens: numberOf(metadata!.completion_tokens),
    cost_usd: numberOf(metadata!.cost_usd),
  };
}

/**
 * The leaderboard's inputs gathered one row at a time, as the stats service streams them: every
 * contender candidate first (id, item, position, metadata), then the judgments. A pairwise verdict
 * counts when the item's first two candidates both come from contenders; ratings count for every
 * rated candidate that does (keyed by candidate id, as judgments store them).
 */
export class ContenderTally {
  private readonly byCandidate = new Map<number, ContenderResponse>();
  private readonly byItem = new Map<number, [ContenderResponse | undefined, ContenderResponse | undefined]>();
  private readonly responses: ContenderResponse[] = [];
  private readonly comparisons: ContenderComparison[] = [];
  private readonly ratings: ContenderRating[] = [];

  candidate(c: { id: number; item: number; position: number; metadata: Readonly<Record<string, unknown>> | null }): void {
    const response = contenderResponseOf(c.metadata);
    if (!response) return;
    this.byCandidate.set(c.id, response);
    this.responses.push(response);
    if (c.position > 1) return;
    let pair = this.byItem.get(c.item);
    if (!pair) this.byItem.set(c.item, (pair = [undefined, undefined]));
    pair[c.position] = response;
  }

  judgment(j: { item: number; type: string; verdict: Verdict | null; ratings: Readonly<Record<string, Readonly<Record<string, number>>>> | null }): void {
    if (j.type === "pairwise" && j.verdict !== null) {
      const pair = this.byItem.get(j.item);
      if (pair?.[0] && pair[1]) this.comparisons.push({ a: pair[0], b: pair[1], verdict: j.verdict });
    }
    if (!j.ratings) return;
    for (const [candidate, values] of Object.entries(j.ratings)) {
      const response = this.byCandidate.get(Number(candidate));
      if (!response) continue;
      for (const [criterion, value] of Object.entries(values)) {
        if (typeof value === "number") this.ratings.push({ contender: response.contender, version: response.version, item: `${j.item}:${candidate}`, criterion, value });
      }
    }
  }

  /** Each item whose first two candidates are contenders' responses, with the two in the item's order. */
  *itemPairs(): IterableIterator<[item: number, a: ContenderKey, b: ContenderKey]> {
    for (const [item, [a, b]] of this.byItem) if (a && b) yield [item, a, b];
  }

  rows(options: ContenderOptions = {}): ContenderRow[] {
    return contenderLeaderboard({ comparisons: this.comparisons, responses: this.responses, ratings: this.ratings }, options);
  }

  /**
   * The comparisons so far between the contenders `nameOf` names (others are left out), as
   * adaptive pairing reads them: a's score (a win 1, a tie or both bad ½) out of n, one tally per pair.
   */
  pairTallies(nameOf: (key: ContenderKey) => string | undefined): PairTally[] {
    const tallies = new Map<string, PairTally>();
    for (const { a, b, verdict } of this.comparisons) {
      const nameA = nameOf(a);
      const nameB = nameOf(b);
      if (nameA === undefined || nameB === undefined || nameA === nameB) continue;
      const [first, second, scoreFirst] = nameA < nameB ? [nameA, nameB, verdictScore(verdict)] : [nameB, nameA, 1 - verdictScore(verdict)];
      const key = JSON.stringify([first, second]);
      const tally = tallies.get(key) ?? { a: first, b: second, score_a: 0, n: 0 };
      tally.score_a += scoreFirst;
      tally.n += 1;
      tallies.set(key, tally);
    }
    return [...tallies.values()];
  }
}

/** The first response's score in a pairwise verdict: 1 for A, 0 for B, ½ for a tie or both bad. */
function verdictScore(verdict: Verdict): number {
  return verdict === "A" ? 1 : verdict === "B" ? 0 : 0.5;
}
