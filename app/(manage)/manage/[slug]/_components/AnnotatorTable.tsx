"use client";
// The annotator quality table: sortable by any column, filterable by name or e-mail and to
// outliers only; outliers are highlighted with the rule that flagged them.
import { useMemo, useState } from "react";
import type { AnnotatorStats } from "@/lib/stats/types";
import { fixed, pct } from "./format";

type Key = "email" | "judgments" | "median_seconds" | "majority_agreement" | "gold_accuracy" | "tie_rate" | "position_bias";

const COLUMNS: { key: Key; label: string; show: (a: AnnotatorStats) => string }[] = [
  { key: "email", label: "Annotator", show: (a) => a.email },
  { key: "judgments", label: "Judgments", show: (a) => String(a.judgments) },
  { key: "median_seconds", label: "Median seconds", show: (a) => fixed(a.median_seconds, 1) },
  { key: "majority_agreement", label: "Agrees with majority", show: (a) => `${pct(a.majority_agreement)}${a.majority_n ? ` (${a.majority_n})` : ""}` },
  { key: "gold_accuracy", label: "Gold accuracy", show: (a) => `${pct(a.gold_accuracy)}${a.gold_n ? ` (${a.gold_n})` : ""}` },
  { key: "tie_rate", label: "Tie rate", show: (a) => pct(a.tie_rate) },
  { key: "position_bias", label: "Chose slot A", show: (a) => `${pct(a.position_bias)}${a.position_n ? ` (${a.position_n})` : ""}` },
];

const OUTLIER_TEXT: Record<string, string> = { low_agreement: "low agreement", fast: "unusually fast" };

export function AnnotatorTable({ annotators }: { annotators: AnnotatorStats[] }) {
  const [sort, setSort] = useState<{ key: Key; descending: boolean }>({ key: "email", descending: false });
  const [filter, setFilter] = useState("");
  const [outliersOnly, setOutliersOnly] = useState(false);
  const rows = useMemo(() => {
    const needle = filter.trim().toLowerCase();
    const kept = annotators.filter(
      (a) => (!needle || a.email.toLowerCase().includes(needle) || a.name.toLowerCase().includes(needle)) && (!outliersOnly || a.outliers.length > 0),
    );
    const value = (a: AnnotatorStats) => a[sort.key];
    return kept.sort((x, y) => {
      const vx = value(x);
      const vy = value(y);
      // Missing values sort last whichever the direction.
      if (vx === null || vy === null) return vx === vy ? 0 : vx === null ? 1 : -1;
      const order = vx < vy ? -1 : vx > vy ? 1 : 0;
      return sort.descending ? -order : order;
    });
  }, [annotators, filter, outliersOnly, sort]);
  const flags = [...new Set(annotators.flatMap((a) => Object.keys(a.flags)))].sort();

  return (
    <>
      <div className="row table-tools">
        <label>
          Filter
          <input type="search" value={filter} onChange={(e) => setFilter(e.target.value)} placeholder="name or e-mail" data-testid="annotator-filter" />
        </label>
        <label className="inline">
          <input type="checkbox" checked={outliersOnly} onChange={(e) => setOutliersOnly(e.target.checked)} data-testid="outliers-only" /> Outliers only
        </label>
        <span className="muted" data-testid="annotator-count">{rows.length} of {annotators.length}</span>
      </div>
      <table className="data" data-testid="annotator-table">
        <thead>
          <tr>
            {COLUMNS.map((c) => (
              <th key={c.key} scope="col" aria-sort={sort.key === c.key ? (sort.descending ? "descending" : "ascending") : "none"}>
                <button
                  type="button"
                  className="sort"
                  data-testid={`sort-${c.key}`}
                  onClick={() => setSort((s) => ({ key: c.key, descending: s.key === c.key ? !s.descending : c.key !== "email" }))}
                >
                  {c.label}
                  {sort.key === c.key ? (sort.descending ? " ▼" : " ▲") : ""}
                </button>
              </th>
            ))}
            <th scope="col">Flags used</th>
            <th scope="col">Outlier</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((a) => (
            <tr key={a.user_id} className={a.outliers.length ? "outlier" : undefined} data-testid={`annotator-${a.email}`}>
              {COLUMNS.map((c) => (
                <td key={c.key}>
                  {c.key === "email" ? (
                    <>
                      {a.name} <span className="muted">{a.email}{a.external ? " · imported" : ""}</span>
                    </>
                  ) : (
                    c.show(a)
                  )}
                </td>
              ))}
              <td>{flags.filter((f) => a.flags[f]).map((f) => `${f} ${a.flags[f]}`).join(", ") || "–"}</td>
              <td>{a.outliers.map((o) => OUTLIER_TEXT[o] ?? o).join(", ") || "–"}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}
