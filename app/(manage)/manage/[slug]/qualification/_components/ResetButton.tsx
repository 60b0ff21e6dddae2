"use client";
// Starts an annotator's new qualification attempt (managers and admins).
import { useActionState } from "react";
import { FormMessage } from "@/app/_components/FormMessage";
import type { ActionState } from "@/lib/http/form-state";
import { resetQualificationAction } from "../actions";

export function ResetButton({ slug, email, testId }: { slug: string; email: string; testId: string }) {
  const [state, action, pending] = useActionState(resetQualificationAction, { ok: false } as ActionState);
  return (
    <form action={action} aria-label={`Reset the qualification of ${email}`} className="inline">
      <input type="hidden" name="slug" value={slug} />
      <input type="hidden" name="email" value={email} />
      <button type="submit" disabled={pending} data-testid={testId}>
        {pending ? "Resetting…" : "Reset attempt"}
      </button>
      <FormMessage state={state} testId={`${testId}-message`} />
    </form>
  );
}
