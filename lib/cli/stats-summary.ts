// The human-readable form of `arbiter stats`: the headline figures of projectStats as plain text.
import { projectionText } from "@/lib/stats/projection";
import type { Interval, ProjectStats } from "@/lib/stats/types";

const fixed = (x: number | null, digits = 3): string => (x === null ? "n/a" : x.toFixed(digits));
const pct = (x: number | null): string => (x === null ? "n/a" : `${(100 * x).toFixed(1)}%`);
const ci = (i: Interval, f: (x: number | null) => string): string => (i.low === null ? "" : ` [${f(i.low)}, ${f(i.high)}]`);

function table(header: string[], rows: string[][]): string[] {
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c].length)));
  // Figures align right, names left.
  const numeric = header.map((_, c) => rows.every((r) => /^[\d\s.,%–/na+-]*$/.test(r[c])));
  const line = (r: string[]) => "  " + r.map((cell, c) => (numeric[c] ? cell.padStart(widths[c]) : cell.padEnd(widths[c]))).join("  ");
  return [line(header), ...rows.map(line)];
}

/** Under adaptive overlap: what it spent against a fixed overlap of max, and how the finished items' labels agree. */
function adaptiveLines(s: ProjectStats): string[] {
  const f = s.adaptive;
  if (!f) return [];
  return [
    `Adaptive overlap ${f.min}–${f.max}: ${f.judgments} judgment(s) spent, ${pct(f.spent_share)} of the ${f.fixed_judgments} a fixed overlap of ${f.max} would spend on ${f.items} item(s)`,
    `  finished: ${f.stopped_early} stopped early, ${f.reached_max} at max; labels: ${f.labeled} with a majority, ${f.no_majority} without (adjudication); mean agreement ${pct(f.label_agreement)}`,
  ];
}

export function statsSummary(s: ProjectStats): string {
  const a = s.agreement;
  const out: string[] = [
    `Project ${s.project.slug}: ${s.items} item(s), ${s.judgments} judgment(s), ${s.complete_items} complete (${s.adaptive ? `adaptive overlap ${s.adaptive.min}–${s.adaptive.max}` : `overlap ${s.project.overlap}`})`,
    ...adaptiveLines(s),
    "",
    `Agreement (${a.n_items} item(s) with 2+ judgments, ${a.n_judgments} judgment(s), ${a.both_bad} both-bad counted as ties; 95% bootstrap intervals):`,
    `  percent agreement       ${pct(a.percent)}${ci(a.percent_ci, pct)}   (${a.n_pairs} pairs)`,
    `  without ties            ${pct(a.percent_no_ties)}${ci(a.percent_no_ties_ci, pct)}   (${a.n_pairs_no_ties} pairs)`,
    `  Fleiss' kappa           ${fixed(a.fleiss_kappa)}${ci(a.fleiss_kappa_ci, fixed)}`,
    `  Krippendorff's alpha    nominal ${fixed(a.krippendorff_alpha_nominal)}${ci(a.krippendorff_alpha_nominal_ci, fixed)}, ordinal ${fixed(a.krippendorff_alpha_ordinal)}${ci(a.krippendorff_alpha_ordinal_ci, fixed)}`,
  ];
  if (a.cohen_kappa.length) {
    out.push("", "Cohen's kappa by annotator pair:", ...table(["a", "b", "kappa", "n"], a.cohen_kappa.map((k) => [k.a, k.b, fixed(k.kappa), String(k.n)])));
  }
  for (const r of s.ratings) out.push(`Ratings alpha (interval), ${r.criterion}: ${fixed(r.alpha)}${ci(r.ci, fixed)} (${r.n_items} units)`);
  if (s.rankings) out.push(`Rankings: mean Kendall tau ${fixed(s.rankings.tau_mean)} (${s.rankings.n_pairs} pairs), alpha ${fixed(s.rankings.alpha)}`);
  if (s.annotators.length) {
    out.push(
      "",
      "Annotators:",
      ...table(
        ["annotator", "judgments", "median s", "majority", "gold", "ties", "pos. A", "outliers"],
        s.annotators.map((q) => [
          q.email,
          String(q.judgments),
          fixed(q.median_seconds, 1),
          pct(q.majority_agreement),
          pct(q.gold_accuracy),
          pct(q.tie_rate),
          pct(q.position_bias),
          q.outliers.join(",") || "-",
        ]),
      ),
    );
  }
  if (s.leaderboard.length) {
    out.push(
      "",
      `Leaderboard (Bradley–Terry, Elo scale, ${s.leaderboard_info.rounds} bootstrap rounds):`,
      ...table(
        ["rank", "model", "rating", "95% CI", "wins", "losses", "ties"],
        s.leaderboard.map((r) => [String(r.rank), r.model, r.rating.toFixed(1), `${r.ci_low.toFixed(1)} – ${r.ci_high.toFixed(1)}`, String(r.wins), String(r.losses), String(r.ties + r.both_bad)]),
      ),
    );
  }
  if (s.contenders.length) {
    const criteria = [...new Set(s.contenders.flatMap((r) => Object.keys(r.ratings)))].sort();
    const money = (x: number | null) => (x === null ? "n/a" : x.toFixed(4));
    out.push(
      "",
      `Contenders (Bradley–Terry, Elo scale; latency and TTFT in ms; cost per 1,000 responses in USD${criteria.length ? "; mean ratings" : ""}):`,
      ...table(
        ["contender", "rating", "95% CI", "win rate", "n", "p50 latency", "p90 latency", "TTFT", "tokens", "$/1k", ...criteria],
        s.contenders.map((r) => [
          r.name,
          fixed(r.rating, 1),
          r.ci_low === null || r.ci_high === null ? "" : `${r.ci_low.toFixed(1)} – ${r.ci_high.toFixed(1)}`,
          pct(r.win_rate),
          String(r.n),
          fixed(r.median_latency_ms, 0),
          fixed(r.p90_latency_ms, 0),
          fixed(r.median_ttft_ms, 0),
          fixed(r.mean_completion_tokens, 1),
          money(r.cost_per_1k_usd),
          ...criteria.map((c) => fixed(r.ratings[c]?.mean ?? null, 2)),
        ]),
      ),
    );
  }
  if (s.breakdown) {
    const fields = [...new Set(s.breakdown.rows.flatMap((r) => Object.keys(r.numeric)))];
    out.push(
      "",
      `Breakdown by ${s.breakdown.key}:`,
      ...table(
        [s.breakdown.key, "win rate", "95% CI", "n", ...fields.map((f) => `${f} mean/p95`)],
        s.breakdown.rows.map((r) => [
          String(r.value),
          pct(r.win_rate),
          r.ci_low === null ? "" : `${pct(r.ci_low)} – ${pct(r.ci_high)}`,
          String(r.n),
          ...fields.map((f) => `${fixed(r.numeric[f]?.mean ?? null, 1)}/${fixed(r.numeric[f]?.p95 ?? null, 1)}`),
        ]),
      ),
    );
  }
  if (s.judges?.length) {
    const range = (low: number | null, high: number | null, f: (x: number | null) => string) => (low === null ? "" : `${f(low)} – ${f(high)}`);
    const row = (name: string, r: NonNullable<ProjectStats["judges"]>[number] | NonNullable<NonNullable<ProjectStats["judges"]>[number]["slices"]>[number]) => [
      name,
      String(r.n),
      fixed(r.kappa),
      range(r.kappa_ci_low, r.kappa_ci_high, fixed),
      pct(r.accuracy),
      range(r.accuracy_ci_low, r.accuracy_ci_high, pct),
      pct(r.position_consistency),
    ];
    out.push(
      "",
      "Judge vs humans (against the human majority):",
      ...table(
        ["judge", "n", "kappa", "95% CI", "accuracy", "95% CI", "position-consistent"],
        s.judges.flatMap((j) => [row(j.name, j), ...(j.slices ?? []).map((sl) => row(`  ${s.options.by}=${sl.value ?? "(missing)"}`, sl))]),
      ),
    );
  }
  out.push("", `Progress: ${projectionText(s.progress.projection)}`);
  return out.join("\n");
}

