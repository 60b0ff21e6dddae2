// Form building blocks shared by the admin forms: a labelled control with its error beside it,
// and the form-level message. The control keeps its own element so inputs, selects and textareas fit.

/** Props that tie a control to its label (by id), its test id and its error message. */
export function controlProps(id: string, error?: string) {
  return {
    id,
    "data-testid": id,
    "aria-invalid": error ? true : undefined,
    "aria-describedby": error ? `${id}-error` : undefined,
  } as const;
}

export function Field({ label, id, error, children }: { label: string; id: string; error?: string; children: React.ReactNode }) {
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      {children}
      {error && (
        <p id={`${id}-error`} className="field-error" data-testid={`${id}-error`}>
          {error}
        </p>
      )}
    </div>
  );
}

export function FormMessage({ state, testId }: { state: { ok: boolean; message?: string }; testId: string }) {
  if (!state.message) return null;
  return (
    <p className={state.ok ? "ok" : "error"} role={state.ok ? "status" : "alert"} data-testid={testId}>
      {state.message}
    </p>
  );
}
