"use server";
// Server actions behind the admin forms. Each one re-reads the caller from the session, parses the
// form, calls one service and returns a state the form renders; the services decide who may act.
import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { requirePageCaller, contextFor } from "@/lib/auth/session";
import { judgmentSchemaField } from "./schema-field";
import { createProject, projectInput } from "@/lib/services/projects";
import { createToken, revokeToken } from "@/lib/services/tokens";
import { createUser, userInput } from "@/lib/services/users";
import { formValues, issueErrors, refusal, withoutBlanks, type ActionState } from "@/lib/http/form-state";

const PROJECT_FIELDS = ["slug", "name", "overlap", "leaseMinutes", "guidelines", "judgmentSchema"] as const;

export async function createProjectAction(_prev: ActionState, formData: FormData): Promise<ActionState> {
  const caller = await requirePageCaller("project:write");
  const values = formValues(formData, PROJECT_FIELDS);
  const schema = judgmentSchemaField(values.judgmentSchema);
  const parsed = projectInput.safeParse({ ...withoutBlanks(values, ["overlap", "leaseMinutes", "guidelines", "judgmentSchema"]), judgmentSchema: schema.value });
  if (!parsed.success || schema.error) {
    const errors = parsed.success ? {} : issueErrors(parsed.error);
    if (schema.error) errors.judgmentSchema = schema.error;
    return { ok: false, errors, values };
  }
  let slug: string;
  try {
    slug = (await createProject({ ctx: contextFor(caller), input: parsed.data })).slug;
  } catch (err) {
    return { ...refusal(err, PROJECT_FIELDS), values };
  }
  revalidatePath("/admin");
  revalidatePath("/manage");
  redirect(`/admin/projects/${slug}`); // the next step is importing items
}

const USER_FIELDS = ["email", "name", "role", "password"] as const;

export async function createUserAction(
  _prev: ActionState<{ email: string; password?: string }>,
  formData: FormData,
): Promise<ActionState<{ email: string; password?: string }>> {
  const caller = await requirePageCaller("user:manage");
  const { password, ...values } = formValues(formData, USER_FIELDS);
  const parsed = userInput.safeParse(withoutBlanks({ ...values, password }, ["name", "password"]));
  if (!parsed.success) return { ok: false, errors: issueErrors(parsed.error), values };
  let result: Awaited<ReturnType<typeof createUser>>;
  try {
    result = await createUser({ ctx: contextFor(caller), input: parsed.data });
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
  let created: Awaited<ReturnType<typeof createToken>>;
  try {
    // The service parses the input with its own schema; its field-named messages land on the field.
    created = await createToken({ ctx: contextFor(caller), input: { email: values.email, name: input.name } });
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
    await revokeToken({ ctx: contextFor(caller), input: { id } });
  } catch (err) {
    return refusal(err, []);
  }
  revalidatePath("/admin/users");
  return { ok: true, message: "Token revoked." };
}
