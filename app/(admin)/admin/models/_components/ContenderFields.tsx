// The settings of a contender version, shared by the add and the edit form: endpoint, sampling
// parameters, system prompt and template. `prefix` keeps the ids of several forms on one page apart.
import { Field, controlProps } from "../../_components/Field";

export interface ContenderDefaults {
  endpoint?: string;
  system?: string;
  template?: string;
  temperature?: string;
  max_tokens?: string;
  seed?: string;
}

export function ContenderFields({ prefix, endpoints, defaults, errors }: { prefix: string; endpoints: string[]; defaults: ContenderDefaults; errors: Record<string, string> }) {
  const id = (field: string) => `${prefix}-${field}`;
  return (
    <>
      <div className="row">
        <Field label="Endpoint" id={id("endpoint")} error={errors.endpoint}>
          <select name="endpoint" defaultValue={defaults.endpoint ?? endpoints[0]} {...controlProps(id("endpoint"), errors.endpoint)}>
            {endpoints.map((name) => (
              <option key={name} value={name}>{name}</option>
            ))}
          </select>
        </Field>
        <Field label="Temperature (0–2, blank: the server's)" id={id("temperature")} error={errors.temperature}>
          <input name="temperature" inputMode="decimal" className="narrow" defaultValue={defaults.temperature} {...controlProps(id("temperature"), errors.temperature)} />
        </Field>
        <Field label="Max tokens" id={id("max-tokens")} error={errors.max_tokens}>
          <input name="max_tokens" inputMode="numeric" className="narrow" defaultValue={defaults.max_tokens} {...controlProps(id("max-tokens"), errors.max_tokens)} />
        </Field>
        <Field label="Seed" id={id("seed")} error={errors.seed}>
          <input name="seed" inputMode="numeric" className="narrow" defaultValue={defaults.seed} {...controlProps(id("seed"), errors.seed)} />
        </Field>
      </div>
      <Field label="System prompt (optional; sent first)" id={id("system")} error={errors.system}>
        <textarea name="system" rows={4} defaultValue={defaults.system} {...controlProps(id("system"), errors.system)} />
      </Field>
      <Field label="Template (optional; the user message, with {prompt} where the prompt goes)" id={id("template")} error={errors.template}>
        <textarea name="template" rows={3} defaultValue={defaults.template} {...controlProps(id("template"), errors.template)} />
      </Field>
    </>
  );
}
