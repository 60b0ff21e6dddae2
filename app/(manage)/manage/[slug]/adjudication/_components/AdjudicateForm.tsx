"use client";
// The manager's decision on one disputed item: a final label with a note, or "needs more judgments".
import { startTransition, useActionState, useState, type FormEvent } from "react";
import { FormMessage } from "@/app/_components/FormMessage";
import { VERDICT_WORDS } from "@/lib/formats/verdict";
import { recordAdjudicationAction, requeueAction, type AdjudicationState } from "../actions";

const LABELS = Object.entries(VERDICT_WORDS);

export function AdjudicateForm({ slug, itemId, current }: { slug: string; itemId: number; current?: string }) {
  const [state, action, pending] = useActionState(recordAdjudicationAction, { ok: false } as AdjudicationState);
  // Controlled, and submitted without React's automatic form reset, so the label stays selected.
  const [choice, setChoice] = useState(current ?? "");
  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const data = new FormData(e.currentTarget);
    startTransition(() => action(data));
  };
  const [note, setNote] = useState("");
  const recorded = state.ok ? state.choice : current;
  const [requeueState, requeue, requeuePending] = useActionState(requeueAction, { ok: false } as AdjudicationState);
  return (
    <div className="adjudicate" data-testid={`adjudicate-${itemId}`}>
      <form action={action} onSubmit={submit} aria-label={`Final label for item ${itemId}`}>
        <input type="hidden" name="slug" value={slug} />
        <input type="hidden" name="itemId" value={itemId} />
        <fieldset>
          <legend>Final label</legend>
          {LABELS.map(([value, text]) => (
            <label key={value} className="inline">
              <input type="radio" name="choice" value={value} checked={choice === value} onChange={() => setChoice(value)} data-testid={`adjudicate-${itemId}-${value}`} /> {text}
              {recorded === value && <span className="ok recorded-mark" data-testid={`adjudicate-${itemId}-recorded`}> (recorded)</span>}
            </label>
          ))}
        </fieldset>
        <label htmlFor={`note-${itemId}`}>Note (why)</label>
        <textarea id={`note-${itemId}`} name="note" rows={2} maxLength={5000} value={note} onChange={(e) => setNote(e.target.value)} data-testid={`adjudicate-${itemId}-note`} />
        <button className="primary" type="submit" disabled={pending} data-testid={`adjudicate-${itemId}-submit`}>
          {pending ? "Saving…" : "Record final label"}
        </button>
        <FormMessage state={state} testId={`adjudicate-${itemId}-message`} />
      </form>
      <form action={requeue} aria-label={`More judgments for item ${itemId}`} className="row">
        <input type="hidden" name="slug" value={slug} />
        <input type="hidden" name="itemId" value={itemId} />
        <label htmlFor={`extra-${itemId}`}>Extra judgments</label>
        <input id={`extra-${itemId}`} name="extra" type="number" min={1} max={20} defaultValue={1} data-testid={`requeue-${itemId}-extra`} />
        <button type="submit" disabled={requeuePending} data-testid={`requeue-${itemId}`}>
          Needs more judgments
        </button>
        <FormMessage state={requeueState} testId={`requeue-${itemId}-message`} />
      </form>
    </div>
  );
}
