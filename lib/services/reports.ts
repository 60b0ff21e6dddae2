// The time and pay report for managers: a project's judgments per annotator and local day or week
// (in the viewer's time zone) with active time, judgments per hour and gold accuracy. Reads the
// rows in one read transaction and hands them to the pure sums in lib/stats/time-report.ts.
import type Database from "better-sqlite3";
import { z } from "zod";
import type { Verdict } from "@/lib/formats/verdict";
import { addDays, daysBetween, isDateKey, isTimeZone, localDate, utcWindow } from "@/lib/stats/calendar";
import { REPORT_PERIODS, timeReport as sumReport, type ReportAnnotator, type ReportJudgment, type ReportPeriod, type TimeReport } from "@/lib/stats/time-report";
import { nowOf, requireScope, type Ctx, type Untrusted } from "./context";
import { fieldError, notFound, parseInput } from "./errors";
import { prepared } from "./statements";
import { GOLD_VERDICT_SQL, VERDICT_JOIN_SQL, VERDICT_SQL } from "./verdict-sql";

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

interface ProjectRow {
  id: number;
  slug: string;
  name: string;
  timeCapSeconds: number;
}
const PROJECT_SQL = `select id, slug, name, time_cap_seconds as timeCapSeconds from projects where slug = ?`;

// No index covers created_at: the project's judgments are read through (project_id, item_id) and
// the window narrows them; the exact local days are decided in lib/stats.
const JUDGMENTS_SQL = `select j.user_id, j.created_at, j.duration_ms, case when j.type = 'pairwise' then ${VERDICT_SQL} end, ${GOLD_VERDICT_SQL}
  from judgments j join items i on i.id = j.item_id ${VERDICT_JOIN_SQL}
  where j.project_id = ? and j.created_at >= ? and j.created_at < ?`;
type JudgmentTuple = [annotator: number, createdAt: number, durationMs: number | null, verdict: Verdict | null, gold: Verdict | null];
function* judgmentRows(db: Database.Database, projectId: number, start: number, end: number): Generator<ReportJudgment> {
  for (const r of prepared(db, JUDGMENTS_SQL, "raw").iterate(projectId, start, end) as IterableIterator<JudgmentTuple>) {
    yield { annotator: r[0], createdAt: r[1], durationMs: r[2], verdict: r[3], gold: r[4] };
  }
}

const USERS_SQL = `select id as user_id, email, name, external from users where id in (select value from json_each(?))`;

/** The time report of one project (managers and admins). */
export function timeReport({ ctx, input }: { ctx: Ctx; input: Untrusted<ReportInput> }): TimeReport {
  requireScope(ctx, "project:read");
  const options = parseInput(reportInput, input);
  const now = nowOf(ctx);
  const to = options.to ?? localDate(now, options.tz);
  const from = options.from ?? addDays(to, -(DEFAULT_REPORT_DAYS - 1));
  const days = daysBetween(from, to) + 1;
  if (days < 1) throw fieldError("from", `must be on or before the last day, ${to}`);
  if (days > MAX_REPORT_DAYS) throw fieldError("from", `${from} to ${to} covers ${days} days; a report covers at most ${MAX_REPORT_DAYS}`);
  const db = ctx.db.$client;
  const project = prepared(db, PROJECT_SQL).get(options.slug) as ProjectRow | undefined;
  if (!project) throw notFound(`Project "${options.slug}"`);
  const window = utcWindow(from, to);
  // One read transaction: the users read match the judgments read.
  const { figures, users } = db.transaction(() => {
    const figures = sumReport(judgmentRows(db, project.id, window.start, window.end), {
      timeZone: options.tz,
      by: options.by,
      capMs: project.timeCapSeconds * 1000,
      from,
      to,
    });
    const ids = figures.annotators.map((a) => a.annotator);
    const users = (prepared(db, USERS_SQL).all(JSON.stringify(ids)) as (Omit<ReportAnnotator, "external"> & { external: number })[]).map(
      (u): ReportAnnotator => ({ ...u, external: Boolean(u.external) }),
    );
    return { figures, users };
  })();
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
