"use client";
// Adds an endpoint. Its API key is either an environment variable's name or entered here once: the
// service stores it sealed and no page ever shows it again (the field is empty after every submit).
import { useActionState } from "react";
import type { ActionState } from "@/lib/http/form-state";
import { FormMessage } from "@/app/_components/FormMessage";
import { Field, controlProps } from "../../_components/Field";
import { addEndpointAction } from "../actions";

export function AddEndpointForm() {
  const [state, formAction, pending] = useActionState(addEndpointAction, { ok: false } as ActionState);
  const v = state.ok ? undefined : state.values;
  const e = state.errors ?? {};
  return (
    <form action={formAction} aria-label="Add endpoint" noValidate>
      <div className="row">
        <Field label="Name" id="endpoint-name" error={e.name}>
          <input name="name" autoComplete="off" defaultValue={v?.name} {...controlProps("endpoint-name", e.name)} />
        </Field>
        <Field label="Base URL" id="endpoint-base-url" error={e.base_url}>
          <input name="base_url" type="url" autoComplete="off" placeholder="http://127.0.0.1:8000/v1" defaultValue={v?.base_url} {...controlProps("endpoint-base-url", e.base_url)} />
        </Field>
        <Field label="Model" id="endpoint-model" error={e.model}>
          <input name="model" autoComplete="off" defaultValue={v?.model} {...controlProps("endpoint-model", e.model)} />
        </Field>
      </div>
      <fieldset className="key-source">
        <legend>API key (one of the two, or neither for a server without one)</legend>
        <div className="row">
          <Field label="Environment variable holding it" id="endpoint-api-key-env" error={e.api_key_env}>
            <input name="api_key_env" autoComplete="off" placeholder="OPENAI_API_KEY" defaultValue={v?.api_key_env} {...controlProps("endpoint-api-key-env", e.api_key_env)} />
          </Field>
          <Field label="Or the key itself (stored sealed, never shown again)" id="endpoint-api-key" error={e.api_key}>
            <input name="api_key" type="password" autoComplete="off" {...controlProps("endpoint-api-key", e.api_key)} />
          </Field>
        </div>
      </fieldset>
      <div className="row">
        <Field label="Max concurrency" id="endpoint-max-concurrency" error={e.max_concurrency}>
          <input name="max_concurrency" inputMode="numeric" className="narrow" placeholder="4" defaultValue={v?.max_concurrency} {...controlProps("endpoint-max-concurrency", e.max_concurrency)} />
        </Field>
        <Field label="Timeout (s)" id="endpoint-timeout" error={e.timeout_s}>
          <input name="timeout_s" inputMode="numeric" className="narrow" placeholder="120" defaultValue={v?.timeout_s} {...controlProps("endpoint-timeout", e.timeout_s)} />
        </Field>
        <Field label="Price in (USD / 1M tokens)" id="endpoint-price-in" error={e.price_in}>
          <input name="price_in" inputMode="decimal" className="narrow" defaultValue={v?.price_in} {...controlProps("endpoint-price-in", e.price_in)} />
        </Field>
        <Field label="Price out (USD / 1M tokens)" id="endpoint-price-out" error={e.price_out}>
          <input name="price_out" inputMode="decimal" className="narrow" defaultValue={v?.price_out} {...controlProps("endpoint-price-out", e.price_out)} />
        </Field>
        <button className="primary" type="submit" disabled={pending} data-testid="endpoint-add">
          {pending ? "Adding…" : "Add endpoint"}
        </button>
      </div>
      <FormMessage state={state} testId="endpoint-message" />
    </form>
  );
}
