"use client";
import { useActionState } from "react";
import { ROLES } from "@/db/schema/constants";
import { createUserAction } from "../../actions";
import type { ActionState } from "@/lib/http/form-state";
import { Field, controlProps } from "../../_components/Field";
import { FormMessage } from "@/app/_components/FormMessage";

export function AddUserForm() {
  const [state, formAction, pending] = useActionState(createUserAction, { ok: false } as ActionState<{ email: string; password?: string }>);
  const v = state.values;
  const e = state.errors ?? {};
  return (
    <form action={formAction} aria-label="Add user" noValidate>
      <div className="row">
        <Field label="Email" id="user-email" error={e.email}>
          <input name="email" type="email" required autoComplete="off" defaultValue={v?.email} {...controlProps("user-email", e.email)} />
        </Field>
        <Field label="Name (optional)" id="user-name" error={e.name}>
          <input name="name" autoComplete="off" defaultValue={v?.name} {...controlProps("user-name", e.name)} />
        </Field>
        <Field label="Role" id="user-role" error={e.role}>
          <select name="role" defaultValue={v?.role ?? "annotator"} {...controlProps("user-role", e.role)}>
            {ROLES.map((role) => (
              <option key={role} value={role}>{role}</option>
            ))}
          </select>
        </Field>
        <Field label="Password (blank: generate one)" id="user-password" error={e.password}>
          <input name="password" type="password" autoComplete="new-password" {...controlProps("user-password", e.password)} />
        </Field>
        <button className="primary" type="submit" disabled={pending} data-testid="user-add">
          {pending ? "Adding…" : "Add user"}
        </button>
      </div>
      <FormMessage state={state} testId="user-message" />
      {state.ok && state.data?.password && (
        <div className="secret" role="status">
          Password for {state.data.email}, shown only this once:
          <code data-testid="generated-password">{state.data.password}</code>
        </div>
      )}
    </form>
  );
}
