"use client";
// Horizontal interval bars: one row per entry, a bar from the interval's low to high end and a
// dot at the estimate. Used for the leaderboard (Elo ratings) and the breakdown (win rates).
import { Bar, CartesianGrid, ComposedChart, ReferenceLine, ResponsiveContainer, Scatter, Tooltip, XAxis, YAxis } from "recharts";
import { niceTicks } from "@/lib/stats/ticks";

export interface IntervalRow {
  label: string;
  estimate: number;
  low: number;
  high: number;
}

export function IntervalChart({ rows, reference, percent, testId, label }: { rows: IntervalRow[]; reference?: number; percent?: boolean; testId: string; label: string }) {
  if (rows.length === 0) return null;
  const data = rows.map((r) => ({ ...r, span: [r.low, r.high] as [number, number] }));
  // Round ticks (600, 800, 1000 …) that cover every interval and the reference line; the axis spans exactly the ticks.
  const values = [...rows.flatMap((r) => [r.low, r.high]), ...(reference !== undefined ? [reference] : [])];
  const ticks = percent ? niceTicks(0, 1, 6) : niceTicks(Math.min(...values), Math.max(...values), 6);
  const domain: [number, number] = [ticks[0], ticks[ticks.length - 1]];
  const show = (x: number) => (percent ? `${Math.round(x * 100)}%` : String(Math.round(x)));
  const tick = (x: number) => (percent ? `${Number((x * 100).toFixed(1))}%` : x.toLocaleString("en"));
  return (
    <div className="chart" data-testid={testId} role="img" aria-label={label}>
      <ResponsiveContainer width="100%" height={Math.max(120, 34 * rows.length + 50)}>
        <ComposedChart layout="vertical" data={data} margin={{ top: 8, right: 24, bottom: 8, left: 8 }}>
          <CartesianGrid strokeDasharray="3 3" horizontal={false} />
          <XAxis type="number" domain={domain} ticks={ticks} interval={0} allowDataOverflow tickFormatter={tick} />
          <YAxis type="category" dataKey="label" width={160} />
          <Tooltip
            formatter={(value, name) => (Array.isArray(value) ? [`${show(Number(value[0]))} – ${show(Number(value[1]))}`, "95% interval"] : [show(Number(value)), String(name)])}
          />
          {reference !== undefined && <ReferenceLine x={reference} stroke="#999" strokeDasharray="4 4" />}
          <Bar dataKey="span" name="95% interval" fill="#c3cdf5" barSize={14} isAnimationActive={false} />
          <Scatter dataKey="estimate" name="estimate" fill="#3654d6" isAnimationActive={false} />
        </ComposedChart>
      </ResponsiveContainer>
    </div>
  );
}
