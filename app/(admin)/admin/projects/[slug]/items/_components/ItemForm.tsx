"use client";
// One item's priority, gold answer and its explanation, saved together; the row it sits in shows what is stored.
import { useActionState } from "react";
import { updateItemAction } from "../../settings-actions";
import type { ActionState } from "@/lib/http/form-state";
import { Field, controlProps } from "../../../../_components/Field";
import { FormMessage } from "@/app/_components/FormMessage";

const GOLD_OPTIONS = [
  ["none", "none (ordinary item)"],
  ["A", "A: first response"],
  ["B", "B: second response"],
  ["tie", "tie"],
  ["both_bad", "both bad"],
] as const;

export function ItemForm({ slug, itemId, priority, gold, goldExplanation }: { slug: string; itemId: number; priority: number; gold: string | null; goldExplanation: string | null }) {
  const [state, action, pending] = useActionState(updateItemAction, { ok: false } as ActionState);
  const e = state.errors ?? {};
  const id = `item-${itemId}`;
  return (
    <form action={action} aria-label={`Priority and gold answer of item ${itemId}`}>
      <input type="hidden" name="slug" value={slug} />
      <input type="hidden" name="itemId" value={itemId} />
      <div className="row">
        <Field label="Priority" id={`${id}-priority`} error={e.priority}>
          <input name="priority" type="number" step={1} min={-1_000_000} max={1_000_000} required defaultValue={priority} className="narrow" {...controlProps(`${id}-priority`, e.priority)} />
        </Field>
        <Field label="Gold answer" id={`${id}-gold`} error={e.gold}>
          {/* Keyed by the stored answer: React sets a select's default only when it mounts, and the
              form resets to that default after each save. */}
          <select key={gold ?? "none"} name="gold" defaultValue={gold ?? "none"} {...controlProps(`${id}-gold`, e.gold)}>
            {GOLD_OPTIONS.map(([value, text]) => (
              <option key={value} value={value}>{text}</option>
            ))}
          </select>
        </Field>
        <Field label="Why (shown after judging it)" id={`${id}-gold-explanation`} error={e.gold_explanation}>
          <textarea
            key={goldExplanation ?? ""}
            name="gold_explanation"
            rows={1}
            maxLength={5000}
            defaultValue={goldExplanation ?? ""}
            placeholder="optional: why the gold answer is right"
            {...controlProps(`${id}-gold-explanation`, e.gold_explanation)}
          />
        </Field>
        <button type="submit" disabled={pending} aria-label={`Save item ${itemId}`} data-testid={`${id}-save`}>
          {pending ? "Saving…" : "Save"}
        </button>
      </div>
      <FormMessage state={state} testId={`${id}-message`} />
    </form>
  );
}
