// The time and pay report for managers: judgments, active time (capped per judgment), judgments per
// hour and gold accuracy per annotator and day or week, in the viewer's time zone, with a CSV download.
import Link from "next/link";
import { Suspense } from "react";
import { contextFor, requirePageCaller } from "@/lib/auth/session";
import { goldShare, hms, perHour } from "@/lib/formats/time-report";
import { orNotFound } from "@/lib/http/page";
import { AppError } from "@/lib/services/errors";
import { getProject } from "@/lib/services/projects";
import { REPORT_PERIODS, timeReport, type TimeReport } from "@/lib/services/reports";
import type { ReportFigures } from "@/lib/stats/time-report";
import { BrowserZone } from "./_components/BrowserZone";

type Query = { from?: string; to?: string; by?: string; tz?: string };

export default async function ReportPage({ params, searchParams }: { params: Promise<{ slug: string }>; searchParams: Promise<Query> }) {
  const caller = await requirePageCaller("project:read");
  const { slug } = await params;
  const query = await searchParams;
  const ctx = contextFor(caller);
  const project = await orNotFound(() => getProject({ ctx, input: { slug } }));
  const one = (v: unknown) => (typeof v === "string" ? v : undefined);
  const input = { slug, from: one(query.from) || undefined, to: one(query.to) || undefined, by: one(query.by) || undefined, tz: one(query.tz) || undefined };
  let report: TimeReport | null = null;
  let error: string | null = null;
  if (input.tz) {
    try {
      report = await timeReport({ ctx, input });
    } catch (err) {
      if (!(err instanceof AppError && err.code === "bad_request")) throw err;
      error = err.message;
    }
  }
  const shown = { from: report?.from ?? input.from ?? "", to: report?.to ?? input.to ?? "", by: report?.by ?? input.by ?? "day", tz: report?.tz ?? input.tz ?? "" };
  const csv = report && `/api/v1/projects/${slug}/report.csv?${new URLSearchParams({ from: report.from, to: report.to, by: report.by, tz: report.tz })}`;
  return (
    <>
      <p className="muted">
        <Link href="/manage">← All projects</Link> · <Link href={`/manage/${slug}`}>Dashboard</Link>
      </p>
      <h1>
        {project.name} <span className="muted">· time report</span>
      </h1>
      <section className="panel" aria-labelledby="range-heading">
        <h2 id="range-heading">Range</h2>
        <form method="get" action={`/manage/${slug}/report`} aria-label="Report range">
          <div className="row">
            <label>
              From
              <input type="date" name="from" defaultValue={shown.from} key={`from-${shown.from}`} data-testid="report-from" />
            </label>
            <label>
              To
              <input type="date" name="to" defaultValue={shown.to} key={`to-${shown.to}`} data-testid="report-to" />
            </label>
            <label>
              By
              <select name="by" defaultValue={shown.by} key={`by-${shown.by}`} data-testid="report-by">
                {REPORT_PERIODS.map((p) => (
                  <option key={p} value={p}>
                    {p === "week" ? "week (from Monday)" : p}
                  </option>
                ))}
              </select>
            </label>
            <label>
              Time zone
              <input name="tz" defaultValue={shown.tz} key={`tz-${shown.tz}`} placeholder="Europe/Berlin" size={22} data-testid="report-tz" />
            </label>
            <button type="submit" className="primary" data-testid="report-show">
              Show
            </button>
          </div>
        </form>
        {error && (
          <p className="error" role="alert" data-testid="report-error">
            {error}
          </p>
        )}
        <p className="muted">
          Active time sums each judgment&apos;s recorded time on screen, up to the project&apos;s cap of {project.timeCapSeconds} s per judgment, so an abandoned tab
          does not count as hours. Judgments per hour divide the timed judgments by their active time; judgments without a recorded time (imports may have none)
          count in Judgments only. Days are counted in the time zone shown; weeks start on Monday.
        </p>
      </section>
      {!input.tz && (
        <>
          <Suspense>
            <BrowserZone />
          </Suspense>
          <noscript>
            <p className="muted">Enter your time zone (such as Europe/Berlin) and press Show.</p>
          </noscript>
        </>
      )}
      {report && (
        <section className="panel" aria-labelledby="report-heading">
          <h2 id="report-heading">
            {report.from} to {report.to} <span className="muted">· by {report.by} · {report.tz}</span>
          </h2>
          {report.rows.length === 0 ? <p className="muted" data-testid="report-empty">No judgments in this range.</p> : <ReportTable report={report} />}
          <a className="button csv" href={csv!} download data-testid="report-csv">
            Download CSV
          </a>
        </section>
      )}
    </>
  );
}

function Figures({ f }: { f: ReportFigures }) {
  return (
    <>
      <td className="num">{f.judgments}</td>
      <td className="num">{f.timed_judgments}</td>
      <td className="num">{f.capped_judgments}</td>
      <td className="num">{hms(f.active_seconds)}</td>
      <td className="num">{perHour(f.judgments_per_hour)}</td>
      <td className="num">{goldShare(f)}</td>
    </>
  );
}

function ReportTable({ report }: { report: TimeReport }) {
  return (
    <table className="data report" data-testid="report-table">
      <thead>
        <tr>
          <th scope="col">Annotator</th>
          <th scope="col">{report.by === "week" ? "Week of" : "Day"}</th>
          <th scope="col" className="num">Judgments</th>
          <th scope="col" className="num">Timed</th>
          <th scope="col" className="num">Capped</th>
          <th scope="col" className="num">Active time</th>
          <th scope="col" className="num">Judgments / hour</th>
          <th scope="col" className="num">Gold accuracy</th>
        </tr>
      </thead>
      {report.annotators.map((a) => (
        <tbody key={a.user_id} data-testid={`report-annotator-${a.email}`}>
          {report.rows
            .filter((r) => r.user_id === a.user_id)
            .map((r) => (
              <tr key={r.period} data-testid={`report-row-${a.email}-${r.period}`}>
                <td>
                  {a.name} <span className="muted">{a.email}{a.external ? " · imported" : ""}</span>
                </td>
                <td>{r.period}</td>
                <Figures f={r} />
              </tr>
            ))}
          <tr className="subtotal" data-testid={`report-total-${a.email}`}>
            <th scope="row">{a.name} total</th>
            <td />
            <Figures f={a} />
          </tr>
        </tbody>
      ))}
      <tfoot>
        <tr className="total" data-testid="report-total">
          <th scope="row">Total</th>
          <td />
          <Figures f={report.totals} />
        </tr>
      </tfoot>
    </table>
  );
}
