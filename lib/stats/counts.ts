// Pairwise agreement from per-item category counts (A, tie, B), for callers that tally judgments
// straight from database rows: the same figures as percentAgreement, fleissKappa and pairwiseAlpha,
// and the same bootstrap intervals as their *CI functions, without one object per judgment.
//
// Every one of these statistics is a function of sums over items of terms that depend only on the
// item's counts, so items with equal counts are grouped ("signatures") and a bootstrap round only
// has to count how often each signature was drawn.

import { DEFAULT_LEVEL, DEFAULT_ROUNDS, DEFAULT_SEED, percentileInterval } from "./bootstrap";
import { mulberry32 } from "./random";
import type {
  BootstrapInterval,
  BootstrapOptions,
  PairwiseAlpha,
  PairwiseFleissKappa,
  PercentAgreement,
} from "./types";

const EPSILON = 1e-12;

/** Per-item counts: counts[3·i + c] judgments of item i in category c (0 = A, 1 = tie, 2 = B). */
export interface ItemCategoryCounts {
  counts: ArrayLike<number>;
  /** both_bad judgments per item (already counted as ties in `counts`). */
  bothBad?: ArrayLike<number>;
}

export interface PairwiseAgreementSummary {
  percent: PercentAgreement;
  fleiss: PairwiseFleissKappa;
  alpha_nominal: PairwiseAlpha;
  alpha_ordinal: PairwiseAlpha;
}

export interface PairwiseAgreementIntervals {
  percent: BootstrapInterval;
  percent_no_ties: BootstrapInterval;
  fleiss_kappa: BootstrapInterval;
  alpha_nominal: BootstrapInterval;
  alpha_ordinal: BootstrapInterval;
}

/** Additive terms of one item (or a weighted sum of items). */
const T_ITEMS = 0; // items with at least two judgments
const T_RATINGS = 1;
const T_PAIRS = 2;
const T_AGREE = 3;
const T_PAIRS_NT = 4;
const T_AGREE_NT = 5;
const T_FLEISS_P = 6; // Σ P_i
const T_TOTALS = 7; // 3 category totals
const T_COINCIDENCE = 10; // 3 × 3 coincidence matrix
const TERMS = 19;

function addItemTerms(out: Float64Array, o: number, a: number, t: number, b: number, weight: number): void {
  const m = a + t + b;
  if (m < 2) return;
  const c = [a, t, b];
  out[o + T_ITEMS] += weight;
  out[o + T_RATINGS] += weight * m;
  out[o + T_PAIRS] += (weight * (m * (m - 1))) / 2;
  out[o + T_AGREE] += (weight * (a * (a - 1) + t * (t - 1) + b * (b - 1))) / 2;
  const d = a + b;
  out[o + T_PAIRS_NT] += (weight * (d * (d - 1))) / 2;
  out[o + T_AGREE_NT] += (weight * (a * (a - 1) + b * (b - 1))) / 2;
  out[o + T_FLEISS_P] += (weight * (a * (a - 1) + t * (t - 1) + b * (b - 1))) / (m * (m - 1));
  for (let j = 0; j < 3; j++) {
    out[o + T_TOTALS + j] += weight * c[j];
    for (let k = 0; k < 3; k++) {
      out[o + T_COINCIDENCE + 3 * j + k] += (weight * (j === k ? c[j] * (c[j] - 1) : c[j] * c[k])) / (m - 1);
    }
  }
}

interface Figures {
  percent: number | null;
  percentNoTies: number | null;
  fleiss: number | null;
  fleissObserved: number | null;
  fleissExpected: number | null;
  alphaNominal: number | null;
  alphaOrdinal: number | null;
}

function figuresOf(s: Float64Array): Figures {
  const nItems = s[T_ITEMS];
  const nRatings = s[T_RATINGS];
  let fleiss: number | null = null;
  let observed: number | null = null;
  let expected: number | null = null;
  if (nItems > 0) {
    observed = s[T_FLEISS_P] / nItems;
    expected = 0;
    for (let j = 0; j < 3; j++) expected += (s[T_TOTALS + j] / nRatings) ** 2;
    fleiss = expected >= 1 - EPSILON ? null : (observed - expected) / (1 - expected);
  }
  return {
    percent: s[T_PAIRS] > 0 ? s[T_AGREE] / s[T_PAIRS] : null,
    percentNoTies: s[T_PAIRS_NT] > 0 ? s[T_AGREE_NT] / s[T_PAIRS_NT] : null,
    fleiss,
    fleissObserved: observed,
    fleissExpected: expected,
    alphaNominal: alphaOf(s, false),
    alphaOrdinal: alphaOf(s, true),
  };
}

/** Krippendorff's alpha from the 3 × 3 coincidence matrix (values A < tie < B for ordinal). */
function alphaOf(s: Float64Array, ordinal: boolean): number | null {
  const marginals = [0, 0, 0];
  let n = 0;
  for (let c = 0; c < 3; c++) {
    for (let k = 0; k < 3; k++) marginals[c] += s[T_COINCIDENCE + 3 * c + k];
    n += marginals[c];
  }
  if (n < 2) return null;
  let observed = 0;
  let expected = 0;
  for (let c = 0; c < 3; c++) {
    for (let k = 0; k < 3; k++) {
      if (c === k) continue;
      let delta = 1;
      if (ordinal) {
        const low = Math.min(c, k);
        const high = Math.max(c, k);
        let between = 0;
        for (let g = low; g <= high; g++) between += marginals[g];
        delta = (between - (marginals[c] + marginals[k]) / 2) ** 2;
      }
      if (delta === 0) continue;
      observed += s[T_COINCIDENCE + 3 * c + k] * delta;
      expected += marginals[c] * marginals[k] * delta;
    }
  }
  if (expected <= 0) return null;
  return 1 - ((n - 1) * observed) / expected;
}

/** The point figures of percentAgreement, fleissKappa and pairwiseAlpha (nominal, ordinal). */
export function pairwiseAgreementFromCounts({ counts, bothBad }: ItemCategoryCounts): PairwiseAgreementSummary {
  const sums = new Float64Array(TERMS);
  const nItems = Math.floor(counts.length / 3);
  let bad = 0;
  for (let i = 0; i < nItems; i++) {
    const a = counts[3 * i];
    const t = counts[3 * i + 1];
    const b = counts[3 * i + 2];
    addItemTerms(sums, 0, a, t, b, 1);
    if (bothBad && a + t + b >= 2) bad += bothBad[i];
  }
  const f = figuresOf(sums);
  const itemsUsed = sums[T_ITEMS];
  const ratings = sums[T_RATINGS];
  return {
    percent: {
      percent: f.percent,
      n_pairs: sums[T_PAIRS],
      percent_no_ties: f.percentNoTies,
      n_pairs_no_ties: sums[T_PAIRS_NT],
      n_items: itemsUsed,
      both_bad: bad,
    },
    fleiss: {
      kappa: f.fleiss,
      observed: f.fleissObserved,
      expected: f.fleissExpected,
      n_items: itemsUsed,
      n_ratings: ratings,
      both_bad: bad,
    },
    alpha_nominal: { alpha: f.alphaNominal, n_items: itemsUsed, n_judgments: ratings, both_bad: bad },
    alpha_ordinal: { alpha: f.alphaOrdinal, n_items: itemsUsed, n_judgments: ratings, both_bad: bad },
  };
}

/**
 * Item-bootstrap intervals for all five figures at once, drawing exactly the items that
 * bootstrapItems draws for the same seed when the counts are in the order in which the items
 * first appear in its input (so each interval equals the matching *CI function's). Items with
 * fewer than two judgments belong in `counts` too: they are drawn, though they add nothing.
 */
export function pairwiseAgreementIntervals(
  { counts }: ItemCategoryCounts,
  options: BootstrapOptions = {},
): PairwiseAgreementIntervals {
  const { rounds = DEFAULT_ROUNDS, seed = DEFAULT_SEED, level = DEFAULT_LEVEL } = options;
  const nItems = Math.floor(counts.length / 3);
  const signatureOf = new Int32Array(nItems);
  const signatureIndex = new Map<number | string, number>();
  const signatures: [number, number, number][] = [];
  for (let i = 0; i < nItems; i++) {
    const a = counts[3 * i];
    const t = counts[3 * i + 1];
    const b = counts[3 * i + 2];
    const key = a < 65536 && t < 65536 && b < 65536 ? (a * 65536 + t) * 65536 + b : `${a},${t},${b}`;
    let s = signatureIndex.get(key);
    if (s === undefined) {
      s = signatures.length;
      signatureIndex.set(key, s);
      signatures.push([a, t, b]);
    }
    signatureOf[i] = s;
  }
  const nSig = signatures.length;
  const terms = new Float64Array(nSig * TERMS);
  signatures.forEach(([a, t, b], s) => addItemTerms(terms, s * TERMS, a, t, b, 1));

  const full = new Float64Array(TERMS);
  for (let i = 0; i < nItems; i++) {
    const o = signatureOf[i] * TERMS;
    for (let x = 0; x < TERMS; x++) full[x] += terms[o + x];
  }
  const estimate = figuresOf(full);
  const keys = ["percent", "percentNoTies", "fleiss", "alphaNominal", "alphaOrdinal"] as const;
  const values: Record<(typeof keys)[number], number[]> = {
    percent: [],
    percentNoTies: [],
    fleiss: [],
    alphaNominal: [],
    alphaOrdinal: [],
  };
  const rng = mulberry32(seed);
  const drawn = new Float64Array(nSig);
  const sums = new Float64Array(TERMS);
  for (let round = 0; round < rounds && nItems > 0; round++) {
    drawn.fill(0);
    // The same draws as bootstrapItems: randomInt(rng, n) = floor(rng() · n).
    for (let d = 0; d < nItems; d++) drawn[signatureOf[Math.floor(rng() * nItems)]]++;
    sums.fill(0);
    for (let s = 0; s < nSig; s++) {
      const w = drawn[s];
      if (w === 0) continue;
      const o = s * TERMS;
      for (let x = 0; x < TERMS; x++) sums[x] += w * terms[o + x];
    }
    const f = figuresOf(sums);
    for (const key of keys) {
      const v = f[key];
      if (v !== null && Number.isFinite(v)) values[key].push(v);
    }
  }
  const interval = (key: (typeof keys)[number]): BootstrapInterval => {
    const { low, high } = percentileInterval(values[key], level);
    return { estimate: estimate[key], ci_low: low, ci_high: high, rounds: values[key].length };
  };
  return {
    percent: interval("percent"),
    percent_no_ties: interval("percentNoTies"),
    fleiss_kappa: interval("fleiss"),
    alpha_nominal: interval("alphaNominal"),
    alpha_ordinal: interval("alphaOrdinal"),
  };
}
