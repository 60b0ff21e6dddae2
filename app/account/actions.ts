"use server";
// The profile page's action: change one's own password. Every session of the user ends, this one
// included, so the next page is the login page.
import { redirect } from "next/navigation";
import { contextFor, requirePageCaller } from "@/lib/auth/session";
import { formValues, issueErrors, refusal, type ActionState } from "@/lib/http/form-state";
import { changeOwnPassword, ownPasswordInput } from "@/lib/services/users";

export async function changePasswordAction(_prev: ActionState, formData: FormData): Promise<ActionState> {
  const caller = await requirePageCaller();
  const { current, password, confirm } = formValues(formData, ["current", "password", "confirm"]);
  const parsed = ownPasswordInput.safeParse({ current, password });
  if (!parsed.success) return { ok: false, errors: issueErrors(parsed.error) };
  if (password !== confirm) return { ok: false, errors: { confirm: "does not match the new password" } };
  try {
    await changeOwnPassword({ ctx: contextFor(caller), input: parsed.data });
  } catch (err) {
    return refusal(err, ["current", "password"]);
  }
  redirect("/login?reason=password_changed");
}
