// The time and pay report for managers: a project's judgments per annotator and local day or week
// (in the viewer's time zone) with active time, judgments per hour and gold accuracy. Reads the
// rows in one snapshot and hands them to the pure sums in lib/stats/time-report.ts. Timestamps come
// back as UTC milliseconds on every engine; the local days are worked out in lib/stats, not in SQL.
import { z } from "zod";
import { at, jsonText } from "@/db/engine";
import { PROJECT_BY_SLUG } from "@/db/queries/projects";
import { REPORT_JUDGMENTS, REPORT_USERS } from "@/db/queries/reports";
import { addDays, daysBetween, isDateKey, isTimeZone, localDate, utcWindow } from "@/lib/stats/calendar";
import { REPORT_PERIODS, TimeReportTally, type ReportAnnotator, type ReportPeriod, type TimeReport } from "@/lib/stats/time-report";
import { nowOf, requireScope, type Ctx, type Untrusted } from "./context";
import { fieldError, notFound, parseInput } from "./errors";

export { REPORT_PERIODS, type ReportPeriod, type TimeReport };

/** The longest range one report covers, in days. */
export const MAX_REPORT_DAYS = 366;
/** Days a report covers when no start is given: the 30 days ending `to`. */
export const DEFAULT_REPORT_DAYS = 30;

const dateKey = z.string().trim().refine(isDateKey, "must be a date written YYYY-MM-DD, such as 2026-03-01");

export const reportInput = z
  .object({
    slug: z.string().trim().min(1, "must not be empty").max(100),
    /** First local day counted; default: 29 days before `to`. */
    from: dateKey.optional(),
    /** Last local day counted (inclusive); default: today in `tz`. */
    to: dateKey.optional(),
    by: z.enum(REPORT_PERIODS, { message: "must be day or week" }).default("day"),
    /** IANA time zone the days are counted and shown in. */
    tz: z
      .string()
      .trim()
      .max(64, "must be at most 64 characters")
      .refine((zone) => /^[A-Za-z][A-Za-z0-9_+\-/]*$/.test(zone) && isTimeZone(zone), "must be an IANA time zone such as Europe/Berlin or UTC")
      .default("UTC"),
  })
  .strict();
export type ReportInput = z.input<typeof reportInput>;

/** Rows fetched at a time from the judgments (PostgreSQL's cursor; SQLite reads row by row). */
const STREAM_BATCH = 5000;

/** The time report of one project (managers and admins). */
export async function timeReport({ ctx, input }: { ctx: Ctx; input: Untrusted<ReportInput> }): Promise<TimeReport> {
  requireScope(ctx, "project:read");
  const options = parseInput(reportInput, input);
  const now = nowOf(ctx);
  const to = options.to ?? localDate(now, options.tz);
  const from = options.from ?? addDays(to, -(DEFAULT_REPORT_DAYS - 1));
  const days = daysBetween(from, to) + 1;
  if (days < 1) throw fieldError("from", `must be on or before the last day, ${to}`);
  if (days > MAX_REPORT_DAYS) throw fieldError("from", `${from} to ${to} covers ${days} days; a report covers at most ${MAX_REPORT_DAYS}`);
  const window = utcWindow(from, to);
  // One snapshot: the users read match the judgments read.
  const { project, figures, users } = await ctx.db.snapshot(async (view) => {
    const project = await view.first(PROJECT_BY_SLUG, [options.slug]);
    if (!project) throw notFound(`Project "${options.slug}"`);
    const tally = new TimeReportTally({ timeZone: options.tz, by: options.by, capMs: project.timeCapSeconds * 1000, from, to });
    for await (const j of view.stream(REPORT_JUDGMENTS, [project.id, at(window.start), at(window.end)], STREAM_BATCH)) tally.add(j);
    const figures = tally.figures();
    const users: ReportAnnotator[] = await view.many(REPORT_USERS, [jsonText(figures.annotators.map((a) => a.annotator))]);
    return { project, figures, users };
  });
  const byId = new Map(users.map((u) => [u.user_id, u]));
  const who = (id: number): ReportAnnotator => byId.get(id) ?? { user_id: id, email: `user ${id}`, name: "", external: false };
  const byEmail = (a: { annotator: number; period?: string }, b: { annotator: number; period?: string }) => {
    const x = who(a.annotator).email;
    const y = who(b.annotator).email;
    return x < y ? -1 : x > y ? 1 : (a.period ?? "") < (b.period ?? "") ? -1 : (a.period ?? "") > (b.period ?? "") ? 1 : 0;
  };
  return {
    project: { slug: project.slug, name: project.name, time_cap_seconds: project.timeCapSeconds },
    from,
    to,
    by: options.by,
    tz: options.tz,
    week_start: "monday",
    generated_at: new Date(now).toISOString(),
    rows: [...figures.rows].sort(byEmail).map(({ annotator, period, ...f }) => ({ ...who(annotator), period, ...f })),
    annotators: [...figures.annotators].sort(byEmail).map(({ annotator, ...f }) => ({ ...who(annotator), ...f })),
    totals: figures.totals,
  };
}
