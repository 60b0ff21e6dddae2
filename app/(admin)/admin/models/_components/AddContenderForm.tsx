"use client";
import { useActionState } from "react";
import type { ActionState } from "@/lib/http/form-state";
import { FormMessage } from "@/app/_components/FormMessage";
import { Field, controlProps } from "../../_components/Field";
import { addContenderAction } from "../actions";
import { ContenderFields } from "./ContenderFields";

export function AddContenderForm({ endpoints }: { endpoints: string[] }) {
  const [state, formAction, pending] = useActionState(addContenderAction, { ok: false } as ActionState);
  const v = state.ok ? undefined : state.values;
  const e = state.errors ?? {};
  return (
    <form action={formAction} aria-label="Add contender" noValidate>
      <div className="row">
        <Field label="Name" id="contender-name" error={e.name}>
          <input name="name" autoComplete="off" defaultValue={v?.name} {...controlProps("contender-name", e.name)} />
        </Field>
      </div>
      <ContenderFields prefix="contender" endpoints={endpoints} defaults={v ?? {}} errors={e} />
      <button className="primary" type="submit" disabled={pending} data-testid="contender-add">
        {pending ? "Adding…" : "Add contender"}
      </button>
      <FormMessage state={state} testId="contender-message" />
    </form>
  );
}
