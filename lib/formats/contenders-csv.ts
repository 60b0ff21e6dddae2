// The contender leaderboard as CSV (the dashboard table's download): one row per contender version,
// then, per rating criterion seen in any row (sorted), its mean, interval and count.
import type { ContenderRow } from "@/lib/stats/types";
import { csvLine } from "./csv-cell";

export const CONTENDER_CSV_COLUMNS = [
  "name",
  "rating",
  "ci_low",
  "ci_high",
  "win_rate",
  "n",
  "median_latency_ms",
  "p90_latency_ms",
  "median_ttft_ms",
  "mean_completion_tokens",
  "cost_per_1k_usd",
] as const;

export function contendersCsv(rows: readonly ContenderRow[]): string {
  const criteria = [...new Set(rows.flatMap((r) => Object.keys(r.ratings)))].sort();
  const header = [...CONTENDER_CSV_COLUMNS, ...criteria.flatMap((c) => [`${c}_mean`, `${c}_ci_low`, `${c}_ci_high`, `${c}_n`])];
  return (
    csvLine(header) +
    rows
      .map((r) =>
        csvLine([
          ...CONTENDER_CSV_COLUMNS.map((column) => r[column]),
          ...criteria.flatMap((c) => {
            const m = r.ratings[c];
            return m ? [m.mean, m.ci_low, m.ci_high, m.n] : [null, null, null, 0];
          }),
        ]),
      )
      .join("")
  );
}
