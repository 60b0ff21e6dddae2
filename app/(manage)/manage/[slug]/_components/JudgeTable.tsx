// Judge vs humans: one row per AI judge (its agreement with the human majority, with 95% bootstrap
// intervals, and its position consistency), and with a slice key the same figures per slice below
// it. The table scrolls inside its own focusable box on a phone.
import type { JudgeSliceRow, JudgeStatsRow } from "@/lib/stats/types";
import { fixed, pct, range } from "./format";

function Figures({ r }: { r: Omit<JudgeSliceRow, "value"> }) {
  return (
    <>
      <td className="num" data-testid="judge-n">{r.n}</td>
      <td className="num" data-testid="judge-kappa">{fixed(r.kappa)}</td>
      <td className="num" data-testid="judge-kappa-ci">{range(r.kappa_ci_low, r.kappa_ci_high, fixed) || "–"}</td>
      <td className="num" data-testid="judge-accuracy">{pct(r.accuracy)}</td>
      <td className="num" data-testid="judge-accuracy-ci">{range(r.accuracy_ci_low, r.accuracy_ci_high, pct) || "–"}</td>
      <td className="num" data-testid="judge-position">{pct(r.position_consistency)}</td>
    </>
  );
}

export function JudgeTable({ judges, by }: { judges: JudgeStatsRow[]; by: string | null }) {
  return (
    <div className="table-wrap" role="region" aria-label="Judge vs humans table" tabIndex={0} data-testid="judge-scroll">
      <table className="data" data-testid="judge-table">
        <thead>
          <tr>
            <th scope="col">Judge{by ? ` / ${by}` : ""}</th>
            <th scope="col" className="num">n</th>
            <th scope="col" className="num">Cohen&apos;s kappa</th>
            <th scope="col" className="num">95% interval</th>
            <th scope="col" className="num">Accuracy</th>
            <th scope="col" className="num">95% interval</th>
            <th scope="col" className="num">Position-consistent</th>
          </tr>
        </thead>
        <tbody>
          {judges.flatMap((j) => [
            <tr key={j.name} data-testid={`judge-${j.name}`}>
              <th scope="row">{j.name}</th>
              <Figures r={j} />
            </tr>,
            ...(j.slices ?? []).map((s) => (
              <tr key={`${j.name}:${s.value === null ? "-" : `=${s.value}`}`} data-testid={`judge-${j.name}-slice`} data-slice={s.value ?? ""}>
                <th scope="row" className="slice">
                  <span className="muted">{j.name} · </span>
                  {s.value === null ? <span className="muted">(missing)</span> : s.value}
                </th>
                <Figures r={s} />
              </tr>
            )),
          ])}
        </tbody>
      </table>
    </div>
  );
}
