"use server";
// The server action behind the qualification page: start an annotator's new attempt. It re-reads the
// caller; the service decides who may act and writes the audit row.
import { revalidatePath } from "next/cache";
import { refusal, type ActionState } from "@/lib/http/form-state";
import { contextFor, requirePageCaller } from "@/lib/auth/session";
import { resetQualification } from "@/lib/services/qualification";

export async function resetQualificationAction(_prev: ActionState, formData: FormData): Promise<ActionState> {
  const caller = await requirePageCaller("judgment:read_all");
  const slug = String(formData.get("slug") ?? "");
  const email = String(formData.get("email") ?? "");
  try {
    const next = await resetQualification({ ctx: contextFor(caller), input: { slug, email } });
    revalidatePath(`/manage/${slug}/qualification`);
    return { ok: true, message: `Reset: ${email} starts attempt ${next.attempt}.` };
  } catch (err) {
    return refusal(err, []);
  }
}
