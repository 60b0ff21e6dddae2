"use client";
// Progress over time: judgments per day (bars) with items complete (cumulative line), and
// judgments per annotator per day (stacked bars).
import { Bar, BarChart, CartesianGrid, ComposedChart, Legend, Line, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import type { ProgressDay } from "@/lib/stats/types";

type AnnotatorDay = { date: string; annotator: string; judgments: number };

export function ProgressCharts({ days, items, perAnnotator, names }: { days: ProgressDay[]; items: number; perAnnotator: AnnotatorDay[]; names: Record<string, string> }) {
  if (days.length === 0) return <p className="muted">No judgments yet.</p>;
  const annotators = [...new Set(perAnnotator.map((d) => d.annotator))].sort();
  const byDate = new Map<string, Record<string, number | string>>();
  for (const d of perAnnotator) {
    let row = byDate.get(d.date);
    if (!row) byDate.set(d.date, (row = { date: d.date }));
    row[d.annotator] = d.judgments;
  }
  return (
    <>
    <div className="chart" data-testid="progress-chart" role="img" aria-label={`Judgments per day and items complete over ${days.length} day(s)`}>
      <ResponsiveContainer width="100%" height={260}>
        <ComposedChart data={days} margin={{ top: 8, right: 16, bottom: 8, left: 0 }}>
          <CartesianGrid strokeDasharray="3 3" />
          <XAxis dataKey="date" />
          <YAxis yAxisId="day" allowDecimals={false} />
          <YAxis yAxisId="total" orientation="right" allowDecimals={false} domain={[0, Math.max(items, 1)]} />
          <Tooltip />
          <Legend />
          <Bar yAxisId="day" dataKey="judgments" name="Judgments that day" fill="#8da2ee" isAnimationActive={false} />
          <Line yAxisId="total" dataKey="cumulative_completed" name="Items complete" stroke="#1f8a4c" strokeWidth={2} dot={false} isAnimationActive={false} />
        </ComposedChart>
      </ResponsiveContainer>
    </div>
    <div className="chart" data-testid="annotator-day-chart" role="img" aria-label="Judgments per annotator per day">
      <ResponsiveContainer width="100%" height={240}>
        <BarChart data={[...byDate.values()]} margin={{ top: 8, right: 16, bottom: 8, left: 0 }}>
          <CartesianGrid strokeDasharray="3 3" />
          <XAxis dataKey="date" />
          <YAxis allowDecimals={false} />
          <Tooltip />
          {annotators.length <= 12 && <Legend />}
          {annotators.map((a, i) => (
            <Bar key={a} dataKey={a} name={names[a] ?? a} stackId="day" fill={`hsl(${Math.round((i * 360) / Math.max(annotators.length, 1))}, 55%, 60%)`} isAnimationActive={false} />
          ))}
        </BarChart>
      </ResponsiveContainer>
    </div>
    </>
  );
}
