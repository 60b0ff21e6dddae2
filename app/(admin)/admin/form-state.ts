// Form plumbing shared by the server actions: the state a form renders, reading fields from
// FormData, and turning a typed error into field and form messages. A plain module, because a
// "use server" file may export only async functions.
import { AppError } from "@/lib/services/errors";

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

export function issueErrors(issues: readonly { path: readonly PropertyKey[]; message: string }[]): Record<string, string> {
  const errors: Record<string, string> = {};
  for (const issue of issues) {
    const field = issue.path.length ? String(issue.path[0]) : "_form";
    errors[field] ??= issue.message;
  }
  return errors;
}

/**
 * A refused request as form state. Typed errors carry a message meant for people; a "field: …"
 * part of one (how zodMessage names fields) goes next to that field when the form shows it, and
 * everything else becomes the form message. `fallback` is the form message when every part found
 * its field. Anything that is not a typed error is a bug: rethrown.
 */
export function refusal(err: unknown, fields: readonly string[], fallback?: string): ActionState<never> {
  if (!isUserFacing(err)) throw err;
  const errors: Record<string, string> = {};
  const rest: string[] = [];
  for (const part of err.message.split("; ")) {
    const match = /^([A-Za-z_]\w*)(?:[.[][^:]*)?: (.+)$/s.exec(part);
    if (match && fields.includes(match[1]) && !errors[match[1]]) errors[match[1]] = match[2];
    else rest.push(part);
  }
  return {
    ok: false,
    message: rest.length ? rest.join("; ") : fallback,
    errors: Object.keys(errors).length ? errors : undefined,
  };
}

/** AppError, or a reader's bad_request-coded error (an unreadable upload), both say what to fix. */
function isUserFacing(err: unknown): err is Error {
  if (err instanceof AppError) return true;
  const code = err instanceof Error ? (err as Error & { code?: unknown }).code : undefined;
  return typeof code === "string" && code.startsWith("bad_request");
}
