// Form building blocks of the admin forms: a labelled control with its error beside it (the
// form-level message is app/_components/FormMessage.tsx). The control keeps its own element so
// inputs, selects and textareas fit.

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
