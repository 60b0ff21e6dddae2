"use client";
// Activates a draft project from its checklist; the status setting below does the same.
import { useActionState } from "react";
import { FormMessage } from "@/app/_components/FormMessage";
import type { ActionState } from "@/lib/http/form-state";
import { activateProjectAction } from "../settings-actions";

export function ActivateButton({ slug, ready }: { slug: string; ready: boolean }) {
  const [state, formAction, pending] = useActionState(activateProjectAction, { ok: false } as ActionState);
  return (
    <form action={formAction}>
      <input type="hidden" name="slug" value={slug} />
      <div className="actions">
        <button type="submit" className="primary" disabled={pending || !ready} data-testid="project-activate">
          {pending ? "Activating…" : "Activate"}
        </button>
        {!ready && <span className="muted" data-testid="activate-hint">Import items first: an empty project has nothing to serve.</span>}
      </div>
      <FormMessage state={state} testId="activate-error" />
    </form>
  );
}
