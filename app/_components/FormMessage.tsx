// The form-level message of a server-action form (admin and manager screens): a status when the
// action succeeded, an alert when it was refused.

export function FormMessage({ state, testId }: { state: { ok: boolean; message?: string }; testId: string }) {
  if (!state.message) return null;
  return (
    <p className={state.ok ? "ok" : "error"} role={state.ok ? "status" : "alert"} data-testid={testId}>
      {state.message}
    </p>
  );
}
