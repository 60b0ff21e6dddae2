"use client";
// One user's skills on the Users page: a comma-separated list, saved as a whole (routing matches
// skills to items' tags).
import { useActionState } from "react";
import type { ActionState } from "@/lib/http/form-state";
import { setSkillsAction } from "../actions";

export function SkillsForm({ email, skills }: { email: string; skills: string[] }) {
  const [state, save, pending] = useActionState(setSkillsAction, { ok: false } as ActionState);
  const error = state.errors?.set;
  return (
    <form action={save} className="row" aria-label={`Skills of ${email}`}>
      <input type="hidden" name="email" value={email} />
      <input
        name="skills"
        key={skills.join(",")}
        defaultValue={skills.join(", ")}
        placeholder="e.g. code, lang:de"
        aria-label={`Skills of ${email} (comma-separated)`}
        aria-invalid={error ? true : undefined}
        data-testid={`user-skills-${email}`}
        maxLength={2100}
      />
      <button type="submit" disabled={pending} data-testid={`user-skills-save-${email}`}>Save skills</button>
      {(state.message || error) && (
        <p className={state.ok ? "muted" : "error"} role={state.ok ? "status" : "alert"} data-testid={`user-skills-message-${email}`}>
          {error ? `Skills: ${error}` : state.message}
        </p>
      )}
    </form>
  );
}
