// A project's dashboard for managers: progress, agreement, annotators, the model leaderboard and
// a breakdown by candidate metadata. Every widget renders from one projectStats result.
import { EmptyState } from "@/app/_components/EmptyState";
import { contextFor, requirePageCaller } from "@/lib/auth/session";
import { orNotFound } from "@/lib/http/page";
import { AppError } from "@/lib/services/errors";
import { projectStats } from "@/lib/services/stats";
import { projectionText } from "@/lib/stats/projection";
import type { Interval, ProjectStats } from "@/lib/stats/types";
import { AnnotatorTable } from "./_components/AnnotatorTable";
import { CsvLink } from "./_components/CsvLink";
import { fixed, pct, range } from "./_components/format";
import { IntervalChart } from "./_components/IntervalChart";
import { KappaHeatmap } from "./_components/KappaHeatmap";
import { ProgressCharts } from "./_components/ProgressCharts";

export default async function ProjectDashboard({ params, searchParams }: { params: Promise<{ slug: string }>; searchParams: Promise<{ by?: string }> }) {
  const caller = await requirePageCaller("project:read");
  const { slug } = await params;
  const by = (await searchParams).by?.trim() || undefined;
  let stats: ProjectStats;
  let byError: string | null = null;
  try {
    stats = await orNotFound(() => projectStats({ ctx: contextFor(caller), input: { slug, by } }));
  } catch (err) {
    if (!(err instanceof AppError && err.code === "bad_request" && by)) throw err;
    byError = err.message;
    stats = await projectStats({ ctx: contextFor(caller), input: { slug } });
  }
  const names = Object.fromEntries(stats.annotators.map((a) => [a.email, a.name]));
  const a = stats.agreement;
  const p = stats.progress.projection;
  return (
    <>
      <h1>{stats.project.name} <span className="muted">· dashboard</span></h1>
      <nav className="jumps" aria-label="Dashboard sections">
        <a href="#overview">Overview</a> <a href="#agreement">Agreement</a> <a href="#annotators">Annotators</a> <a href="#leaderboard">Leaderboard</a> <a href="#breakdown">Breakdown</a>
      </nav>

      <section className="panel" id="overview" aria-labelledby="overview-heading">
        <h2 id="overview-heading">Overview</h2>
        <dl className="figures" data-testid="overview">
          <div><dt>Items</dt><dd>{stats.items}</dd></div>
          <div><dt>Judgments</dt><dd>{stats.judgments}</dd></div>
          <div><dt>Items complete</dt><dd data-testid="complete-items">{stats.complete_items} ({pct(stats.items ? stats.complete_items / stats.items : null)})</dd></div>
          <div>
            <dt>Projected completion</dt>
            <dd data-testid="projection" title={projectionText(p)}>
              {p.status === "done"
                ? "done"
                : p.status === "not_enough_data"
                  ? "not enough data yet"
                  : p.status === "no_recent_progress"
                    ? "no recent progress"
                    : `${p.date} (${p.recent_rate_per_day.toFixed(1)} items/day over ${p.window_days < 7 ? p.window_days.toFixed(1) : p.window_days} days)`}
              {p.status === "not_enough_data" && (
                <small className="muted" data-testid="projection-why">
                  {" "}
                  (needs a day of history and {p.min_judgments} judgments)
                </small>
              )}
            </dd>
          </div>
        </dl>
        {stats.adaptive && <AdaptiveFigures f={stats.adaptive} />}
        <ProgressCharts days={stats.progress.per_day} hours={stats.progress.per_hour} items={stats.items} perAnnotator={stats.progress.per_annotator_day} names={names} />
        <CsvLink slug={slug} table="progress" />
      </section>

      <section className="panel" id="agreement" aria-labelledby="agreement-heading">
        <h2 id="agreement-heading">Agreement</h2>
        <p className="muted" data-testid="agreement-over">
          Over {a.n_items} item(s) with two or more pairwise judgments ({a.n_judgments} judgments); both-bad ({a.both_bad}) counts as a tie. Intervals: 95% bootstrap
          over items, {stats.options.rounds} rounds.
        </p>
        <table className="data figures-table" data-testid="agreement-figures">
          <thead>
            <tr><th scope="col">Measure</th><th scope="col" className="num">Value</th><th scope="col" className="num">95% interval</th><th scope="col" className="num">n</th></tr>
          </thead>
          <tbody>
            <Figure name="Percent agreement" value={pct(a.percent)} ci={a.percent_ci} f={pct} n={`${a.n_pairs} pairs`} />
            <Figure name="Percent agreement, ties left out" value={pct(a.percent_no_ties)} ci={a.percent_no_ties_ci} f={pct} n={`${a.n_pairs_no_ties} pairs`} />
            <Figure name="Fleiss' kappa" value={fixed(a.fleiss_kappa)} ci={a.fleiss_kappa_ci} f={fixed} n={`${a.n_items} items`} />
            <Figure name="Krippendorff's alpha (nominal)" value={fixed(a.krippendorff_alpha_nominal)} ci={a.krippendorff_alpha_nominal_ci} f={fixed} n={`${a.n_items} items`} />
            <Figure name="Krippendorff's alpha (ordinal: A < tie < B)" value={fixed(a.krippendorff_alpha_ordinal)} ci={a.krippendorff_alpha_ordinal_ci} f={fixed} n={`${a.n_items} items`} />
            {stats.ratings.map((r) => (
              <Figure key={r.criterion} name={`Ratings alpha (interval): ${r.criterion}`} value={fixed(r.alpha)} ci={r.ci} f={fixed} n={`${r.n_items} units`} />
            ))}
            {stats.rankings && (
              <>
                <Figure name="Rankings: mean Kendall tau" value={fixed(stats.rankings.tau_mean)} n={`${stats.rankings.n_pairs} pairs`} />
                <Figure name="Rankings: Krippendorff's alpha (ordinal)" value={fixed(stats.rankings.alpha)} n={`${stats.rankings.n_items} items`} />
              </>
            )}
          </tbody>
        </table>
        <p className="muted" data-testid="majority">
          Those {a.n_items} item(s) by majority: A {a.majority.A}, tie {a.majority.tie}, B {a.majority.B}, no majority {a.majority.none}.
        </p>
        <h3>Cohen&apos;s kappa by annotator pair</h3>
        <KappaHeatmap pairs={a.cohen_kappa} names={names} />
        <CsvLink slug={slug} table="kappa" />
      </section>

      <section className="panel" id="annotators" aria-labelledby="annotators-heading">
        <h2 id="annotators-heading">Annotators</h2>
        {stats.annotators.length === 0 ? (
          <EmptyState title="No judgments yet">
            <p>Annotators appear here with their counts, speed and agreement once they judge items of this project.</p>
          </EmptyState>
        ) : (
          <AnnotatorTable annotators={stats.annotators} />
        )}
        <CsvLink slug={slug} table="annotators" />
      </section>

      <section className="panel" id="leaderboard" aria-labelledby="leaderboard-heading">
        <h2 id="leaderboard-heading">Model leaderboard</h2>
        <p className="muted">
          Bradley–Terry ratings on the Elo scale (mean 1000; a tie is half a win each way), 95% bootstrap intervals over {stats.leaderboard_info.rounds} rounds; models
          whose intervals overlap share a rank. {stats.leaderboard_info.n_comparisons} comparison(s).
        </p>
        {stats.leaderboard.length === 0 ? (
          <EmptyState title="No pairwise judgments between named models yet">
            <p>Import items whose responses name their model; the leaderboard ranks the models as judgments come in.</p>
          </EmptyState>
        ) : (
          <>
            <IntervalChart
              testId="leaderboard-chart"
              label="Model ratings with 95% intervals"
              reference={1000}
              rows={stats.leaderboard.map((r) => ({ label: r.model, estimate: r.rating, low: r.ci_low, high: r.ci_high }))}
            />
            <table className="data" data-testid="leaderboard-table">
              <thead>
                <tr><th scope="col" className="num">Rank</th><th scope="col">Model</th><th scope="col" className="num">Rating</th><th scope="col" className="num">95% interval</th><th scope="col" className="num">Wins</th><th scope="col" className="num">Losses</th><th scope="col" className="num">Ties</th></tr>
              </thead>
              <tbody>
                {stats.leaderboard.map((r) => (
                  <tr key={r.model} data-testid={`model-${r.model}`}>
                    <td className="num">{r.rank}</td>
                    <td>{r.model}</td>
                    <td className="num">{r.rating.toFixed(1)}</td>
                    <td className="num">{r.ci_low.toFixed(1)} – {r.ci_high.toFixed(1)}</td>
                    <td className="num">{r.wins}</td>
                    <td className="num">{r.losses}</td>
                    <td className="num">{r.ties + r.both_bad}</td>
                  </tr>
                ))}
              </tbody>
            </table>
            <h3>Win rate, row model against column model</h3>
            <WinRates stats={stats} />
          </>
        )}
        <CsvLink slug={slug} table="leaderboard" />
      </section>

      <section className="panel" id="breakdown" aria-labelledby="breakdown-heading">
        <h2 id="breakdown-heading">Breakdown by candidate metadata</h2>
        <form method="get" action={`/manage/${slug}#breakdown`} className="row">
          <label>
            Metadata key
            <select name="by" defaultValue={stats.breakdown?.key ?? ""} data-testid="breakdown-key">
              <option value="">choose…</option>
              {stats.metadata_keys.map((k) => (
                <option key={k} value={k}>{k}</option>
              ))}
            </select>
          </label>
          <button type="submit" data-testid="breakdown-show">Show</button>
        </form>
        {byError && <p className="error" role="alert">{byError}</p>}
        {stats.breakdown && <Breakdown slug={slug} breakdown={stats.breakdown} />}
      </section>
    </>
  );
}

function Figure({ name, value, ci, f, n }: { name: string; value: string; ci?: Interval; f?: (x: number | null) => string; n: string }) {
  return (
    <tr>
      <th scope="row">{name}</th>
      <td className="num">{value}</td>
      <td className="num">{ci && f ? range(ci.low, ci.high, f) || "–" : "–"}</td>
      <td className="num">{n}</td>
    </tr>
  );
}

function WinRates({ stats }: { stats: ProjectStats }) {
  const { models, matrix, games } = stats.win_rates;
  return (
    <div className="heatmap-wrap">
      <table className="heatmap" data-testid="win-rates">
        <thead>
          <tr><th scope="col" />{models.map((m) => <th key={m} scope="col">{m}</th>)}</tr>
        </thead>
        <tbody>
          {models.map((m, i) => (
            <tr key={m}>
              <th scope="row">{m}</th>
              {models.map((other, j) => {
                const rate = matrix[i][j];
                return (
                  <td key={other} title={`${m} against ${other}: ${games[i][j]} game(s)`} style={rate === null ? undefined : { background: `hsl(${Math.round(rate * 140)}, 55%, 85%)` }}>
                    {rate === null ? "" : pct(rate)}
                  </td>
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function Breakdown({ slug, breakdown }: { slug: string; breakdown: NonNullable<ProjectStats["breakdown"]> }) {
  const fields = [...new Set(breakdown.rows.flatMap((r) => Object.keys(r.numeric)))].sort();
  const chartRows = breakdown.rows.filter((r) => r.win_rate !== null).map((r) => ({ label: String(r.value), estimate: r.win_rate!, low: r.ci_low!, high: r.ci_high! }));
  return (
    <>
      <p className="muted">
        Win rate of candidates with each value of <code>{breakdown.key}</code> against candidates with a different value (ties half), with 95% Wilson intervals.
      </p>
      <IntervalChart testId="breakdown-chart" label={`Win rate by ${breakdown.key}`} percent reference={0.5} rows={chartRows} />
      <table className="data" data-testid="breakdown-table">
        <thead>
          <tr>
            <th scope="col">{breakdown.key}</th><th scope="col" className="num">Win rate</th><th scope="col" className="num">95% interval</th><th scope="col" className="num">n</th>
            {fields.map((f) => <th key={f} scope="col" className="num">{f} mean / p95</th>)}
          </tr>
        </thead>
        <tbody>
          {breakdown.rows.map((r) => (
            <tr key={String(r.value)}>
              <td>{r.value === null ? <span className="muted">(missing)</span> : String(r.value)}</td>
              <td className="num">{pct(r.win_rate)}</td>
              <td className="num">{range(r.ci_low, r.ci_high, pct)}</td>
              <td className="num">{r.n}{r.n_same ? <span className="muted"> (+{r.n_same} same value)</span> : null}</td>
              {fields.map((f) => <td key={f} className="num">{fixed(r.numeric[f]?.mean, 1)} / {fixed(r.numeric[f]?.p95, 1)}</td>)}
            </tr>
          ))}
        </tbody>
      </table>
      <CsvLink slug={slug} table="breakdown" by={breakdown.key} />
    </>
  );
}

/** Adaptive overlap: judgments spent against a fixed overlap of max, and the agreement of the labels it produced. */
function AdaptiveFigures({ f }: { f: NonNullable<ProjectStats["adaptive"]> }) {
  return (
    <>
      <h3>Adaptive overlap {f.min}–{f.max}</h3>
      <dl className="figures" data-testid="adaptive-figures">
        <div><dt>Judgments spent</dt><dd data-testid="adaptive-spent">{f.judgments} of {f.fixed_judgments} ({pct(f.spent_share)})</dd></div>
        <div><dt>Finished items</dt><dd>{f.stopped_early} stopped early, {f.reached_max} at {f.max}</dd></div>
        <div><dt>Labels</dt><dd data-testid="adaptive-labels">{f.labeled} with a majority, {f.no_majority} without</dd></div>
        <div><dt>Mean label agreement</dt><dd>{pct(f.label_agreement)}</dd></div>
      </dl>
      <p className="muted">
        Spent: judgments on {f.items} non-gold item(s) against the {f.fixed_judgments} a fixed overlap of {f.max} would ask for. An item stops when its first {f.min} judgments agree
        {f.stop_agreement != null ? ` or when its leading verdict reaches ${pct(f.stop_agreement)}` : ""}; items without a majority go to adjudication. Agreement: the mean share of the
        leading verdict over finished items with two or more judgments.
      </p>
    </>
  );
}
