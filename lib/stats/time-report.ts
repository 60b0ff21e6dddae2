// The time and pay report's arithmetic: judgments bucketed per annotator and local day or week,
// with active time (each judgment's recorded time, capped), judgments per hour and gold accuracy.
// Pure: the report service reads the rows, this sums them.
import { matchesGold, type Verdict } from "@/lib/formats/verdict";
import { localDater, weekStart, type DateKey } from "./calendar";

export const REPORT_PERIODS = ["day", "week"] as const;
export type ReportPeriod = (typeof REPORT_PERIODS)[number];

/** One judgment as the report reads it. */
export interface ReportJudgment {
  annotator: number;
  /** When it was recorded (UTC milliseconds). */
  createdAt: number;
  /** Time spent on the item; null when none was recorded (imports without `duration_ms`). */
  durationMs: number | null;
  /** Its pairwise verdict (item order), null for other judgment types. */
  verdict: Verdict | null;
  /** The item's gold verdict, null for an ordinary item. */
  gold: Verdict | null;
}

export interface ReportOptions {
  /** IANA time zone the days are counted in. */
  timeZone: string;
  by: ReportPeriod;
  /** The most one judgment counts as active time. */
  capMs: number;
  /** First and last local day counted (inclusive). */
  from: DateKey;
  to: DateKey;
}

/** The figures of one bucket (an annotator's day or week, an annotator's range, everyone's range). */
export interface ReportFigures {
  judgments: number;
  /** Judgments with a recorded time: only these count towards active time and judgments per hour. */
  timed_judgments: number;
  /** Timed judgments whose time was over the cap (counted as the cap). */
  capped_judgments: number;
  /** Sum of min(recorded time, cap), in seconds. */
  active_seconds: number;
  /** Timed judgments per hour of active time; null without active time. */
  judgments_per_hour: number | null;
  /** Pairwise judgments on gold items, and how many of them match the gold verdict exactly. */
  gold_n: number;
  gold_correct: number;
  gold_accuracy: number | null;
}

export interface ReportRow extends ReportFigures {
  annotator: number;
  /** The local day, or the Monday starting the week. */
  period: DateKey;
}

export interface TimeReportFigures {
  /** By annotator (ascending id), then period. */
  rows: ReportRow[];
  /** Each annotator's sums over the range, by ascending id. */
  annotators: (ReportFigures & { annotator: number })[];
  totals: ReportFigures;
}

class Sum {
  judgments = 0;
  timed = 0;
  capped = 0;
  activeMs = 0;
  goldN = 0;
  goldCorrect = 0;
  add(j: ReportJudgment, capMs: number): void {
    this.judgments++;
    if (j.durationMs !== null && j.durationMs >= 0) {
      this.timed++;
      if (j.durationMs > capMs) this.capped++;
      this.activeMs += Math.min(j.durationMs, capMs);
    }
    // The dashboard's rule (lib/stats/tally.ts): pairwise judgments with a verdict on gold items, exact match.
    if (j.gold !== null && j.verdict !== null) {
      this.goldN++;
      if (matchesGold(j.verdict, j.gold)) this.goldCorrect++;
    }
  }
  merge(o: Sum): void {
    this.judgments += o.judgments;
    this.timed += o.timed;
    this.capped += o.capped;
    this.activeMs += o.activeMs;
    this.goldN += o.goldN;
    this.goldCorrect += o.goldCorrect;
  }
  figures(): ReportFigures {
    return {
      judgments: this.judgments,
      timed_judgments: this.timed,
      capped_judgments: this.capped,
      active_seconds: this.activeMs / 1000,
      judgments_per_hour: this.activeMs > 0 ? this.timed / (this.activeMs / 3_600_000) : null,
      gold_n: this.goldN,
      gold_correct: this.goldCorrect,
      gold_accuracy: this.goldN > 0 ? this.goldCorrect / this.goldN : null,
    };
  }
}

/**
 * Buckets judgments by annotator and by the local day (or Monday-start week) they were recorded on
 * in `timeZone`, keeping only the local days `from`…`to`, and sums each bucket, each annotator and
 * everyone. Rows may come in any order; buckets without judgments are left out.
 */
export function timeReport(judgments: Iterable<ReportJudgment>, options: ReportOptions): TimeReportFigures {
  const tally = new TimeReportTally(options);
  for (const j of judgments) tally.add(j);
  return tally.figures();
}

/** timeReport one judgment at a time, for rows that arrive asynchronously (the report service streams them). */
export class TimeReportTally {
  private readonly dayOf: (ms: number) => DateKey;
  private readonly periodOf: (day: DateKey) => DateKey;
  private readonly weekOf = new Map<DateKey, DateKey>();
  private readonly buckets = new Map<number, Map<DateKey, Sum>>();

  constructor(private readonly options: ReportOptions) {
    this.dayOf = localDater(options.timeZone);
    this.periodOf = options.by === "week" ? (day: DateKey) => weekStart(day) : (day: DateKey) => day;
  }

  add(j: ReportJudgment): void {
    const { options, weekOf, buckets } = this;
    const day = this.dayOf(j.createdAt);
    if (day < options.from || day > options.to) return;
    let period = weekOf.get(day);
    if (period === undefined) weekOf.set(day, (period = this.periodOf(day)));
    let mine = buckets.get(j.annotator);
    if (!mine) buckets.set(j.annotator, (mine = new Map()));
    let sum = mine.get(period);
    if (!sum) mine.set(period, (sum = new Sum()));
    sum.add(j, options.capMs);
  }

  figures(): TimeReportFigures {
    const { buckets } = this;
    const rows: ReportRow[] = [];
    const annotators: TimeReportFigures["annotators"] = [];
    const total = new Sum();
    for (const annotator of [...buckets.keys()].sort((a, b) => a - b)) {
      const mine = buckets.get(annotator)!;
      const theirs = new Sum();
      for (const period of [...mine.keys()].sort()) {
        const sum = mine.get(period)!;
        rows.push({ annotator, period, ...sum.figures() });
        theirs.merge(sum);
      }
      annotators.push({ annotator, ...theirs.figures() });
      total.merge(theirs);
    }
    return { rows, annotators, totals: total.figures() };
  }
}

export interface ReportAnnotator {
  user_id: number;
  email: string;
  name: string;
  /** Whose judgments were imported. */
  external: boolean;
}

/** What the report page, `arbiter report --json` and the JSON route show (README "Time and pay report"; built by lib/services/reports.ts). */
export interface TimeReport {
  project: { slug: string; name: string; time_cap_seconds: number };
  from: string;
  to: string;
  by: ReportPeriod;
  tz: string;
  week_start: "monday";
  generated_at: string;
  /** One row per annotator and day (or week, named by its Monday) with judgments, by e-mail then period. */
  rows: (ReportAnnotator & { period: string } & ReportFigures)[];
  /** Each annotator's sums over the range, by e-mail. */
  annotators: (ReportAnnotator & ReportFigures)[];
  totals: ReportFigures;
}
