// Cohen's kappa for every annotator pair as an annotator × annotator grid, coloured by kappa, with
// the number of shared items in each cell. Only annotators who share items with someone appear.
import { fixed } from "./format";

type Pair = { a: string; b: string; kappa: number | null; n: number };

/** Red (kappa ≤ 0) through white to green (kappa = 1). */
function colour(kappa: number | null): string {
  if (kappa === null) return "#eeeeee";
  const k = Math.max(-1, Math.min(1, kappa));
  // Pale enough everywhere (lightness 70% and up) for the dark figures on it to stay readable.
  return k < 0.4 ? `hsl(4, 70%, ${90 - Math.max(0, 0.4 - k) * 14}%)` : `hsl(140, 55%, ${95 - (k - 0.4) * 40}%)`;
}

export function KappaHeatmap({ pairs, names }: { pairs: Pair[]; names: Record<string, string> }) {
  if (pairs.length === 0) return <p className="muted" data-testid="kappa-empty">No two annotators share an item yet.</p>;
  const annotators = [...new Set(pairs.flatMap((p) => [p.a, p.b]))].sort();
  const cell = new Map(pairs.flatMap((p) => [[`${p.a}\u0000${p.b}`, p] as const, [`${p.b}\u0000${p.a}`, p] as const]));
  return (
    <div className="heatmap-wrap">
      <table className="heatmap" data-testid="kappa-heatmap" aria-label="Cohen's kappa by annotator pair">
        <thead>
          <tr>
            <th scope="col"><span className="muted">κ (n)</span></th>
            {annotators.map((a) => (
              <th key={a} scope="col" title={a}>{names[a] ?? a}</th>
            ))}
          </tr>
        </thead>
        <tbody>
          {annotators.map((row) => (
            <tr key={row}>
              <th scope="row" title={row}>{names[row] ?? row}</th>
              {annotators.map((column) => {
                if (row === column) return <td key={column} className="diagonal" aria-label="same annotator" />;
                const p = cell.get(`${row}\u0000${column}`);
                if (!p) return <td key={column} className="empty" aria-label="no shared items" />;
                return (
                  <td key={column} style={{ background: colour(p.kappa) }} data-testid={`kappa-${row}-${column}`} title={`${row} × ${column}: kappa ${fixed(p.kappa)} on ${p.n} shared items`}>
                    <strong>{fixed(p.kappa, 2)}</strong>
                    <small> ({p.n})</small>
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
