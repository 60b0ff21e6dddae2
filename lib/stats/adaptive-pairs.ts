// Which contender pair to generate and serve next so the leaderboard's intervals narrow where they
// still decide something: active sampling in the manner of Chatbot Arena (Chiang et al. 2024, §5),
// which weights a pair by how much one more comparison shrinks the uncertainty of that pair's
// outcome. Here the uncertainty is that of the Bradley–Terry strength difference θi − θj (from the
// inverse Fisher information of the fit), and the weight is additionally scaled by how far the two
// contenders' intervals still overlap, so that pairs already told apart stop drawing comparisons.
// Pure: counts in, weights out; the replay in test/bench/pairing.bench.ts measures the gain.

import { bradleyTerryStrengths, CELLS, type PairCounts } from "./bradley-terry";
import type { Rng } from "./random";

/** Comparisons so far between two contenders: a's score (wins + ½·ties) out of n. */
export interface PairTally {
  a: string;
  b: string;
  score_a: number;
  n: number;
}

export interface PairWeight {
  a: string;
  b: string;
  /** Share of the next comparisons this pair should get; the weights sum to 1. */
  weight: number;
  /** Standard error of θa − θb (natural-log scale) now. */
  se: number;
}

export interface PairWeightOptions {
  /**
   * Precision λ of the Gaussian prior on each strength (variance 1/λ) that keeps the uncertainty of
   * contenders without comparisons finite; default 0.1, as bradley-terry.ts's default prior.
   */
  prior?: number;
}

const DEFAULT_PRIOR = 0.1;

/** Standard normal upper tail Q(z) = 1 − Φ(z) for z ≥ 0 (Abramowitz & Stegun 7.1.26, error < 1.5e-7). */
export function normalUpperTail(z: number): number {
  const x = Math.abs(z) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * x);
  const poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
  const erfc = poly * Math.exp(-x * x);
  return z >= 0 ? erfc / 2 : 1 - erfc / 2;
}

/** Inverse of a symmetric positive definite k × k matrix (row-major) by Gauss–Jordan; k is small. */
function inverse(m: Float64Array, k: number): Float64Array {
  const a = Float64Array.from(m);
  const inv = new Float64Array(k * k);
  for (let i = 0; i < k; i++) inv[i * k + i] = 1;
  for (let col = 0; col < k; col++) {
    let pivot = col;
    for (let r = col + 1; r < k; r++) if (Math.abs(a[r * k + col]) > Math.abs(a[pivot * k + col])) pivot = r;
    if (pivot !== col) {
      for (let c = 0; c < k; c++) {
        [a[col * k + c], a[pivot * k + c]] = [a[pivot * k + c], a[col * k + c]];
        [inv[col * k + c], inv[pivot * k + c]] = [inv[pivot * k + c], inv[col * k + c]];
      }
    }
    const d = a[col * k + col];
    for (let c = 0; c < k; c++) {
      a[col * k + c] /= d;
      inv[col * k + c] /= d;
    }
    for (let r = 0; r < k; r++) {
      if (r === col) continue;
      const f = a[r * k + col];
      if (f === 0) continue;
      for (let c = 0; c < k; c++) {
        a[r * k + c] -= f * a[col * k + c];
        inv[r * k + c] -= f * inv[col * k + c];
      }
    }
  }
  return inv;
}

/**
 * The Bradley–Terry fit of the tallies (strengths, natural-log scale) and the covariance of the
 * strengths: the inverse of the Fisher information Σ n·p(1−p)·(ei − ej)(ei − ej)ᵀ plus λ·I.
 */
export function strengthCovariance(
  contenders: readonly string[],
  tallies: readonly PairTally[],
  options: PairWeightOptions = {},
): { theta: Float64Array; covariance: Float64Array } {
  const prior = options.prior ?? DEFAULT_PRIOR;
  if (!(prior > 0)) throw new RangeError(`prior: must be above 0, got ${prior}`);
  const k = contenders.length;
  const index = new Map(contenders.map((name, i) => [name, i]));
  if (index.size !== k) throw new RangeError("contenders: names must be distinct");
  const slot = new Map<number, number>();
  const first: number[] = [];
  const second: number[] = [];
  const cells: number[] = [];
  tallies.forEach((t, where) => {
    const x = index.get(t.a);
    const y = index.get(t.b);
    if (x === undefined || y === undefined) throw new RangeError(`tally ${where}: ${JSON.stringify(x === undefined ? t.a : t.b)} is not among the contenders`);
    if (x === y) throw new RangeError(`tally ${where}: a contender compared with itself (${JSON.stringify(t.a)})`);
    if (!(t.n >= 0 && t.score_a >= 0 && t.score_a <= t.n)) throw new RangeError(`tally ${where}: need 0 ≤ score_a ≤ n, got ${t.score_a} of ${t.n}`);
    const lo = Math.min(x, y);
    const hi = Math.max(x, y);
    let p = slot.get(lo * k + hi);
    if (p === undefined) {
      p = first.length;
      slot.set(lo * k + hi, p);
      first.push(lo);
      second.push(hi);
      cells.push(0, 0, 0, 0);
    }
    // Fractional wins are fine for the fit: cells hold (lo's score, hi's score).
    cells[CELLS * p + (x === lo ? 0 : 1)] += t.score_a;
    cells[CELLS * p + (x === lo ? 1 : 0)] += t.n - t.score_a;
  });
  const counts: PairCounts = {
    models: [...contenders],
    first: Int32Array.from(first),
    second: Int32Array.from(second),
    cells: Float64Array.from(cells),
    n_comparisons: 0,
    n_self_ignored: 0,
  };
  const { theta } = bradleyTerryStrengths(counts, prior);
  const information = new Float64Array(k * k);
  for (let i = 0; i < k; i++) information[i * k + i] = prior;
  for (let p = 0; p < first.length; p++) {
    const i = first[p];
    const j = second[p];
    const n = cells[CELLS * p] + cells[CELLS * p + 1];
    const s = 1 / (1 + Math.exp(theta[j] - theta[i]));
    const h = n * s * (1 - s);
    information[i * k + i] += h;
    information[j * k + j] += h;
    information[i * k + j] -= h;
    information[j * k + i] -= h;
  }
  return { theta, covariance: inverse(information, k) };
}

/**
 * Every pair of contenders (in the order given, a before b) with its share of the next comparisons.
 * A pair's weight is the expected shrinking of the standard error of θa − θb from one more
 * comparison of the two — √v − √(v / (1 + p(1−p)·v)) for variance v and win probability p (the
 * rank-one update of the Fisher information) — times the two-sided normal tail 2·Q(|θa − θb| / √v),
 * which is near 1 while their intervals overlap and vanishes once they are far apart. When every
 * pair is told apart (all products underflow to zero) the shrinking alone decides.
 */
export function pairWeights(contenders: readonly string[], tallies: readonly PairTally[], options: PairWeightOptions = {}): PairWeight[] {
  const k = contenders.length;
  if (k < 2) return [];
  const { theta, covariance } = strengthCovariance(contenders, tallies, options);
  const pairs: { a: string; b: string; se: number; shrink: number; overlap: number }[] = [];
  for (let i = 0; i < k; i++) {
    for (let j = i + 1; j < k; j++) {
      const v = covariance[i * k + i] + covariance[j * k + j] - 2 * covariance[i * k + j];
      const d = theta[i] - theta[j];
      const p = 1 / (1 + Math.exp(-d));
      const se = Math.sqrt(v);
      const shrink = se - Math.sqrt(v / (1 + p * (1 - p) * v));
      pairs.push({ a: contenders[i], b: contenders[j], se, shrink, overlap: 2 * normalUpperTail(Math.abs(d) / se) });
    }
  }
  let total = pairs.reduce((s, x) => s + x.shrink * x.overlap, 0);
  const useOverlap = total > 0;
  if (!useOverlap) total = pairs.reduce((s, x) => s + x.shrink, 0);
  return pairs.map(({ a, b, se, shrink, overlap }) => ({ a, b, se, weight: (useOverlap ? shrink * overlap : shrink) / total }));
}

/** One pair drawn with probability equal to its weight. */
export function pickPair(weights: readonly PairWeight[], rng: Rng): PairWeight {
  if (weights.length === 0) throw new RangeError("pickPair: no pairs to choose from (fewer than two contenders)");
  let u = rng();
  for (const w of weights) {
    u -= w.weight;
    if (u < 0) return w;
  }
  return weights[weights.length - 1];
}

/**
 * Serving levels 0…`levels` for pairs (adaptive serving's item priorities): the pair with the
 * largest weight gets `levels`, the others in proportion to their weight, rounded, so a pair with
 * under 1/(2·levels) of the top weight — one the judgments have told apart — gets 0. A few levels
 * keep the claim's walk down the priority levels short. Keyed by `pairKey(a, b)`.
 */
export function pairLevels(weights: readonly PairWeight[], levels: number): Map<string, number> {
  if (!(Number.isInteger(levels) && levels >= 1)) throw new RangeError(`levels: must be a whole number of at least 1, got ${levels}`);
  const top = weights.reduce((m, w) => Math.max(m, w.weight), 0);
  return new Map(weights.map((w) => [pairKey(w.a, w.b), top > 0 ? Math.round((levels * w.weight) / top) : levels]));
}

/** One key for a pair whichever way round it is named. */
export function pairKey(a: string, b: string): string {
  return JSON.stringify(a < b ? [a, b] : [b, a]);
}
