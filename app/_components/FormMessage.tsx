"use client";
// The form-level message of a server-action form (admin and manager screens): a status when the
// action succeeded, an alert when it was refused. A success is also announced as a toast, which
// stays in view when the form's own message has scrolled out of it.
import { useEffect } from "react";
import { toast } from "./toast";

export function FormMessage({ state, testId }: { state: { ok: boolean; message?: string }; testId: string }) {
  useEffect(() => {
    if (state.ok && state.message) toast(state.message);
  }, [state]);
  if (!state.message) return null;
  return (
    <p className={state.ok ? "ok" : "error"} role={state.ok ? "status" : "alert"} data-testid={testId}>
      {state.message}
    </p>
  );
}
