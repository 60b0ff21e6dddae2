// The dashboard tables of a project's statistics as CSV, one table per file, for spreadsheets.
import type { JudgeSliceRow, ProjectStats } from "@/lib/stats/types";
import { contendersCsv } from "./contenders-csv";
import { csvLine } from "./csv-cell";

export const STATS_CSV_TABLES = ["annotators", "leaderboard", "kappa", "breakdown", "progress", "contenders", "judges"] as const;
export type StatsCsvTable = (typeof STATS_CSV_TABLES)[number];

function lines(header: string[], rows: unknown[][]): string {
  return csvLine(header) + rows.map((r) => csvLine(r)).join("");
}

/** The CSV text of one table; the breakdown table needs stats computed with `by`. */
export function statsCsv(stats: ProjectStats, table: StatsCsvTable): string {
  switch (table) {
    case "annotators": {
      const flags = [...new Set(stats.annotators.flatMap((a) => Object.keys(a.flags)))].sort();
      return lines(
        ["email", "name", "external", "judgments", "median_seconds", "majority_agreement", "majority_n", "gold_accuracy", "gold_n", "tie_rate", "both_bad_rate", "position_bias", "position_n", "outliers", ...flags.map((f) => `flag_${f}`)],
        stats.annotators.map((a) => [
          a.email,
          a.name,
          a.external,
          a.judgments,
          a.median_seconds,
          a.majority_agreement,
          a.majority_n,
          a.gold_accuracy,
          a.gold_n,
          a.tie_rate,
          a.both_bad_rate,
          a.position_bias,
          a.position_n,
          a.outliers.join(" "),
          ...flags.map((f) => a.flags[f] ?? 0),
        ]),
      );
    }
    case "leaderboard":
      return lines(
        ["rank", "model", "rating", "ci_low", "ci_high", "wins", "losses", "ties", "both_bad", "n"],
        stats.leaderboard.map((r) => [r.rank, r.model, r.rating, r.ci_low, r.ci_high, r.wins, r.losses, r.ties, r.both_bad, r.n]),
      );
    case "kappa":
      return lines(["a", "b", "kappa", "n"], stats.agreement.cohen_kappa.map((k) => [k.a, k.b, k.kappa, k.n]));
    case "breakdown": {
      const rows = stats.breakdown?.rows ?? [];
      const fields = [...new Set(rows.flatMap((r) => Object.keys(r.numeric)))].sort();
      return lines(
        [stats.breakdown?.key ?? "value", "win_rate", "ci_low", "ci_high", "n", "wins", "losses", "ties", "both_bad", "n_same", ...fields.flatMap((f) => [`${f}_mean`, `${f}_p95`])],
        rows.map((r) => [r.value, r.win_rate, r.ci_low, r.ci_high, r.n, r.wins, r.losses, r.ties, r.both_bad, r.n_same, ...fields.flatMap((f) => [r.numeric[f]?.mean, r.numeric[f]?.p95])]),
      );
    }
    case "contenders":
      return contendersCsv(stats.contenders);
    case "judges": {
      // A judge's overall row has an empty key; with `by`, a row per slice follows, keyed by it.
      const key = stats.options.by ?? "";
      const figures = (r: Omit<JudgeSliceRow, "value">) => [r.n, r.kappa, r.kappa_ci_low, r.kappa_ci_high, r.accuracy, r.accuracy_ci_low, r.accuracy_ci_high, r.position_consistency];
      return lines(
        ["judge", "key", "value", "n", "kappa", "kappa_ci_low", "kappa_ci_high", "accuracy", "accuracy_ci_low", "accuracy_ci_high", "position_consistency"],
        (stats.judges ?? []).flatMap((j) => [[j.name, "", "", ...figures(j)], ...(j.slices ?? []).map((s) => [j.name, key, s.value, ...figures(s)])]),
      );
    }
    case "progress":
      return lines(
        ["date", "judgments", "completed", "cumulative_judgments", "cumulative_completed"],
        stats.progress.per_day.map((d) => [d.date, d.judgments, d.completed, d.cumulative_judgments, d.cumulative_completed]),
      );
  }
}
