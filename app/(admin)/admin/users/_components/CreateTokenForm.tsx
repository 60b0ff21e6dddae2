"use client";
import { useActionState } from "react";
import { createTokenAction } from "../../actions";
import type { ActionState } from "@/lib/http/form-state";
import { Field, controlProps } from "../../_components/Field";
import { FormMessage } from "@/app/_components/FormMessage";

export function CreateTokenForm({ emails }: { emails: string[] }) {
  const [state, formAction, pending] = useActionState(createTokenAction, { ok: false } as ActionState<{ token: string; name: string; email: string }>);
  const v = state.values;
  const e = state.errors ?? {};
  return (
    <form action={formAction} aria-label="Create token" noValidate>
      <div className="row">
        <Field label="User email" id="token-email" error={e.email}>
          <input name="email" type="email" required list="token-email-options" autoComplete="off" defaultValue={v?.email} {...controlProps("token-email", e.email)} />
        </Field>
        <datalist id="token-email-options">
          {emails.map((email) => (
            <option key={email} value={email} />
          ))}
        </datalist>
        <Field label="Token name" id="token-name" error={e.name}>
          <input name="name" placeholder="api" autoComplete="off" defaultValue={v?.name} {...controlProps("token-name", e.name)} />
        </Field>
        <button className="primary" type="submit" disabled={pending} data-testid="token-create">
          {pending ? "Creating…" : "Create token"}
        </button>
      </div>
      <FormMessage state={state} testId="token-message" />
      {state.ok && state.data && (
        <div className="secret" role="status">
          Token for {state.data.email}; copy it now, it will not be shown again:
          <code data-testid="new-token">{state.data.token}</code>
        </div>
      )}
    </form>
  );
}
