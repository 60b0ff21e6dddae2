// Form plumbing shared by the server actions (the page-side adapter of typed errors): the state a
// form renders, reading fields from FormData, and turning a typed error into field and form
// messages. A plain module, because a "use server" file may export only async functions.
import { AppError, zodFields, type FieldErrors } from "@/lib/services/errors";

export interface ActionState<T = undefined> {
  ok: boolean;
  message?: string;
  /** Messages keyed by form field name, shown next to the field. */
  errors?: Record<string, string>;
  /** What was submitted (never passwords), so a refused form keeps its input. */
  values?: Record<string, string>;
  data?: T;
}

export function formValues<K extends string>(formData: FormData, fields: readonly K[]): Record<K, string> {
  const values = {} as Record<K, string>;
  for (const field of fields) {
    const value = formData.get(field);
    values[field] = typeof value === "string" ? value : "";
  }
  return values;
}

/**
 * A blank optional field means "not given", so the schema's default applies. Required fields stay
 * as "" so the schema's own message ("must not be empty") is the one shown.
 */
export function withoutBlanks<K extends string>(values: Record<K, string>, optional: readonly K[]): Partial<Record<K, string>> {
  const out: Partial<Record<K, string>> = { ...values };
  for (const key of optional) if (!values[key]?.trim()) delete out[key];
  return out;
}

/**
 * Field errors keyed by form field: a nested path (`judgmentSchema.type`) belongs to its top-level
 * field, and each field shows its first message.
 */
function byFormField(fields: FieldErrors): Record<string, string> {
  const errors: Record<string, string> = {};
  for (const [path, message] of Object.entries(fields)) errors[topField(path)] ??= message;
  return errors;
}

function topField(path: string): string {
  return path.split(/[.[]/, 1)[0];
}

/** A zod failure of a form's own schema as form state: each message next to its field. */
export function issueErrors(error: { issues: readonly { path: readonly PropertyKey[]; message: string }[] }): Record<string, string> {
  const errors = byFormField(zodFields(error));
  if (error.issues.some((i) => i.path.length === 0)) errors._form ??= error.issues.find((i) => i.path.length === 0)!.message;
  return errors;
}

/**
 * A refused request as form state. A typed error's `fields` that the form shows go next to those
 * fields; the rest, or the error's message when it names no field, become the form message.
 * `fallback` is the form message when every field error found its field. Anything that is not a
 * typed error is a bug: rethrown.
 */
export function refusal(err: unknown, fields: readonly string[], fallback?: string): ActionState<never> {
  if (!(err instanceof AppError)) throw err;
  if (!err.fields) return { ok: false, message: err.message };
  const shown: Record<string, string> = {};
  const rest: string[] = [];
  for (const [path, message] of Object.entries(err.fields)) {
    const field = topField(path);
    if (fields.includes(field) && !(field in shown)) shown[field] = message;
    else rest.push(`${path}: ${message}`);
  }
  return {
    ok: false,
    message: rest.length ? rest.join("; ") : fallback,
    errors: Object.keys(shown).length ? shown : undefined,
  };
}
