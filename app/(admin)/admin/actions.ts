"use server";
// Server actions behind the admin forms. Each one re-reads the caller from the session, parses the
// form, calls one service and returns a state the form renders; the services decide who may act.
import { Readable } from "node:stream";
import type { ReadableStream as WebReadableStream } from "node:stream/web";
import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { requirePageCaller, contextFor } from "@/lib/auth/session";
import { projectJudgmentSchema } from "@/lib/formats/judgment";
import { AppError, zodMessage } from "@/lib/services/errors";
import { importItems, type ImportSummary } from "@/lib/services/importer";
import { createProject, projectInput } from "@/lib/services/projects";
import { createToken, revokeToken } from "@/lib/services/tokens";
import { createUser, userInput } from "@/lib/services/users";

export interface ActionState<T = undefined> {
  ok: boolean;
  message?: string;
  /** Messages keyed by form field name, shown next to the field. */
  errors?: Record<string, string>;
  /** What was submitted (never passwords), so a refused form keeps its input. */
  values?: Record<string, string>;
  data?: T;
}

const PROJECT_FIELDS = ["slug", "name", "overlap", "leaseMinutes", "guidelines", "judgmentSchema"] as const;

/** The judgment-schema textarea: blank means plain pairwise; otherwise JSON checked by projectJudgmentSchema. */
function judgmentSchemaField(text: string | undefined): { value?: unknown; error?: string } {
  if (!text?.trim()) return {};
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    return { error: `not valid JSON: ${(e as Error).message}` };
  }
  const parsed = projectJudgmentSchema.safeParse(json);
  return parsed.success ? { value: parsed.data } : { error: zodMessage(parsed.error) };
}

export async function createProjectAction(_prev: ActionState, formData: FormData): Promise<ActionState> {
  const caller = await requirePageCaller("project:write");
  const values = formValues(formData, PROJECT_FIELDS);
  const schema = judgmentSchemaField(values.judgmentSchema);
  const parsed = projectInput.safeParse({ ...withoutBlanks(values, ["overlap", "leaseMinutes", "guidelines", "judgmentSchema"]), judgmentSchema: schema.value });
  if (!parsed.success || schema.error) {
    const errors = parsed.success ? {} : issueErrors(parsed.error.issues);
    if (schema.error) errors.judgmentSchema = schema.error;
    return { ok: false, errors, values };
  }
  let slug: string;
  try {
    slug = createProject({ ctx: contextFor(caller), input: parsed.data }).slug;
  } catch (err) {
    return { ...refusal(err, PROJECT_FIELDS), values };
  }
  revalidatePath("/admin");
  revalidatePath("/manage");
  redirect(`/admin/projects/${slug}`); // the next step is importing items
}

export async function importItemsAction(_prev: ActionState<ImportSummary>, formData: FormData): Promise<ActionState<ImportSummary>> {
  const caller = await requirePageCaller("item:import");
  const slug = String(formData.get("slug") ?? "");
  const file = formData.get("file");
  const skipInvalid = formData.get("skipInvalid") === "on";
  const values = { skipInvalid: skipInvalid ? "on" : "" };
  if (!(file instanceof File) || file.size === 0) {
    return { ok: false, errors: { file: "choose a non-empty file to import" }, values };
  }
  let summary: ImportSummary;
  try {
    // Called once per pass: the importer validates the whole file before it inserts anything.
    // (TypeScript's DOM ReadableStream is not typed as async-iterable, hence Readable.fromWeb.)
    summary = await importItems({ ctx: contextFor(caller), input: { slug, skipInvalid, source: () => Readable.fromWeb(file.stream() as WebReadableStream<Uint8Array>) } });
  } catch (err) {
    return { ...refusal(err, ["file"]), values };
  }
  if (summary.rejected) {
    return {
      ok: false,
      message: `${file.name} has ${summary.error_count} invalid row(s), so nothing was imported. Fix them, or tick "skip invalid rows" to import the valid ones.`,
      data: summary,
      values,
    };
  }
  revalidatePath(`/admin/projects/${slug}`);
  revalidatePath("/admin");
  revalidatePath("/manage");
  return { ok: true, message: `Imported ${file.name}.`, data: summary };
}

const USER_FIELDS = ["email", "name", "role", "password"] as const;

export async function createUserAction(
  _prev: ActionState<{ email: string; password?: string }>,
  formData: FormData,
): Promise<ActionState<{ email: string; password?: string }>> {
  const caller = await requirePageCaller("user:manage");
  const { password, ...values } = formValues(formData, USER_FIELDS);
  const parsed = userInput.safeParse(withoutBlanks({ ...values, password }, ["name", "password"]));
  if (!parsed.success) return { ok: false, errors: issueErrors(parsed.error.issues), values };
  let result: ReturnType<typeof createUser>;
  try {
    result = createUser({ ctx: contextFor(caller), input: parsed.data });
  } catch (err) {
    return { ...refusal(err, USER_FIELDS), values };
  }
  revalidatePath("/admin/users");
  return {
    ok: true,
    message: `Added ${result.user.email} as ${result.user.role}.`,
    data: { email: result.user.email, password: result.password },
  };
}

const TOKEN_FIELDS = ["email", "name"] as const;

export async function createTokenAction(
  _prev: ActionState<{ token: string; name: string; email: string }>,
  formData: FormData,
): Promise<ActionState<{ token: string; name: string; email: string }>> {
  const caller = await requirePageCaller("token:manage");
  const values = formValues(formData, TOKEN_FIELDS);
  const input = withoutBlanks(values, ["name"]);
  let created: ReturnType<typeof createToken>;
  try {
    // The service parses the input with its own schema; its field-named messages land on the field.
    created = createToken({ ctx: contextFor(caller), input: { email: values.email, name: input.name } });
  } catch (err) {
    return { ...refusal(err, TOKEN_FIELDS), values };
  }
  revalidatePath("/admin/users");
  return {
    ok: true,
    message: `Created token "${created.name}" for ${values.email.trim().toLowerCase()}.`,
    data: { token: created.token, name: created.name, email: values.email.trim().toLowerCase() },
  };
}

export async function revokeTokenAction(_prev: ActionState, formData: FormData): Promise<ActionState> {
  const caller = await requirePageCaller("token:manage");
  const id = Number(formData.get("id"));
  if (!Number.isInteger(id) || id <= 0) return { ok: false, message: "That token id is not valid." };
  try {
    revokeToken({ ctx: contextFor(caller), input: { id } });
  } catch (err) {
    return refusal(err, []);
  }
  revalidatePath("/admin/users");
  return { ok: true, message: "Token revoked." };
}

// Form plumbing

function formValues<K extends string>(formData: FormData, fields: readonly K[]): Record<K, string> {
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
function withoutBlanks<K extends string>(values: Record<K, string>, optional: readonly K[]): Partial<Record<K, string>> {
  const out: Partial<Record<K, string>> = { ...values };
  for (const key of optional) if (!values[key]?.trim()) delete out[key];
  return out;
}

function issueErrors(issues: readonly { path: readonly PropertyKey[]; message: string }[]): Record<string, string> {
  const errors: Record<string, string> = {};
  for (const issue of issues) {
    const field = issue.path.length ? String(issue.path[0]) : "_form";
    errors[field] ??= issue.message;
  }
  return errors;
}

/**
 * A refused request as form state. Typed errors carry a message meant for people; a "field: …"
 * part of one (how zodMessage names fields) goes next to that field. Anything else is a bug: rethrown.
 */
function refusal(err: unknown, fields: readonly string[]): ActionState<never> {
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
    message: rest.length ? rest.join("; ") : undefined,
    errors: Object.keys(errors).length ? errors : undefined,
  };
}

/** AppError, or a reader's bad_request-coded error (an unreadable upload), both say what to fix. */
function isUserFacing(err: unknown): err is Error {
  if (err instanceof AppError) return true;
  const code = err instanceof Error ? (err as Error & { code?: unknown }).code : undefined;
  return typeof code === "string" && code.startsWith("bad_request");
}
