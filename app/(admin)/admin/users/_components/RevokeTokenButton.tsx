"use client";
import { useActionState } from "react";
import { revokeTokenAction } from "../../actions";
import type { ActionState } from "@/lib/http/form-state";

export function RevokeTokenButton({ id, prefix, name }: { id: number; prefix: string; name: string }) {
  const [state, formAction, pending] = useActionState(revokeTokenAction, { ok: false } as ActionState);
  return (
    <form action={formAction}>
      <input type="hidden" name="id" value={id} />
      <button type="submit" disabled={pending} aria-label={`Revoke token ${name} (${prefix})`} data-testid={`token-revoke-${prefix}`}>
        {pending ? "Revoking…" : "Revoke"}
      </button>
      {!state.ok && state.message && (
        <p className="error" role="alert">{state.message}</p>
      )}
    </form>
  );
}
