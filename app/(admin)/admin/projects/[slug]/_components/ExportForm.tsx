"use client";
// A GET form on the export route, with the session cookie. With JavaScript the download is read as a
// stream so the page shows lines and bytes as they arrive (only bytes for Parquet, which has no lines;
// against the dry run's total when "Count rows" ran first), then saved under the server's file name;
// without it the browser downloads directly.
// "Count rows" asks the same route for a dry run and shows what each rule keeps and drops.
import { useRef, useState } from "react";
import { EXPORT_FORMATS } from "@/lib/formats/export";
import type { ExportCounts } from "@/lib/services/exporter";
import { Field, controlProps } from "../../../_components/Field";

const FORMATS = [...Object.entries(EXPORT_FORMATS).map(([name, f]) => [name, f.description] as const), ["raw", "Every judgment with ids, display order, duration, annotator (pseudonymised) and flags"] as const];

/** Lines are counted for JSONL and CSV; a Parquet file has none (`lines` is undefined). */
interface Progress {
  lines?: number;
  bytes: number;
  done: boolean;
}

export function ExportForm({ slug }: { slug: string }) {
  const form = useRef<HTMLFormElement>(null);
  const [format, setFormat] = useState("trl-dpo");
  const [counts, setCounts] = useState<ExportCounts | null>(null);
  const [error, setError] = useState<string>();
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
    const query = queryOf(event.currentTarget);
    const countLines = query.get("file_format") !== "parquet";
    setProgress({ lines: countLines ? 0 : undefined, bytes: 0, done: false });
    try {
      const response = await fetch(`${action}?${query}`);
      if (!response.ok || !response.body) {
        const body = await response.json().catch(() => null);
        setProgress(null);
        return setError(body?.error?.message ?? `Export failed (${response.status}).`);
      }
      const reader = response.body.getReader();
      const chunks: Uint8Array[] = [];
      let lines = 0;
      let bytes = 0;
      let shown = 0;
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        chunks.push(value);
        bytes += value.byteLength;
        if (countLines) for (let i = 0; i < value.length; i++) if (value[i] === 10) lines++;
        if (performance.now() - shown > 100) {
          shown = performance.now();
          setProgress({ lines: countLines ? lines : undefined, bytes, done: false });
        }
      }
      setProgress({ lines: countLines ? lines : undefined, bytes, done: true });
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
    try {
      const response = await fetch(`${action}?${query}`);
      const body = await response.json();
      if (!response.ok) {
        setCounts(null);
        setError(body?.error?.message ?? `Counting failed (${response.status}).`);
      } else setCounts(body);
    } catch (e) {
      setError(`Counting failed: ${(e as Error).message}`);
    } finally {
      setCounting(false);
    }
  }

  return (
    <form ref={form} method="get" action={action} aria-label="Export" onSubmit={download}>
      <div className="row">
        <Field label="Format" id="export-format">
          <select name="format" value={format} onChange={(e) => setFormat(e.target.value)} {...controlProps("export-format")}>
            {FORMATS.map(([name, description]) => (
              <option key={name} value={name} title={description}>
                {name}
              </option>
            ))}
          </select>
        </Field>
        <Field label="File" id="export-file-format">
          <select name="file_format" defaultValue="jsonl" {...controlProps("export-file-format")}>
            <option value="jsonl">JSONL</option>
            <option value="csv">CSV</option>
            <option value="parquet">Parquet</option>
          </select>
        </Field>
        <Field label="Aggregation" id="export-policy">
          <select name="policy" defaultValue="majority" {...controlProps("export-policy")}>
            <option value="majority">majority</option>
            <option value="unanimous">unanimous</option>
          </select>
        </Field>
        <Field label="Minimum votes for the winner" id="export-min-votes">
          <input name="min_votes" type="number" min={1} max={1000} defaultValue={1} required {...controlProps("export-min-votes")} />
        </Field>
        <Field label="Minimum agreement (0–1)" id="export-min-agreement">
          <input name="min_agreement" type="number" min={0} max={1} step={0.05} {...controlProps("export-min-agreement")} />
        </Field>
      </div>
      <p className="muted" data-testid="export-format-description">{FORMATS.find(([name]) => name === format)?.[1]}</p>
      <details>
        <summary>More options</summary>
        <div className="row">
          <Field label="Tie votes" id="export-ties">
            <select name="ties" defaultValue="include" {...controlProps("export-ties")}>
              <option value="include">count against a majority</option>
              <option value="exclude">leave out</option>
            </select>
          </Field>
          <Field label="Test share (split by prompt)" id="export-split">
            <input name="split" type="text" placeholder="test=0.1" pattern="[a-z][a-z0-9_\-]*=[0-9.]+(,[a-z][a-z0-9_\-]*=[0-9.]+)*" {...controlProps("export-split")} />
          </Field>
          <Field label="Seed" id="export-seed">
            <input name="seed" type="number" min={0} defaultValue={42} {...controlProps("export-seed")} />
          </Field>
          <Field label="Download split" id="export-part">
            <input name="part" type="text" placeholder="train" {...controlProps("export-part")} />
          </Field>
          {format === "trl-kto" && (
            <Field label="Both bad" id="export-both-bad">
              <select name="both_bad" defaultValue="negatives" {...controlProps("export-both-bad")}>
                <option value="negatives">negative examples</option>
                <option value="drop">leave out</option>
              </select>
            </Field>
          )}
          <Field label="Ratings" id="export-rating-pairs">
            <select name="rating_pairs" defaultValue="best-vs-worst" {...controlProps("export-rating-pairs")}>
              <option value="best-vs-worst">best vs worst</option>
              <option value="best-vs-random">best vs a random lower one</option>
            </select>
          </Field>
          <Field label="Rankings" id="export-ranking-pairs">
            <select name="ranking_pairs" defaultValue="all-pairs" {...controlProps("export-ranking-pairs")}>
              <option value="all-pairs">all ordered pairs</option>
              <option value="best-vs-rest">best vs the rest</option>
            </select>
          </Field>
        </div>
        <div className="row">
          <label><input type="checkbox" name="conversational" value="1" data-testid="export-conversational" /> Conversational (message lists)</label>
          <label><input type="checkbox" name="include_gold" value="1" data-testid="export-include-gold" /> Include gold items</label>
          {format === "sft" && <label><input type="checkbox" name="sft_winners" value="1" data-testid="export-sft-winners" /> Add unanimous winners</label>}
          {format === "raw" && <label><input type="checkbox" name="reveal_annotators" value="1" data-testid="export-reveal-annotators" /> Show annotator emails</label>}
        </div>
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
        {counts.gold_items_excluded > 0 && <tr><th scope="row">Gold items left out</th><td>{counts.gold_items_excluded}</td></tr>}
        {counts.adjudicated_items > 0 && <tr><th scope="row">Decided by adjudication</th><td>{counts.adjudicated_items}</td></tr>}
      </tbody>
    </table>
  );
}

function ExportProgress({ progress, total }: { progress: Progress; total?: number }) {
  const pct = total && progress.lines !== undefined ? Math.min(100, Math.round((100 * progress.lines) / Math.max(total, 1))) : undefined;
  return (
    <div aria-live="polite" data-testid="export-progress">
      <p className={progress.done ? "ok" : "muted"}>
        {progress.done ? "Exported" : "Exporting…"}{" "}
        {progress.lines !== undefined
          ? `${progress.lines.toLocaleString()} line(s), ${(progress.bytes / 1e6).toFixed(2)} MB`
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
