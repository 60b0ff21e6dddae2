"use client";
// Sends one short request to an endpoint and shows the latency and the model's reply, or why it failed.
import { useActionState } from "react";
import type { ActionState } from "@/lib/http/form-state";
import type { EndpointTest } from "@/lib/services/endpoints";
import { testEndpointAction } from "../actions";

export function TestEndpointButton({ name }: { name: string }) {
  const [state, formAction, pending] = useActionState(testEndpointAction, { ok: false } as ActionState<EndpointTest>);
  const result = state.data;
  return (
    <form action={formAction} className="endpoint-test">
      <input type="hidden" name="name" value={name} />
      <button type="submit" disabled={pending} data-testid={`endpoint-test-${name}`} aria-label={`Test ${name}`}>
        {pending ? "Testing…" : "Test"}
      </button>
      <div data-testid={`endpoint-test-result-${name}`} aria-live="polite">
        {!pending && result?.ok && (
          <p className="ok">
            <span data-testid={`endpoint-test-latency-${name}`}>{Math.round(result.latency_ms ?? 0)} ms</span>: <q data-testid={`endpoint-test-reply-${name}`}>{result.reply}</q>
          </p>
        )}
        {!pending && result && !result.ok && <p className="error" data-testid={`endpoint-test-error-${name}`}>Failed: {result.error}</p>}
        {!pending && !result && state.message && <p className="error" data-testid={`endpoint-test-error-${name}`}>{state.message}</p>}
      </div>
    </form>
  );
}
