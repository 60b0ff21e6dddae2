// The contender leaderboard: one row per contender version (in the order the stats give them, so
// v1 … vN of one contender read in sequence) with preference, speed, tokens and cost side by side,
// then the mean rating per criterion. The table scrolls inside its own focusable box on a phone.
import type { ContenderRow } from "@/lib/stats/types";
import { fixed, ms, pct, range, usd } from "./format";

const one = (x: number | null) => fixed(x, 1);
const two = (x: number | null) => fixed(x, 2);

export function ContenderTable({ contenders }: { contenders: ContenderRow[] }) {
  const criteria = [...new Set(contenders.flatMap((r) => Object.keys(r.ratings)))].sort();
  return (
    <div className="table-wrap" role="region" aria-label="Contender leaderboard table" tabIndex={0} data-testid="contender-scroll">
      <table className="data" data-testid="contender-table">
        <thead>
          <tr>
            <th scope="col">Contender</th>
            <th scope="col" className="num">Rating</th>
            <th scope="col" className="num">95% interval</th>
            <th scope="col" className="num">Win rate</th>
            <th scope="col" className="num">n</th>
            <th scope="col" className="num">Median latency</th>
            <th scope="col" className="num">p90 latency</th>
            <th scope="col" className="num">Median TTFT</th>
            <th scope="col" className="num">Mean completion tokens</th>
            <th scope="col" className="num">Cost per 1,000</th>
            {criteria.map((c) => (
              <th key={c} scope="col" className="num" data-testid={`contender-criterion-${c}`}>
                {c} mean (95% interval)
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {contenders.map((r) => (
            <tr key={r.name} data-testid={`contender-${r.name}`}>
              <th scope="row">{r.name}</th>
              <td className="num">{one(r.rating)}</td>
              <td className="num">{range(r.ci_low, r.ci_high, one) || "–"}</td>
              <td className="num">{pct(r.win_rate)}</td>
              <td className="num">{r.n}</td>
              <td className="num">{ms(r.median_latency_ms)}</td>
              <td className="num">{ms(r.p90_latency_ms)}</td>
              <td className="num">{ms(r.median_ttft_ms)}</td>
              <td className="num">{one(r.mean_completion_tokens)}</td>
              <td className="num">{usd(r.cost_per_1k_usd)}</td>
              {criteria.map((c) => {
                const m = r.ratings[c];
                return (
                  <td key={c} className="num" title={m ? `${m.n} rating(s)` : undefined}>
                    {m ? `${two(m.mean)}${m.ci_low != null && m.ci_high != null ? ` (${range(m.ci_low, m.ci_high, two)})` : ""}` : "–"}
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
