// Percentile bootstrap intervals that resample items, not judgments: judgments on one item are
// correlated, so resampling them one by one would give intervals that are too narrow. The pairwise
// agreement intervals come from per-item counts (counts.ts); reference/bootstrap.ts has their
// object-based definitions.

import { ratingAlpha } from "./agreement";
import { mulberry32, randomInt } from "./random";
import type {
  AlphaDistance,
  AlphaMetric,
  BootstrapInterval,
  BootstrapOptions,
  RatingValue,
} from "./types";

export const DEFAULT_ROUNDS = 100;
export const DEFAULT_SEED = 1;
export const DEFAULT_LEVEL = 0.95;

/** Quantile of ascending-sorted values with linear interpolation (numpy's default, type 7). */
export function quantile(sorted: ArrayLike<number>, q: number): number | null {
  const n = sorted.length;
  if (n === 0) return null;
  const position = (n - 1) * Math.min(1, Math.max(0, q));
  const lower = Math.floor(position);
  const upper = Math.min(lower + 1, n - 1);
  return sorted[lower] + (sorted[upper] - sorted[lower]) * (position - lower);
}

export function median(values: readonly number[]): number | null {
  return quantile([...values].sort((x, y) => x - y), 0.5);
}

/** Equal-tailed percentile interval; the input array is sorted in place. */
export function percentileInterval(
  values: number[] | Float64Array,
  level: number = DEFAULT_LEVEL,
): { low: number | null; high: number | null } {
  values.sort((x: number, y: number) => x - y);
  const tail = (1 - level) / 2;
  return { low: quantile(values, tail), high: quantile(values, 1 - tail) };
}

/**
 * Bootstrap a statistic of item-keyed records: each round draws as many items as there are, with
 * replacement, and gives every drawn copy its own item key so that two copies of one item stay
 * two items. Rounds where the statistic is null are left out of the interval.
 */
export function bootstrapItems<T extends { item: string }>(
  records: readonly T[],
  statistic: (sample: T[]) => number | null,
  options: BootstrapOptions = {},
): BootstrapInterval {
  const { rounds = DEFAULT_ROUNDS, seed = DEFAULT_SEED, level = DEFAULT_LEVEL } = options;
  const groups = new Map<string, T[]>();
  for (const record of records) {
    const group = groups.get(record.item);
    if (group) group.push(record);
    else groups.set(record.item, [record]);
  }
  const items = [...groups.values()];
  const estimate = statistic([...records]);
  const rng = mulberry32(seed);
  const values: number[] = [];
  for (let round = 0; round < rounds && items.length > 0; round++) {
    const sample: T[] = [];
    for (let draw = 0; draw < items.length; draw++) {
      const key = String(draw);
      for (const record of items[randomInt(rng, items.length)]) {
        sample.push({ ...record, item: key });
      }
    }
    const value = statistic(sample);
    if (value !== null && Number.isFinite(value)) values.push(value);
  }
  const { low, high } = percentileInterval(values, level);
  return { estimate, ci_low: low, ci_high: high, rounds: values.length };
}

export function ratingAlphaCI(
  ratings: readonly RatingValue[],
  metric: AlphaMetric | AlphaDistance = "interval",
  options: BootstrapOptions = {},
): BootstrapInterval {
  return bootstrapItems(ratings, (sample) => ratingAlpha(sample, metric).alpha, options);
}
