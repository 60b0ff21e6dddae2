"use client";
// A project's guidelines and judgment schema, editable after creation (the checklist links here).
import { useActionState } from "react";
import { FormMessage } from "@/app/_components/FormMessage";
import type { ActionState } from "@/lib/http/form-state";
import { Field, controlProps } from "../../../_components/Field";
import { updateTextsAction } from "../settings-actions";

export function ProjectTextsForm({ slug, guidelines, judgmentSchema }: { slug: string; guidelines: string; judgmentSchema: string }) {
  const [state, formAction, pending] = useActionState(updateTextsAction, { ok: false } as ActionState);
  const v = state.values;
  const e = state.errors ?? {};
  return (
    <form action={formAction} aria-label="Guidelines and judgment schema" noValidate>
      <input type="hidden" name="slug" value={slug} />
      <Field label="Guidelines (Markdown)" id="texts-guidelines" error={e.guidelines}>
        <textarea name="guidelines" rows={6} defaultValue={v?.guidelines ?? guidelines} {...controlProps("texts-guidelines", e.guidelines)} />
      </Field>
      <Field label="Judgment schema (JSON; blank = pairwise A/B/tie/both bad; see README “Judgment types”)" id="texts-judgment-schema" error={e.judgmentSchema}>
        <textarea
          name="judgmentSchema"
          rows={6}
          defaultValue={v?.judgmentSchema ?? judgmentSchema}
          spellCheck={false}
          style={{ fontFamily: "monospace" }}
          {...controlProps("texts-judgment-schema", e.judgmentSchema)}
        />
      </Field>
      <div className="actions">
        <button type="submit" disabled={pending} data-testid="texts-save">
          {pending ? "Saving…" : "Save guidelines and schema"}
        </button>
        <FormMessage state={state} testId="texts-message" />
      </div>
    </form>
  );
}
