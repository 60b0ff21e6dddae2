// Win rates broken down by a candidate metadata field (model, temperature, prompt style, ...),
// with cost figures such as latency and output length next to them.

import { quantile } from "./bootstrap";
import type {
  BreakdownComparison,
  BreakdownOptions,
  BreakdownRow,
  MetadataValue,
  NumericSummary,
  Verdict,
} from "./types";

const Z_95 = 1.959963984540054;

/**
 * Wilson score interval for a share p of n trials. Half wins from ties make p fractional, which
 * the formula accepts as it stands.
 */
export function wilsonInterval(
  p: number,
  n: number,
  z: number = Z_95,
): { low: number; high: number } {
  if (n <= 0) return { low: 0, high: 1 };
  const z2 = z * z;
  const denominator = 1 + z2 / n;
  const center = (p + z2 / (2 * n)) / denominator;
  const half = (z / denominator) * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
  return { low: Math.max(0, center - half), high: Math.min(1, center + half) };
}

function asValue(raw: unknown): MetadataValue {
  if (raw === undefined || raw === null) return null;
  if (typeof raw === "string" || typeof raw === "number" || typeof raw === "boolean") return raw;
  return JSON.stringify(raw);
}

function groupKey(value: MetadataValue): string {
  return `${typeof value}:${String(value)}`;
}

interface Group {
  value: MetadataValue;
  wins: number;
  losses: number;
  ties: number;
  bothBad: number;
  same: number;
  numbers: Map<string, number[]>;
}

/**
 * One row per value of metadata[key], sorted by win rate (highest first; rows without games
 * last, then by value). Each comparison gives each side a win, loss or half win. Comparisons
 * where both candidates share the value say nothing about the value and are kept out of the win
 * rate (counted in n_same). Numeric summaries (mean, p95 with linear interpolation) take every
 * appearance of a candidate with that value, including those n_same comparisons, so a candidate
 * that appears in several comparisons counts each time.
 */
export function breakdownBy(
  comparisons: readonly BreakdownComparison[],
  key: string,
  options: BreakdownOptions = {},
): BreakdownRow[] {
  const fields = options.numericFields ?? numericFieldsOf(comparisons, key);
  const groups = new Map<string, Group>();
  const groupOf = (value: MetadataValue): Group => {
    const k = groupKey(value);
    let group = groups.get(k);
    if (!group) {
      group = { value, wins: 0, losses: 0, ties: 0, bothBad: 0, same: 0, numbers: new Map() };
      groups.set(k, group);
    }
    return group;
  };
  const record = (group: Group, metadata: Readonly<Record<string, unknown>>): void => {
    for (const field of fields) {
      const x = metadata[field];
      if (typeof x !== "number" || !Number.isFinite(x)) continue;
      const list = group.numbers.get(field);
      if (list) list.push(x);
      else group.numbers.set(field, [x]);
    }
  };
  const score = (group: Group, verdict: Verdict, side: "A" | "B"): void => {
    if (verdict === "tie") group.ties++;
    else if (verdict === "both_bad") group.bothBad++;
    else if (verdict === side) group.wins++;
    else group.losses++;
  };

  for (const comparison of comparisons) {
    const a = groupOf(asValue(comparison.metadataA[key]));
    const b = groupOf(asValue(comparison.metadataB[key]));
    record(a, comparison.metadataA);
    record(b, comparison.metadataB);
    if (a === b) {
      a.same++;
      continue;
    }
    score(a, comparison.verdict, "A");
    score(b, comparison.verdict, "B");
  }

  const rows = [...groups.values()].map((group): BreakdownRow => {
    const n = group.wins + group.losses + group.ties + group.bothBad;
    const winRate = n > 0 ? (group.wins + 0.5 * (group.ties + group.bothBad)) / n : null;
    const interval = winRate === null ? null : wilsonInterval(winRate, n);
    const numeric: Record<string, NumericSummary> = {};
    for (const field of fields) numeric[field] = summarise(group.numbers.get(field) ?? []);
    return {
      value: group.value,
      win_rate: winRate,
      ci_low: interval?.low ?? null,
      ci_high: interval?.high ?? null,
      n,
      wins: group.wins,
      losses: group.losses,
      ties: group.ties,
      both_bad: group.bothBad,
      n_same: group.same,
      numeric,
    };
  });
  return rows.sort(
    (x, y) =>
      (y.win_rate ?? -1) - (x.win_rate ?? -1) ||
      (String(x.value) < String(y.value) ? -1 : String(x.value) > String(y.value) ? 1 : 0),
  );
}

function numericFieldsOf(comparisons: readonly BreakdownComparison[], key: string): string[] {
  const fields = new Set<string>();
  for (const comparison of comparisons) {
    for (const metadata of [comparison.metadataA, comparison.metadataB]) {
      for (const [field, value] of Object.entries(metadata)) {
        if (field !== key && typeof value === "number" && Number.isFinite(value)) fields.add(field);
      }
    }
  }
  return [...fields].sort();
}

function summarise(values: number[]): NumericSummary {
  if (values.length === 0) return { mean: null, p95: null, n: 0 };
  const sorted = [...values].sort((x, y) => x - y);
  return {
    mean: values.reduce((sum, x) => sum + x, 0) / values.length,
    p95: quantile(sorted, 0.95),
    n: values.length,
  };
}
