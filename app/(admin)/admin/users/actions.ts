"use server";
// Server actions behind the Users page rows: deactivate or reactivate, change the role, reset the
// password (a generated one, shown once), set the skills; and the CSV import of users. Each re-reads
// the caller; the users service decides.
import { revalidatePath } from "next/cache";
import { contextFor, requirePageCaller } from "@/lib/auth/session";
import { formValues, refusal, type ActionState } from "@/lib/http/form-state";
import { importUsers, setPassword, setSkills, setUserRole, setUserStatus, type UsersImportSummary } from "@/lib/services/users";

export async function setUserStatusAction(_prev: ActionState, formData: FormData): Promise<ActionState> {
  const caller = await requirePageCaller("user:manage");
  const { email, status } = formValues(formData, ["email", "status"]);
  try {
    const user = await setUserStatus({ ctx: contextFor(caller), input: { email, status: status as never } });
    revalidatePath("/admin/users");
    return { ok: true, message: user.status === "active" ? `${user.email} can sign in again.` : `${user.email} is deactivated: their sessions and tokens no longer work.` };
  } catch (err) {
    return refusal(err, []);
  }
}

export async function setUserRoleAction(_prev: ActionState, formData: FormData): Promise<ActionState> {
  const caller = await requirePageCaller("user:manage");
  const { email, role } = formValues(formData, ["email", "role"]);
  try {
    const user = await setUserRole({ ctx: contextFor(caller), input: { email, role: role as never } });
    revalidatePath("/admin/users");
    return { ok: true, message: `${user.email} is now ${user.role}.` };
  } catch (err) {
    return refusal(err, ["role"]);
  }
}

export async function resetPasswordAction(
  _prev: ActionState<{ password: string }>,
  formData: FormData,
): Promise<ActionState<{ password: string }>> {
  const caller = await requirePageCaller("user:manage");
  const { email } = formValues(formData, ["email"]);
  try {
    const { password } = await setPassword({ ctx: contextFor(caller), input: { email } });
    return { ok: true, message: `New password for ${email}, shown only this once:`, data: { password: password! } };
  } catch (err) {
    return refusal(err, []);
  }
}

export async function setSkillsAction(_prev: ActionState, formData: FormData): Promise<ActionState> {
  const caller = await requirePageCaller("user:manage");
  const { email, skills } = formValues(formData, ["email", "skills"]);
  try {
    const user = await setSkills({ ctx: contextFor(caller), input: { email, set: skills } });
    revalidatePath("/admin/users");
    return { ok: true, message: `${user.email}: ${user.skills.length ? user.skills.join(", ") : "no skills"}.` };
  } catch (err) {
    return refusal(err, ["set"]);
  }
}

/** The CSV import of users from the Users page: all or nothing; errors by line come back as data. */
export async function importUsersAction(_prev: ActionState<UsersImportSummary>, formData: FormData): Promise<ActionState<UsersImportSummary>> {
  const caller = await requirePageCaller("user:manage");
  const file = formData.get("file");
  if (!(file instanceof File) || file.size === 0) return { ok: false, message: "Choose a CSV file.", errors: { file: "choose a CSV file" } };
  if (file.size > 5_000_000) return { ok: false, message: "The file is larger than 5 MB.", errors: { file: "must be at most 5 MB" } };
  try {
    const summary = await importUsers({ ctx: contextFor(caller), input: { csv: await file.text() } });
    if (summary.errors.length) return { ok: false, message: `Nothing imported: ${summary.errors.length} error(s).`, data: summary };
    revalidatePath("/admin/users");
    return { ok: true, message: `Created ${summary.created} user(s), updated ${summary.updated}.`, data: summary };
  } catch (err) {
    return refusal(err, ["file"]);
  }
}
