"use client";
// Upload of a CSV of users (email,name,role,skills[,password]): all or nothing; the errors are listed
// by line and column, generated passwords shown once.
import { useActionState } from "react";
import type { ActionState } from "@/lib/http/form-state";
import type { UsersImportSummary } from "@/lib/services/users";
import { importUsersAction } from "../actions";

export function ImportUsersForm() {
  const [state, upload, pending] = useActionState(importUsersAction, { ok: false } as ActionState<UsersImportSummary>);
  const summary = state.data;
  return (
    <form action={upload} aria-label="Import users from CSV">
      <p className="muted">
        A CSV with a header row <code>email,name,role,skills</code> (and optionally <code>password</code>); skills separated by <code>;</code> or <code>|</code>.
        New users are created, existing ones get their skills (and name) updated. One bad line and nothing is imported.
      </p>
      <div className="row">
        <label htmlFor="users-csv">CSV file</label>
        <input id="users-csv" name="file" type="file" accept=".csv,text/csv" data-testid="users-import-file" />
        <button type="submit" className="primary" disabled={pending} data-testid="users-import-submit">
          {pending ? "Importing…" : "Import users"}
        </button>
      </div>
      {(state.message || state.errors?.file) && (
        <p className={state.ok ? "muted" : "error"} role={state.ok ? "status" : "alert"} data-testid="users-import-message">
          {state.errors?.file ? `File: ${state.errors.file}` : state.message}
        </p>
      )}
      {summary && summary.errors.length > 0 && (
        <ul className="error" data-testid="users-import-errors">
          {summary.errors.map((e, i) => (
            <li key={i}>
              Line {e.line}
              {e.field ? ` (${e.field})` : ""}: {e.message}
            </li>
          ))}
        </ul>
      )}
      {summary && summary.passwords.length > 0 && (
        <div data-testid="users-import-passwords">
          <p>Generated passwords, shown only this once:</p>
          <ul>
            {summary.passwords.map((p) => (
              <li key={p.email}>
                {p.email}: <code>{p.password}</code>
              </li>
            ))}
          </ul>
        </div>
      )}
    </form>
  );
}
