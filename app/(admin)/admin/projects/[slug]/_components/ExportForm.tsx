"use client";
// A GET form on the export route, with the session cookie. With JavaScript the download is read as a
// stream so the page shows rows and bytes as they arrive (only bytes for Parquet, which has no lines;
// against the dry run's total when "Count rows" ran first), then saved under the server's file name;
// without it the browser downloads directly.
// "Count rows" asks the same route for a dry run and shows what each rule keeps and drops.
// The controls are built from the export options table (lib/formats/export/options.ts); a refused
// option comes back in the error's `fields`, keyed by its query name, and is shown beside its control.
import { useRef, useState } from "react";
import { EXPORT_OPTION_KEYS, EXPORT_OPTIONS, appliesTo, formErrors, type ExportFormat, type ExportOptionKey } from "@/lib/formats/export/options";
import type { ExportCounts } from "@/lib/services/exporter";
import { rowCounter } from "@/lib/formats/export/row-count";
import { Field, controlProps } from "../../../_components/Field";

/** Rows are counted for JSONL and CSV (a CSV row may span lines); a Parquet file is counted in bytes only (`rows` is undefined). */
interface Progress {
  rows?: number;
  bytes: number;
  done: boolean;
}

const idOf = (key: ExportOptionKey) => `export-${EXPORT_OPTIONS[key].flag}`;
export function ExportForm({ slug }: { slug: string }) {
  const form = useRef<HTMLFormElement>(null);
  const [format, setFormat] = useState<ExportFormat>(EXPORT_OPTIONS.format.default);
  const [counts, setCounts] = useState<ExportCounts | null>(null);
  const [error, setError] = useState<string>();
  const [fieldErrors, setFieldErrors] = useState<Partial<Record<ExportOptionKey, string>>>({});
  const refused = (body: unknown, fallback: string) => {
    const { fields, message } = formErrors((body as { error?: Parameters<typeof formErrors>[0] } | null)?.error);
    setFieldErrors(fields);
    setError(message ?? fallback);
  };
  const [counting, setCounting] = useState(false);
  const [progress, setProgress] = useState<Progress | null>(null);
  const action = `/api/v1/projects/${encodeURIComponent(slug)}/export`;

  function queryOf(target: HTMLFormElement): URLSearchParams {
    const query = new URLSearchParams();
    for (const [k, v] of new FormData(target)) if (typeof v === "string" && v !== "") query.set(k, v);
    return query;
  }

  async function download(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (progress && !progress.done) return;
    setError(undefined);
    setFieldErrors({});
    const query = queryOf(event.currentTarget);
    const fileFormat = query.get("file_format") ?? "jsonl";
    const counter = fileFormat === "jsonl" || fileFormat === "csv" ? rowCounter(fileFormat) : undefined;
    setProgress({ rows: counter ? 0 : undefined, bytes: 0, done: false });
    try {
      const response = await fetch(`${action}?${query}`);
      if (!response.ok || !response.body) {
        const body = await response.json().catch(() => null);
        setProgress(null);
        return refused(body, `Export failed (${response.status}).`);
      }
      const reader = response.body.getReader();
      const chunks: Uint8Array[] = [];
      let bytes = 0;
      let shown = 0;
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        chunks.push(value);
        bytes += value.byteLength;
        counter?.push(value);
        if (performance.now() - shown > 100) {
          shown = performance.now();
          setProgress({ rows: counter?.rows(), bytes, done: false });
        }
      }
      setProgress({ rows: counter?.rows(), bytes, done: true });
      const name = /filename="([^"]+)"/.exec(response.headers.get("content-disposition") ?? "")?.[1] ?? `${slug}-export`;
      const url = URL.createObjectURL(new Blob(chunks as BlobPart[], { type: response.headers.get("content-type") ?? "application/octet-stream" }));
      const link = document.createElement("a");
      link.href = url;
      link.download = name;
      link.click();
      setTimeout(() => URL.revokeObjectURL(url), 60_000);
    } catch (e) {
      setProgress(null);
      setError(`Export failed: ${(e as Error).message}`);
    }
  }

  async function dryRun() {
    if (!form.current) return;
    const query = queryOf(form.current);
    query.set("dry_run", "1");
    setCounting(true);
    setError(undefined);
    setFieldErrors({});
    try {
      const response = await fetch(`${action}?${query}`);
      const body = await response.json();
      if (!response.ok) {
        setCounts(null);
        refused(body, `Counting failed (${response.status}).`);
      } else setCounts(body);
    } catch (e) {
      setError(`Counting failed: ${(e as Error).message}`);
    } finally {
      setCounting(false);
    }
  }

  const moreKeys = EXPORT_OPTION_KEYS.filter((k) => EXPORT_OPTIONS[k].form === "more" && appliesTo(k, format));

  /** One option's control, as its kind in the table says. */
  function control(key: ExportOptionKey) {
    const spec = EXPORT_OPTIONS[key] as (typeof EXPORT_OPTIONS)[ExportOptionKey];
    const id = idOf(key);
    const err = fieldErrors[key];
    if (spec.kind === "boolean") {
      return (
        <label key={key}>
          <input type="checkbox" name={spec.query} value="1" data-testid={id} aria-invalid={err ? true : undefined} /> {spec.label}
        </label>
      );
    }
    let input: React.ReactNode;
    if (spec.kind === "choice") {
      const isFormat = key === "format";
      input = (
        <select
          name={spec.query}
          {...(isFormat ? { value: format, onChange: (e: React.ChangeEvent<HTMLSelectElement>) => setFormat(e.target.value as ExportFormat) } : { defaultValue: spec.default })}
          {...controlProps(id, err)}
        >
          {spec.values.map((v) => (
            <option key={v.value} value={v.value} title={v.help}>
              {v.label}
            </option>
          ))}
        </select>
      );
    } else if (spec.kind === "text") {
      input = <input name={spec.query} type="text" placeholder={spec.placeholder} pattern={"pattern" in spec ? spec.pattern : undefined} {...controlProps(id, err)} />;
    } else {
      const dflt = "default" in spec ? spec.default : undefined;
      input = (
        <input
          name={spec.query}
          type="number"
          min={spec.min}
          max={spec.max}
          step={"step" in spec ? spec.step : undefined}
          defaultValue={dflt}
          required={dflt !== undefined && spec.form === "main"}
          {...controlProps(id, err)}
        />
      );
    }
    return (
      <Field key={key} label={spec.label} id={id} error={err}>
        {input}
      </Field>
    );
  }

  return (
    <form ref={form} method="get" action={action} aria-label="Export" onSubmit={download}>
      <div className="row">{EXPORT_OPTION_KEYS.filter((k) => EXPORT_OPTIONS[k].form === "main").map((k) => control(k))}</div>
      <p className="muted" data-testid="export-format-description">{EXPORT_OPTIONS.format.values.find((v) => v.value === format)?.help}</p>
      <details open={EXPORT_OPTION_KEYS.some((k) => EXPORT_OPTIONS[k].form === "more" && fieldErrors[k]) || undefined}>
        <summary>More options</summary>
        <div className="row">{moreKeys.filter((k) => EXPORT_OPTIONS[k].kind !== "boolean").map((k) => control(k))}</div>
        <div className="row">{moreKeys.filter((k) => EXPORT_OPTIONS[k].kind === "boolean").map((k) => control(k))}</div>
      </details>
      <div className="row">
        <button type="button" onClick={dryRun} disabled={counting} data-testid="export-dry-run">
          {counting ? "Counting…" : "Count rows"}
        </button>
        <button className="primary" type="submit" disabled={!!progress && !progress.done} data-testid="export-download">
          {progress && !progress.done ? "Exporting…" : "Download"}
        </button>
      </div>
      {progress && <ExportProgress progress={progress} total={counts?.rows} />}
      {error && <p className="error" role="alert" data-testid="export-error">{error}</p>}
      {counts && <CountsTable counts={counts} />}
    </form>
  );
}

function CountsTable({ counts }: { counts: ExportCounts }) {
  const dropped = Object.entries(counts.dropped).filter(([, n]) => n > 0);
  return (
    <table data-testid="export-counts" aria-live="polite">
      <tbody>
        <tr><th scope="row">Items with judgments</th><td>{counts.items}</td></tr>
        <tr><th scope="row">Kept</th><td data-testid="export-kept">{counts.kept_items} item(s) → {counts.rows} row(s)</td></tr>
        {Object.keys(counts.splits).length > 1 &&
          Object.entries(counts.splits).map(([name, n]) => (
            <tr key={name}><th scope="row">Split {name}</th><td>{n} row(s)</td></tr>
          ))}
        {dropped.map(([reason, n]) => (
          <tr key={reason}><th scope="row">Dropped: {reason.replaceAll("_", " ")}</th><td data-testid={`export-dropped-${reason}`}>{n}</td></tr>
        ))}
        {counts.left_out_empty > 0 && <tr><th scope="row">Rows left out: empty response</th><td data-testid="export-left-out-empty">{counts.left_out_empty}</td></tr>}
        {counts.gold_items_excluded > 0 && <tr><th scope="row">Gold items left out</th><td>{counts.gold_items_excluded}</td></tr>}
        <tr>
          <th scope="row">Agreement</th>
          <td data-testid="export-agreement">
            {counts.agreement.percent === null
              ? "not measurable (no item has two pairwise judgments)"
              : `${(counts.agreement.percent * 100).toFixed(1)}% over ${counts.agreement.n_pairs.toLocaleString("en")} pair(s)`}
          </td>
        </tr>
        {counts.adjudicated_items > 0 && <tr><th scope="row">Decided by adjudication</th><td>{counts.adjudicated_items}</td></tr>}
      </tbody>
    </table>
  );
}

function ExportProgress({ progress, total }: { progress: Progress; total?: number }) {
  const pct = total && progress.rows !== undefined ? Math.min(100, Math.round((100 * progress.rows) / Math.max(total, 1))) : undefined;
  return (
    <div aria-live="polite" data-testid="export-progress">
      <p className={progress.done ? "ok" : "muted"}>
        {progress.done ? "Exported" : "Exporting…"}{" "}
        {progress.rows !== undefined
          ? `${progress.rows.toLocaleString("en")} row(s), ${(progress.bytes / 1e6).toFixed(2)} MB`
          : `${progress.bytes.toLocaleString()} bytes (${(progress.bytes / 1e6).toFixed(2)} MB)`}
        {pct !== undefined && !progress.done ? ` (${pct}% of ${total!.toLocaleString()} rows)` : ""}
      </p>
      {pct !== undefined && (
        <div className="progress" role="progressbar" aria-label="Export progress" aria-valuemin={0} aria-valuemax={100} aria-valuenow={progress.done ? 100 : pct}>
          <span style={{ width: `${progress.done ? 100 : pct}%` }} />
        </div>
      )}
    </div>
  );
}
