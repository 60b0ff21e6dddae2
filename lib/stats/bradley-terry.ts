// Model leaderboard: Bradley–Terry ratings on the Elo scale with bootstrap intervals and
// Chatbot Arena style ranks, fast enough for a million comparisons and 100 bootstrap rounds.
//
// Speed comes from aggregating comparisons once into per-model-pair counts (typed arrays) and
// bootstrapping those counts rather than the comparisons: each round draws every count from a
// Poisson with that count as mean. That is the Poisson bootstrap (every comparison gets a
// Poisson(1) weight; Hanley & MacGibbon 2006, Chamandy et al. 2012), which matches resampling
// comparisons with replacement except that the total number of comparisons varies a little
// from round to round. The cost of a round depends on the number of model pairs, not comparisons.

import { percentileInterval, DEFAULT_LEVEL, DEFAULT_ROUNDS, DEFAULT_SEED } from "./bootstrap";
import { mulberry32, poissonSampler, type Rng } from "./random";
import type {
  BradleyTerryOptions,
  Leaderboard,
  LeaderboardRow,
  WinRateMatrix,
} from "./types";

const ELO_SCALE = 400 / Math.LN10;
const CONVERGENCE = 1e-10;
const MAX_ITERATIONS = 200;
const DEFAULT_PRIOR = 0.1;

/** Cells per model pair (i < j): i won, j won, tie, both_bad. */
export const CELLS = 4;

export interface PairCounts {
  models: string[];
  /** Model indexes of each pair, i < j. */
  first: Int32Array;
  second: Int32Array;
  /** CELLS counts per pair: first won, second won, tie, both_bad. */
  cells: Float64Array;
  n_comparisons: number;
  n_self_ignored: number;
}

/** Win weight of the first model of each pair (ties half each way) and games per pair. */
function pairWeights(
  cells: Float64Array,
  pairs: number,
): { wins: Float64Array; games: Float64Array } {
  const wins = new Float64Array(pairs);
  const games = new Float64Array(pairs);
  for (let p = 0; p < pairs; p++) {
    const o = p * CELLS;
    const half = 0.5 * (cells[o + 2] + cells[o + 3]);
    wins[p] = cells[o] + half;
    games[p] = cells[o] + cells[o + 1] + cells[o + 2] + cells[o + 3];
  }
  return { wins, games };
}

/**
 * Maximum likelihood exists (and is unique up to a shift) exactly when the "scored at least half
 * a win against" graph is strongly connected (Zermelo 1929; Ford 1957).
 */
function likelihoodHasMaximum({ k, first, second, wins, games }: PairData): boolean {
  if (k <= 1) return true;
  const forward: number[][] = Array.from({ length: k }, () => []);
  const backward: number[][] = Array.from({ length: k }, () => []);
  for (let p = 0; p < first.length; p++) {
    const i = first[p];
    const j = second[p];
    if (wins[p] > 0) {
      forward[i].push(j);
      backward[j].push(i);
    }
    if (games[p] - wins[p] > 0) {
      forward[j].push(i);
      backward[i].push(j);
    }
  }
  const reachesAll = (edges: number[][]): boolean => {
    const seen = new Uint8Array(k);
    const stack = [0];
    seen[0] = 1;
    let count = 1;
    while (stack.length > 0) {
      for (const next of edges[stack.pop()!]) {
        if (!seen[next]) {
          seen[next] = 1;
          count++;
          stack.push(next);
        }
      }
    }
    return count === k;
  };
  return reachesAll(forward) && reachesAll(backward);
}

/** log(1 + e^x) without overflow. */
function softplus(x: number): number {
  return x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x));
}

function logLikelihood(
  theta: Float64Array,
  first: Int32Array,
  second: Int32Array,
  wins: Float64Array,
  games: Float64Array,
  prior: number,
): number {
  let ll = 0;
  for (let p = 0; p < first.length; p++) {
    if (games[p] === 0) continue;
    // w·log σ(d) + (n − w)·log σ(−d), folded into one softplus.
    const d = theta[first[p]] - theta[second[p]];
    ll += wins[p] * d - games[p] * softplus(d);
  }
  if (prior > 0) for (let i = 0; i < theta.length; i++) ll -= 0.5 * prior * theta[i] * theta[i];
  return ll;
}

/** In-place lower Cholesky factor of a symmetric matrix; false if it is not positive definite. */
function choleskyFactor(m: Float64Array, k: number): boolean {
  for (let j = 0; j < k; j++) {
    const rowJ = j * k;
    let diagonal = m[rowJ + j];
    for (let s = 0; s < j; s++) diagonal -= m[rowJ + s] * m[rowJ + s];
    if (!(diagonal > 0)) return false;
    const root = Math.sqrt(diagonal);
    m[rowJ + j] = root;
    for (let i = j + 1; i < k; i++) {
      const rowI = i * k;
      let value = m[rowI + j];
      for (let s = 0; s < j; s++) value -= m[rowI + s] * m[rowJ + s];
      m[rowI + j] = value / root;
    }
  }
  return true;
}

/** Solves L Lᵀ x = b in place (b becomes x) given the factor L from choleskyFactor. */
function choleskySubstitute(factor: Float64Array, b: Float64Array, k: number): void {
  for (let i = 0; i < k; i++) {
    const rowI = i * k;
    let value = b[i];
    for (let s = 0; s < i; s++) value -= factor[rowI + s] * b[s];
    b[i] = value / factor[rowI + i];
  }
  for (let i = k - 1; i >= 0; i--) {
    let value = b[i];
    for (let s = i + 1; s < k; s++) value -= factor[s * k + i] * b[s];
    b[i] = value / factor[i * k + i];
  }
}

interface PairData {
  k: number;
  first: Int32Array;
  second: Int32Array;
  wins: Float64Array;
  games: Float64Array;
}

/**
 * Gradient of the log-likelihood (plus prior) into `gradient` and, when asked, the negative
 * Hessian into `hessian`. Without a prior that Hessian is singular along the all-ones direction;
 * adding c·11ᵀ makes it invertible without changing the Newton step, because the gradient then
 * sums to zero (so the step does too, and the strengths stay centred).
 */
function derivatives(
  data: PairData,
  theta: Float64Array,
  prior: number,
  gradient: Float64Array,
  hessian: Float64Array | null,
): void {
  const { k, first, second, wins, games } = data;
  gradient.fill(0);
  hessian?.fill(0);
  // σ(θi − θj) = e^θi / (e^θi + e^θj): K exponentials per call instead of one per pair.
  // Centred strengths stay far inside exp's range (|θ| < 700); the guard covers the rest.
  const strength = new Float64Array(k);
  let bounded = true;
  for (let i = 0; i < k; i++) {
    strength[i] = Math.exp(theta[i]);
    if (!(strength[i] > 0 && strength[i] < Infinity)) bounded = false;
  }
  for (let p = 0; p < first.length; p++) {
    const n = games[p];
    if (n === 0) continue;
    const i = first[p];
    const j = second[p];
    const s = bounded
      ? strength[i] / (strength[i] + strength[j])
      : 1 / (1 + Math.exp(theta[j] - theta[i]));
    const residual = wins[p] - n * s;
    gradient[i] += residual;
    gradient[j] -= residual;
    if (hessian) {
      const h = n * s * (1 - s);
      hessian[i * k + i] += h;
      hessian[j * k + j] += h;
      hessian[i * k + j] -= h;
      hessian[j * k + i] -= h;
    }
  }
  if (prior > 0) {
    for (let i = 0; i < k; i++) gradient[i] -= prior * theta[i];
  }
  if (!hessian) return;
  if (prior > 0) {
    for (let i = 0; i < k; i++) hessian[i * k + i] += prior;
  } else {
    let trace = 0;
    for (let i = 0; i < k; i++) trace += hessian[i * k + i];
    const c = trace / k || 1;
    for (let i = 0; i < k * k; i++) hessian[i] += c;
  }
}

function centre(theta: Float64Array): Float64Array {
  let mean = 0;
  for (let i = 0; i < theta.length; i++) mean += theta[i];
  mean /= theta.length || 1;
  for (let i = 0; i < theta.length; i++) theta[i] -= mean;
  return theta;
}

/**
 * Damped Newton on the Bradley–Terry log-likelihood (plus the prior −λ/2·Σθ² when λ > 0),
 * starting from theta, which is updated in place and returned centred. Stops when no strength
 * moves by more than 1e-10. A dense K×K solve per iteration: meant for up to a few hundred models.
 */
function newtonFit(data: PairData, prior: number, theta: Float64Array): Float64Array {
  const { k, first, second, wins, games } = data;
  if (k <= 1) return theta.fill(0);
  const hessian = new Float64Array(k * k);
  const step = new Float64Array(k);
  const trial = new Float64Array(k);
  let current = logLikelihood(theta, first, second, wins, games, prior);
  for (let iteration = 0; iteration < MAX_ITERATIONS; iteration++) {
    derivatives(data, theta, prior, step, hessian);
    if (!choleskyFactor(hessian, k)) break;
    choleskySubstitute(hessian, step, k);
    // Step halving keeps a start far from the optimum from overshooting.
    let scale = 1;
    for (let halving = 0; halving < 50; halving++) {
      for (let i = 0; i < k; i++) trial[i] = theta[i] + scale * step[i];
      const after = logLikelihood(trial, first, second, wins, games, prior);
      if (after >= current - 1e-12 * (1 + Math.abs(current)) || halving === 49) {
        current = after;
        break;
      }
      scale /= 2;
    }
    let largest = 0;
    for (let i = 0; i < k; i++) {
      largest = Math.max(largest, Math.abs(trial[i] - theta[i]));
      theta[i] = trial[i];
    }
    if (largest < CONVERGENCE) break;
  }
  return centre(theta);
}

/**
 * Newton steps with a fixed, already factored Hessian (the chord method): each iteration costs
 * O(pairs + K²) instead of a fresh O(K³) factorisation. Bootstrap rounds sit close to the
 * full-data fit, so the full-data Hessian is a good stand-in and the error shrinks by a large
 * factor per step. Gives up (returns false) as soon as a step fails to halve the previous one,
 * so that the caller can fall back to newtonFit.
 */
function chordFit(
  data: PairData,
  prior: number,
  factor: Float64Array,
  theta: Float64Array,
): boolean {
  const step = new Float64Array(data.k);
  let previous = Infinity;
  for (let iteration = 0; iteration < MAX_ITERATIONS; iteration++) {
    derivatives(data, theta, prior, step, null);
    choleskySubstitute(factor, step, data.k);
    let largest = 0;
    for (let i = 0; i < data.k; i++) {
      largest = Math.max(largest, Math.abs(step[i]));
      theta[i] += step[i];
    }
    if (!(largest <= previous / 2)) return false;
    if (largest < CONVERGENCE) {
      centre(theta);
      return true;
    }
    previous = largest;
  }
  return false;
}

function pairData(counts: PairCounts, cells: Float64Array = counts.cells): PairData {
  const { wins, games } = pairWeights(cells, counts.first.length);
  return { k: counts.models.length, first: counts.first, second: counts.second, wins, games };
}

/**
 * Bradley–Terry strengths (natural-log scale, mean 0) for a pair count table. The exact maximum
 * likelihood estimate whenever it exists; otherwise (an undefeated or winless model, or groups of
 * models never compared with each other) the prior λ (options.prior, default 0.1) keeps the
 * strengths finite and pulls unconnected groups towards the same mean.
 */
export function bradleyTerryStrengths(
  counts: PairCounts,
  prior: number = DEFAULT_PRIOR,
): { theta: Float64Array; prior_used: boolean } {
  const data = pairData(counts);
  const needsPrior = !likelihoodHasMaximum(data);
  const theta = newtonFit(data, needsPrior ? prior : 0, new Float64Array(data.k));
  return { theta, prior_used: needsPrior };
}

function toRating(theta: number): number {
  return 1000 + ELO_SCALE * theta;
}

/**
 * Leaderboard from a model-pair count table: Bradley–Terry ratings on the Elo scale (ties,
 * including both_bad, count as half a win each way), percentile bootstrap intervals (Poisson
 * bootstrap over the pair counts, options.rounds default 100, options.seed default 1; rounds = 0
 * gives ci_low = ci_high = rating), Chatbot Arena ranks, and the pairwise win-rate matrix. The
 * table's model and pair order fix the bootstrap draws: the project tally (tally.ts) and the
 * reference countPairs both list them in order of first appearance, so they give the same intervals.
 */
export function bradleyTerryFromCounts(
  counts: PairCounts,
  options: BradleyTerryOptions = {},
): Leaderboard {
  const {
    rounds = DEFAULT_ROUNDS,
    seed = DEFAULT_SEED,
    level = DEFAULT_LEVEL,
    prior = DEFAULT_PRIOR,
  } = options;
  const k = counts.models.length;
  const { theta, prior_used } = bradleyTerryStrengths(counts, prior);

  const samples = bootstrapStrengths(counts, theta, prior_used, rounds, mulberry32(seed), prior);
  const intervals = counts.models.map((_, m) => {
    if (rounds === 0) return { low: toRating(theta[m]), high: toRating(theta[m]) };
    const column = new Float64Array(rounds);
    for (let r = 0; r < rounds; r++) column[r] = samples[r * k + m];
    const { low, high } = percentileInterval(column, level);
    return { low: toRating(low!), high: toRating(high!) };
  });

  const tallies = modelTallies(counts);
  const name = counts.models;
  const order = name
    .map((_, m) => m)
    .sort((x, y) => theta[y] - theta[x] || (name[x] < name[y] ? -1 : name[x] > name[y] ? 1 : 0));
  const rows: LeaderboardRow[] = order.map((m) => {
    const above = order.filter((other) => intervals[other].low > intervals[m].high).length;
    return {
      model: counts.models[m],
      rating: toRating(theta[m]),
      ci_low: intervals[m].low,
      ci_high: intervals[m].high,
      rank: 1 + above,
      ...tallies[m],
    };
  });
  return {
    rows,
    win_rates: winRateMatrix(counts, order),
    n_comparisons: counts.n_comparisons,
    n_self_ignored: counts.n_self_ignored,
    prior_used,
    rounds,
  };
}

/** rounds × K centred strengths, row-major by round. */
function bootstrapStrengths(
  counts: PairCounts,
  estimate: Float64Array,
  estimateUsedPrior: boolean,
  rounds: number,
  rng: Rng,
  prior: number,
): Float64Array {
  const k = counts.models.length;
  const samples = new Float64Array(rounds * k);
  if (k <= 1) return samples;
  // The chord method reuses the full-data Hessian, so it serves rounds that need the prior
  // exactly when the full-data fit did; the other rounds take full Newton steps.
  const estimatePrior = estimateUsedPrior ? prior : 0;
  let factor: Float64Array | null = new Float64Array(k * k);
  derivatives(pairData(counts), estimate, estimatePrior, new Float64Array(k), factor);
  if (!choleskyFactor(factor, k)) factor = null;
  // The fit scores ties and both_bad alike, so they are drawn as one count: a quarter fewer draws.
  const merged = Float64Array.from(counts.cells);
  for (let o = 0; o < merged.length; o += CELLS) {
    merged[o + 2] += merged[o + 3];
    merged[o + 3] = 0;
  }
  const resampled = new Float64Array(merged.length);
  const samplers = Array.from(merged, (count) => poissonSampler(count));
  const theta = new Float64Array(k);
  for (let r = 0; r < rounds; r++) {
    for (let c = 0; c < samplers.length; c++) resampled[c] = samplers[c](rng);
    const data = pairData(counts, resampled);
    const needsPrior = !likelihoodHasMaximum(data);
    // Start from the full-data fit: the round's optimum is close to it.
    theta.set(estimate);
    const chord = factor !== null && needsPrior === estimateUsedPrior;
    if (!chord || !chordFit(data, estimatePrior, factor!, theta)) {
      theta.set(estimate);
      newtonFit(data, needsPrior ? prior : 0, theta);
    }
    samples.set(theta, r * k);
  }
  return samples;
}

function modelTallies(
  counts: PairCounts,
): { wins: number; losses: number; ties: number; both_bad: number; n: number }[] {
  const tallies = counts.models.map(() => ({ wins: 0, losses: 0, ties: 0, both_bad: 0, n: 0 }));
  for (let p = 0; p < counts.first.length; p++) {
    const o = p * CELLS;
    const [firstWon, secondWon, ties, bothBad] = [
      counts.cells[o],
      counts.cells[o + 1],
      counts.cells[o + 2],
      counts.cells[o + 3],
    ];
    const total = firstWon + secondWon + ties + bothBad;
    const a = tallies[counts.first[p]];
    const b = tallies[counts.second[p]];
    a.wins += firstWon;
    a.losses += secondWon;
    b.wins += secondWon;
    b.losses += firstWon;
    a.ties += ties;
    b.ties += ties;
    a.both_bad += bothBad;
    b.both_bad += bothBad;
    a.n += total;
    b.n += total;
  }
  return tallies;
}

function winRateMatrix(counts: PairCounts, order: readonly number[]): WinRateMatrix {
  const k = counts.models.length;
  const position = new Int32Array(k);
  order.forEach((m, row) => (position[m] = row));
  const games = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  const scored = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  for (let p = 0; p < counts.first.length; p++) {
    const o = p * CELLS;
    const i = position[counts.first[p]];
    const j = position[counts.second[p]];
    const half = 0.5 * (counts.cells[o + 2] + counts.cells[o + 3]);
    const total = counts.cells[o] + counts.cells[o + 1] + counts.cells[o + 2] + counts.cells[o + 3];
    games[i][j] = games[j][i] = total;
    scored[i][j] = counts.cells[o] + half;
    scored[j][i] = counts.cells[o + 1] + half;
  }
  return {
    models: order.map((m) => counts.models[m]),
    matrix: games.map((row, i) => row.map((n, j) => (n > 0 ? scored[i][j] / n : null))),
    games,
  };
}
