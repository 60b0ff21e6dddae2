"use client";
// Progress over time: judgments per day (bars) with items complete (cumulative line), and
// judgments per annotator per day (stacked bars). A project whose judgments span two days or less
// is charted by the hour, so its first day is not one bar filling the chart; bars never grow wider
// than MAX_BAR, and the axes tick at round numbers.
import { Bar, BarChart, CartesianGrid, ComposedChart, Legend, Line, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { niceTicks } from "@/lib/stats/ticks";
import type { ProgressDay, ProgressHour } from "@/lib/stats/types";

type AnnotatorDay = { date: string; annotator: string; judgments: number };

const MAX_BAR = 48;

/** `2026-01-05T14:00Z` → `14:00`, with the day when the hours cross midnight. */
function hourLabel(hour: string, withDay: boolean): string {
  return withDay ? `${hour.slice(5, 10)} ${hour.slice(11, 16)}` : hour.slice(11, 16);
}

/** Whole-number ticks from 0 to at least `max`. */
function countTicks(max: number): number[] {
  const ticks = niceTicks(0, Math.max(max, 1), 5).filter((t) => Number.isInteger(t));
  return ticks.length >= 2 ? ticks : [0, Math.max(max, 1)];
}

export function ProgressCharts({
  days,
  hours,
  items,
  perAnnotator,
  names,
}: {
  days: ProgressDay[];
  hours: ProgressHour[];
  items: number;
  perAnnotator: AnnotatorDay[];
  names: Record<string, string>;
}) {
  if (days.length === 0) return <p className="muted">No judgments yet.</p>;
  const hourly = days.length <= 2 && hours.length > 0;
  const crossesMidnight = hourly && hours[0].hour.slice(0, 10) !== hours[hours.length - 1].hour.slice(0, 10);
  const series = hourly
    ? hours.map((h) => ({ label: hourLabel(h.hour, crossesMidnight), judgments: h.judgments, cumulative_completed: h.cumulative_completed }))
    : days.map((d) => ({ label: d.date, judgments: d.judgments, cumulative_completed: d.cumulative_completed }));
  const unit = hourly ? "hour" : "day";
  const perUnitTicks = countTicks(Math.max(...series.map((s) => s.judgments)));
  const totalTicks = countTicks(items);
  const annotators = [...new Set(perAnnotator.map((d) => d.annotator))].sort();
  const byDate = new Map<string, Record<string, number | string>>();
  for (const d of perAnnotator) {
    let row = byDate.get(d.date);
    if (!row) byDate.set(d.date, (row = { date: d.date }));
    row[d.annotator] = d.judgments;
  }
  const annotatorRows = [...byDate.values()];
  const annotatorTicks = countTicks(Math.max(...annotatorRows.map((r) => annotators.reduce((n, a) => n + (Number(r[a]) || 0), 0))));
  return (
    <>
    <div
      className="chart"
      data-testid="progress-chart"
      data-unit={unit}
      role="img"
      aria-label={hourly ? `Judgments per hour and items complete over ${series.length} hour(s)` : `Judgments per day and items complete over ${days.length} day(s)`}
    >
      <ResponsiveContainer width="100%" height={260}>
        <ComposedChart data={series} margin={{ top: 8, right: 16, bottom: 8, left: 0 }}>
          <CartesianGrid strokeDasharray="3 3" />
          <XAxis dataKey="label" />
          <YAxis yAxisId="unit" allowDecimals={false} domain={[0, perUnitTicks[perUnitTicks.length - 1]]} ticks={perUnitTicks} />
          <YAxis yAxisId="total" orientation="right" allowDecimals={false} domain={[0, totalTicks[totalTicks.length - 1]]} ticks={totalTicks} />
          <Tooltip />
          <Legend />
          <Bar yAxisId="unit" dataKey="judgments" name={`Judgments that ${unit}`} fill="#8da2ee" maxBarSize={MAX_BAR} isAnimationActive={false} />
          <Line yAxisId="total" dataKey="cumulative_completed" name="Items complete" stroke="#1f8a4c" strokeWidth={2} dot={series.length === 1} isAnimationActive={false} />
        </ComposedChart>
      </ResponsiveContainer>
    </div>
    <div className="chart" data-testid="annotator-day-chart" role="img" aria-label="Judgments per annotator per day">
      <ResponsiveContainer width="100%" height={240}>
        <BarChart data={annotatorRows} margin={{ top: 8, right: 16, bottom: 8, left: 0 }}>
          <CartesianGrid strokeDasharray="3 3" />
          <XAxis dataKey="date" />
          <YAxis allowDecimals={false} domain={[0, annotatorTicks[annotatorTicks.length - 1]]} ticks={annotatorTicks} />
          <Tooltip />
          {annotators.length <= 12 && <Legend />}
          {annotators.map((a, i) => (
            <Bar key={a} dataKey={a} name={names[a] ?? a} stackId="day" maxBarSize={MAX_BAR} fill={`hsl(${Math.round((i * 360) / Math.max(annotators.length, 1))}, 55%, 60%)`} isAnimationActive={false} />
          ))}
        </BarChart>
      </ResponsiveContainer>
    </div>
    </>
  );
}
