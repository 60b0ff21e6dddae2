"use client";
// Uploads the file to the import route with `progress=1` and shows the phase and counts the route
// streams back (checking every row, then inserting), then the summary or the line-numbered errors.
import { useRouter } from "next/navigation";
import { useState } from "react";
import type { ImportProgress, ImportSummary } from "@/lib/services/importer";
import type { RecordError } from "@/lib/formats/record";
import { FIELD_MAP_HELP } from "@/lib/formats/import/field-map";
import { Field, controlProps } from "../../../_components/Field";

type Progress = ImportProgress & { size: number };
type Status =
  | { state: "idle" }
  | { state: "running"; progress: Progress }
  | { state: "done"; summary: ImportSummary; file: string }
  | { state: "failed"; message: string };

export function ImportForm({ slug }: { slug: string }) {
  const router = useRouter();
  const [status, setStatus] = useState<Status>({ state: "idle" });
  const [fileError, setFileError] = useState<string>();

  async function onSubmit(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const file = form.get("file");
    if (!(file instanceof File) || file.size === 0) {
      setFileError(file instanceof File ? "No records found: the file is empty; nothing was imported." : "Choose a file to import.");
      return;
    }
    setFileError(undefined);
    const query = new URLSearchParams({ progress: "1", source: file.name });
    if (form.get("skipInvalid") === "on") query.set("skip_invalid", "1");
    const format = String(form.get("format") ?? "");
    if (format && format !== "auto") query.set("format", format);
    const map = String(form.get("map") ?? "").trim();
    if (map) query.set("map", map);
    setStatus({ state: "running", progress: { phase: "validating", rows: 0, bytes: 0, size: file.size } });
    try {
      const response = await fetch(`/api/v1/projects/${encodeURIComponent(slug)}/items?${query}`, {
        method: "POST",
        // The format comes from the query or the file's first bytes; the type only has to be one a signed-in browser may upload (README "Security").
        headers: { "content-type": "application/octet-stream" },
        body: file,
      });
      if (!response.ok || !response.body) {
        const body = await response.json().catch(() => null);
        setStatus({ state: "failed", message: body?.error?.message ?? `The import failed (${response.status}).` });
        return;
      }
      const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
      let buffer = "";
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer += value;
        let nl;
        while ((nl = buffer.indexOf("\n")) >= 0) {
          const line = JSON.parse(buffer.slice(0, nl));
          buffer = buffer.slice(nl + 1);
          if (line.progress) setStatus({ state: "running", progress: line.progress });
          else if (line.summary) {
            setStatus({ state: "done", summary: line.summary, file: file.name });
            if (!line.summary.rejected) router.refresh();
          } else if (line.error) setStatus({ state: "failed", message: line.error.message });
        }
      }
    } catch (err) {
      setStatus({ state: "failed", message: `The import failed: ${(err as Error).message}` });
    }
  }

  const running = status.state === "running";
  return (
    <form onSubmit={onSubmit} aria-label="Import items">
      <div className="row">
        <Field label="File (.jsonl, .json, .csv, optionally .gz)" id="import-file" error={fileError}>
          <input name="file" type="file" accept=".jsonl,.json,.gz,.csv" required {...controlProps("import-file", fileError)} />
        </Field>
        <Field label="Format" id="import-format">
          <select name="format" defaultValue="auto" {...controlProps("import-format")}>
            <option value="auto">detect</option>
            <option value="jsonl">JSONL</option>
            <option value="json">JSON array</option>
            <option value="csv">CSV</option>
          </select>
        </Field>
        <div className="field">
          <label>
            <input type="checkbox" name="skipInvalid" data-testid="import-skip-invalid" /> Skip invalid rows
          </label>
        </div>
        <button className="primary" type="submit" disabled={running} data-testid="import-submit">
          {running ? "Importing…" : "Import"}
        </button>
      </div>
      {/* Opened when the rows had no recognised shape, so the box and its grammar are in view. */}
      <details open={(status.state === "done" && !!status.summary.hint) || undefined} data-testid="import-map-section">
        <summary>Field map (for files in another shape)</summary>
        <Field label="Map" id="import-map">
          <input name="map" type="text" placeholder="prompt=instruction,responses=response1|response2,models=cmp_key" {...controlProps("import-map")} />
        </Field>
        <details data-testid="import-map-help">
          <summary>How to write a field map</summary>
          <pre className="import-map-help">{FIELD_MAP_HELP}</pre>
        </details>
      </details>
      {status.state === "running" && <ProgressLine progress={status.progress} />}
      {status.state === "failed" && (
        <p className="error" role="alert" data-testid="import-message">
          {status.message}
        </p>
      )}
      {status.state === "done" && !status.summary.rejected && (
        <p className="ok" role="status" data-testid="import-message">
          Imported {status.file}.
        </p>
      )}
      {status.state === "done" && <Summary summary={status.summary} />}
    </form>
  );
}

function ProgressLine({ progress }: { progress: Progress }) {
  const share = progress.size > 0 ? Math.min(1, progress.bytes / progress.size) : 0;
  const label = progress.phase === "validating" ? "Checking every row" : "Inserting";
  const rows = progress.total ? `${progress.rows.toLocaleString("en")} of ${progress.total.toLocaleString("en")}` : progress.rows.toLocaleString("en");
  return (
    <div data-testid="import-progress" role="status" aria-live="polite">
      <progress max={1} value={share} aria-label={`${label}: ${Math.round(share * 100)}%`} />{" "}
      <span data-testid="import-phase">{label}</span>: {rows} rows ({Math.round(share * 100)}%)
    </div>
  );
}

function Summary({ summary }: { summary: ImportSummary }) {
  const unlisted = summary.error_count - summary.errors.length;
  return (
    <div data-testid="import-summary" aria-live="polite">
      {summary.rejected ? (
        <p className="error" role="alert" data-testid="import-rejected">
          Nothing was imported: the file has {summary.error_count} invalid row(s). Fix them, or tick “Skip invalid rows” to
          import the valid ones.
        </p>
      ) : (
        <ul>
          <li>Inserted: <strong data-testid="import-inserted">{summary.inserted}</strong></li>
          <li>Duplicates skipped: <strong data-testid="import-duplicates">{summary.duplicates}</strong></li>
          {summary.annotations > 0 && <li>Imported judgments: <strong data-testid="import-annotations">{summary.annotations}</strong></li>}
          {summary.error_count > 0 && <li>Invalid rows skipped: <strong data-testid="import-invalid">{summary.error_count}</strong></li>}
          {summary.warning_count > 0 && <li>Warnings: <strong data-testid="import-warning-count">{summary.warning_count}</strong> (imported; check these rows)</li>}
        </ul>
      )}
      {summary.hint && (
        <p className="error" data-testid="import-hint">
          {summary.hint}
        </p>
      )}
      {summary.errors.length > 0 && (
        <>
          <ul className="error" data-testid="import-errors">
            {summary.errors.map((e, i) => (
              <li key={i}>{describe(e)}</li>
            ))}
          </ul>
          {unlisted > 0 && <p className="muted">…and {unlisted} more.</p>}
        </>
      )}
      {summary.warnings.length > 0 && (
        <>
          <ul className="warning" data-testid="import-warnings" aria-label="Warnings">
            {summary.warnings.map((w, i) => (
              <li key={i}>{describe(w)}</li>
            ))}
          </ul>
          {summary.warning_count > summary.warnings.length && <p className="muted">…and {summary.warning_count - summary.warnings.length} more warning(s).</p>}
        </>
      )}
    </div>
  );
}

/** `line 3: responses: expected …`; the reader may already have put the field in the message. */
function describe(error: RecordError): string {
  const withField = error.field && !error.message.startsWith(`${error.field}:`) ? `${error.field}: ${error.message}` : error.message;
  return `line ${error.line}: ${withField}`;
}
