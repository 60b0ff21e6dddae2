"use client";
// Edits a contender: the form holds the current version's settings; saving makes the next version.
import { useActionState } from "react";
import type { ActionState } from "@/lib/http/form-state";
import type { ContenderView } from "@/lib/services/contenders";
import { FormMessage } from "@/app/_components/FormMessage";
import { editContenderAction } from "../actions";
import { ContenderFields, type ContenderDefaults } from "./ContenderFields";

export function EditContenderForm({ contender, endpoints }: { contender: ContenderView; endpoints: string[] }) {
  const [state, formAction, pending] = useActionState(editContenderAction, { ok: false } as ActionState);
  const text = (x: string | number | null) => (x === null ? "" : String(x));
  const current: ContenderDefaults = {
    endpoint: contender.endpoint,
    system: text(contender.system),
    template: text(contender.template),
    temperature: text(contender.temperature),
    max_tokens: text(contender.max_tokens),
    seed: text(contender.seed),
  };
  // A refused edit keeps what was typed; after a saved one the form shows the new version's settings.
  const defaults = !state.ok && state.values ? state.values : current;
  const prefix = `edit-${contender.name}`;
  return (
    <form action={formAction} aria-label={`Edit ${contender.name}`} noValidate key={contender.version}>
      <input type="hidden" name="name" value={contender.name} />
      <ContenderFields prefix={prefix} endpoints={endpoints} defaults={defaults} errors={state.errors ?? {}} />
      <button className="primary" type="submit" disabled={pending} data-testid={`${prefix}-save`}>
        {pending ? "Saving…" : `Save as version ${contender.version + 1}`}
      </button>
      <FormMessage state={state} testId={`${prefix}-message`} />
    </form>
  );
}
