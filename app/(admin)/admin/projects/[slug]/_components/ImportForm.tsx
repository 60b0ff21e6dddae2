"use client";
import { useActionState } from "react";
import type { ImportSummary } from "@/lib/services/importer";
import type { RecordError } from "@/lib/formats/record";
import { importItemsAction, type ActionState } from "../../../actions";
import { Field, FormMessage, controlProps } from "../../../_components/Field";

export function ImportForm({ slug }: { slug: string }) {
  const [state, formAction, pending] = useActionState(importItemsAction, { ok: false } as ActionState<ImportSummary>);
  const fileError = state.errors?.file;
  return (
    <form action={formAction} aria-label="Import items">
      <input type="hidden" name="slug" value={slug} />
      <div className="row">
        <Field label="File (.jsonl, .json, .csv, optionally .gz)" id="import-file" error={fileError}>
          <input name="file" type="file" accept=".jsonl,.json,.gz,.csv" required {...controlProps("import-file", fileError)} />
        </Field>
        <div className="field">
          <label>
            <input type="checkbox" name="skipInvalid" defaultChecked={state.values?.skipInvalid === "on"} data-testid="import-skip-invalid" /> Skip invalid rows
          </label>
        </div>
        <button className="primary" type="submit" disabled={pending} data-testid="import-submit">
          {pending ? "Importing…" : "Import"}
        </button>
      </div>
      {!state.data?.rejected && <FormMessage state={state} testId="import-message" />}
      {state.data && <Summary summary={state.data} />}
    </form>
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
        </ul>
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
    </div>
  );
}

/** `line 3: responses: expected …`; the reader may already have put the field in the message. */
function describe(error: RecordError): string {
  const withField = error.field && !error.message.startsWith(`${error.field}:`) ? `${error.field}: ${error.message}` : error.message;
  return `line ${error.line}: ${withField}`;
}
