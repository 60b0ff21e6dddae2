"use client";
// Sets one priority on every item of an import batch.
import { useActionState } from "react";
import { setBatchPriorityAction } from "../../settings-actions";
import type { ActionState } from "@/lib/http/form-state";
import { Field, controlProps } from "../../../../_components/Field";
import { FormMessage } from "@/app/_components/FormMessage";

export function BatchPriorityForm({ slug, batchId, priority }: { slug: string; batchId: number; priority: number }) {
  const [state, action, pending] = useActionState(setBatchPriorityAction, { ok: false } as ActionState);
  const error = state.errors?.priority;
  const id = `batch-${batchId}-priority`;
  return (
    <form action={action} aria-label={`Priority of batch ${batchId}`}>
      <input type="hidden" name="slug" value={slug} />
      <input type="hidden" name="batchId" value={batchId} />
      <div className="row">
        <Field label="Priority for every item" id={id} error={error}>
          <input name="priority" type="number" step={1} min={-1_000_000} max={1_000_000} required defaultValue={priority} className="narrow" {...controlProps(id, error)} />
        </Field>
        <button type="submit" disabled={pending} aria-label={`Save priority of batch ${batchId}`} data-testid={`batch-${batchId}-save`}>
          {pending ? "Saving…" : "Save"}
        </button>
      </div>
      <FormMessage state={state} testId={`batch-${batchId}-message`} />
    </form>
  );
}
