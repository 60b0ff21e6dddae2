"use client";
import { useActionState } from "react";
import { FormMessage } from "@/app/_components/FormMessage";
import type { ActionState } from "@/lib/http/form-state";
import { changePasswordAction } from "../actions";

export function ChangePasswordForm() {
  const [state, action, pending] = useActionState(changePasswordAction, { ok: false } as ActionState);
  const e = state.errors ?? {};
  const field = (name: string, label: string, autoComplete: string) => (
    <>
      <label htmlFor={`account-${name}`}>{label}</label>
      <input
        id={`account-${name}`}
        name={name}
        type="password"
        required
        autoComplete={autoComplete}
        aria-invalid={e[name] ? true : undefined}
        aria-describedby={e[name] ? `account-${name}-error` : undefined}
        data-testid={`account-${name}`}
      />
      {e[name] && <p className="error" id={`account-${name}-error`} role="alert">{e[name]}</p>}
    </>
  );
  return (
    <form action={action} aria-label="Change password">
      {field("current", "Current password", "current-password")}
      {field("password", "New password (8 characters or more)", "new-password")}
      {field("confirm", "New password again", "new-password")}
      <FormMessage state={state} testId="account-message" />
      <button className="primary" type="submit" disabled={pending} data-testid="account-save">
        {pending ? "Changing…" : "Change password"}
      </button>
    </form>
  );
}
