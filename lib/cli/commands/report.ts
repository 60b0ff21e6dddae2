// `arbiter report`: the time and pay report of a project, per annotator and day or week.
import { AppError, badRequest } from "@/lib/services/errors";
import { REPORT_PERIODS, reportInput, timeReport, type TimeReport } from "@/lib/services/reports";
import { goldShare, hms, perHour } from "@/lib/formats/time-report";
import type { ReportFigures } from "@/lib/stats/time-report";
import { systemCtx, verb, type Command } from "../command";
import { checked, need } from "../flags";

/** The service's input keys as the flags spell them. */
const FLAGS = { slug: "project" };

/** The zone of the machine the command runs on: the viewer's. */
const localZone = (): string => Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC";

function table(header: string[], rows: string[][], numericFrom: number): string[] {
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c].length)));
  // Names and periods align left, figures right.
  const line = (r: string[]) => "  " + r.map((cell, c) => (c >= numericFrom ? cell.padStart(widths[c]) : cell.padEnd(widths[c]))).join("  ").trimEnd();
  return [line(header), ...rows.map(line)];
}

const cells = (f: ReportFigures): string[] => [String(f.judgments), String(f.timed_judgments), String(f.capped_judgments), hms(f.active_seconds), perHour(f.judgments_per_hour), goldShare(f)];

export function reportText(r: TimeReport): string {
  const head = `Time report for ${r.project.slug}: ${r.from} to ${r.to} by ${r.by}${r.by === "week" ? " (weeks start Monday)" : ""}, days in ${r.tz}, time cap ${r.project.time_cap_seconds} s per judgment`;
  if (r.rows.length === 0) return `${head}\n  no judgments in this range`;
  const header = ["annotator", r.by === "week" ? "week of" : "day", "judgments", "timed", "capped", "active", "per hour", "gold"];
  const rows = [
    ...r.annotators.flatMap((a) => [...r.rows.filter((x) => x.user_id === a.user_id).map((x) => [x.email, x.period, ...cells(x)]), [a.email, "total", ...cells(a)]]),
    ["total", "", ...cells(r.totals)],
  ];
  return [head, ...table(header, rows, 2), "Active time sums each judgment's recorded time up to the cap; \"timed\" judgments have a recorded time (imports may not)."].join("\n");
}

export const report: Command = {
  name: "report",
  summary: "time and pay report: judgments, active time, rate and gold accuracy per annotator",
  verbs: [
    verb({
      usage: "--project S [--from D --to D] [--by day|week] [--tz ZONE]",
      summary: "time and pay report per annotator and day or week",
      flags: {
        project: { type: "string", value: "S", help: "the project's slug" },
        from: { type: "string", value: "D", help: "first day counted, YYYY-MM-DD (default: 29 days before --to)" },
        to: { type: "string", value: "D", help: "last day counted, YYYY-MM-DD (default: today in --tz)" },
        by: { type: "string", value: "P", help: "day (default) or week (weeks start Monday)" },
        tz: { type: "string", value: "ZONE", help: "IANA time zone the days are counted in (default: this machine's)" },
      },
      async run({ values, print }) {
        const input = checked(reportInput, { slug: need(values, "project"), from: values.from, to: values.to, by: values.by ?? REPORT_PERIODS[0], tz: values.tz ?? localZone() }, FLAGS);
        let r: TimeReport;
        try {
          r = timeReport({ ctx: await systemCtx(values), input });
        } catch (err) {
          // A refused range names the flags as typed (--from), not the service's keys.
          if (err instanceof AppError && err.fields) throw badRequest(Object.entries(err.fields).map(([k, m]) => `--${k}: ${m}`).join("; "));
          throw err;
        }
        print(reportText(r), r);
        return 0;
      },
    }),
  ],
};
