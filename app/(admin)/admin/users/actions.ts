"use server";
// Server actions behind the Users page rows: deactivate or reactivate, change the role, reset the
// password (a generated one, shown once). Each re-reads the caller; the users service decides.
import { revalidatePath } from "next/cache";
import { contextFor, requirePageCaller } from "@/lib/auth/session";
import { formValues, refusal, type ActionState } from "@/lib/http/form-state";
import { setPassword, setUserRole, setUserStatus } from "@/lib/services/users";

export async function setUserStatusAction(_prev: ActionState, formData: FormData): Promise<ActionState> {
  const caller = await requirePageCaller("user:manage");
  const { email, status } = formValues(formData, ["email", "status"]);
  try {
    const user = setUserStatus({ ctx: contextFor(caller), input: { email, status: status as never } });
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
    const user = setUserRole({ ctx: contextFor(caller), input: { email, role: role as never } });
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
