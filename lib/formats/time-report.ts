// The time report written out: as CSV (every cell through csvLine, so formulas are neutralised) and
// the figures as people read them (h:mm:ss, one decimal, percent), shared by the page and the CLI.
import type { ReportFigures, TimeReport } from "@/lib/stats/time-report";
import { csvLine } from "./csv-cell";

export const TIME_REPORT_CSV_COLUMNS = [
  "annotator",
  "name",
  "external",
  "period",
  "judgments",
  "timed_judgments",
  "capped_judgments",
  "active_seconds",
  "active_hours",
  "judgments_per_hour",
  "gold_n",
  "gold_correct",
  "gold_accuracy",
] as const;

const round = (x: number, digits: number): number => Number(x.toFixed(digits));

function figureCells(f: ReportFigures): unknown[] {
  return [
    f.judgments,
    f.timed_judgments,
    f.capped_judgments,
    round(f.active_seconds, 3),
    round(f.active_seconds / 3600, 4),
    f.judgments_per_hour === null ? null : round(f.judgments_per_hour, 2),
    f.gold_n,
    f.gold_correct,
    f.gold_accuracy === null ? null : round(f.gold_accuracy, 4),
  ];
}

/**
 * The report's CSV lines: a header, one row per annotator and period, then each annotator's sums
 * (period `total`) and everyone's (annotator and period `total`).
 */
export function* timeReportCsv(report: TimeReport): Generator<string> {
  yield csvLine(TIME_REPORT_CSV_COLUMNS);
  for (const r of report.rows) yield csvLine([r.email, r.name, r.external, r.period, ...figureCells(r)]);
  for (const a of report.annotators) yield csvLine([a.email, a.name, a.external, "total", ...figureCells(a)]);
  yield csvLine(["total", "", "", "total", ...figureCells(report.totals)]);
}

/** Seconds as h:mm:ss (whole seconds, rounded). */
export function hms(seconds: number): string {
  const s = Math.round(seconds);
  return `${Math.floor(s / 3600)}:${String(Math.floor((s % 3600) / 60)).padStart(2, "0")}:${String(s % 60).padStart(2, "0")}`;
}

/** Judgments per hour with one decimal, or – without active time. */
export const perHour = (x: number | null): string => (x === null ? "–" : x.toFixed(1));

/** Gold accuracy as a percent with the number of gold judgments, or – without any. */
export const goldShare = (f: Pick<ReportFigures, "gold_accuracy" | "gold_n">): string => (f.gold_accuracy === null ? "–" : `${(100 * f.gold_accuracy).toFixed(1)}% (${f.gold_n})`);
