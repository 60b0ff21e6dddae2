"use server";
// Server actions behind the admin project page (settings, members) and its items page (an item's
// priority and gold answer, a batch's priority).
import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { contextFor, requirePageCaller } from "@/lib/auth/session";
import { setBatchPriority, updateItem } from "@/lib/services/items";
import { addMember, removeMember } from "@/lib/services/members";
import { CHOICES } from "@/lib/formats/record";
import { updateProject } from "@/lib/services/projects";
import { PROJECT_SETTINGS, PROJECT_SETTING_KEYS } from "@/lib/services/project-settings";
import { judgmentSchemaField } from "../../schema-field";
import { formValues, refusal, withoutBlanks, type ActionState } from "@/lib/http/form-state";

/** The form message when every error sits next to its field. */
const SEE_FIELDS = "Please fix the fields marked below.";

/** Settings a blank field leaves as stored; a blank limit (a nullable setting) clears it instead. */
const KEEP_WHEN_BLANK = PROJECT_SETTING_KEYS.filter((k) => !PROJECT_SETTINGS[k].nullable);

export async function updateSettingsAction(_prev: ActionState, formData: FormData): Promise<ActionState> {
  const caller = await requirePageCaller("project:write");
  const { slug, ...values } = formValues(formData, ["slug", ...PROJECT_SETTING_KEYS]);
  // The settings' schema reads a blank limit as null: "none".
  try {
    await updateProject({ ctx: contextFor(caller), input: { slug, ...withoutBlanks(values, KEEP_WHEN_BLANK) } });
  } catch (err) {
    return refusal(err, PROJECT_SETTING_KEYS, SEE_FIELDS);
  }
  revalidatePath(`/admin/projects/${slug}`);
  return { ok: true, message: "Settings saved." };
}

export async function addMemberAction(_prev: ActionState, formData: FormData): Promise<ActionState> {
  const caller = await requirePageCaller("project:write");
  const { slug, email } = formValues(formData, ["slug", "email"]);
  try {
    const { added } = await addMember({ ctx: contextFor(caller), input: { slug, email } });
    revalidatePath(`/admin/projects/${slug}`);
    return { ok: true, message: added ? `Added ${email.trim().toLowerCase()}.` : `${email.trim().toLowerCase()} is already a member.` };
  } catch (err) {
    return refusal(err, ["email"], SEE_FIELDS);
  }
}

export async function removeMemberAction(_prev: ActionState, formData: FormData): Promise<ActionState> {
  const caller = await requirePageCaller("project:write");
  const { slug, email } = formValues(formData, ["slug", "email"]);
  try {
    await removeMember({ ctx: contextFor(caller), input: { slug, email } });
  } catch (err) {
    // The email is a hidden field here, so every error is the form's message.
    return refusal(err, [], SEE_FIELDS);
  }
  revalidatePath(`/admin/projects/${slug}`);
  return { ok: true, message: `Removed ${email}.` };
}

export async function updateItemAction(_prev: ActionState, formData: FormData): Promise<ActionState> {
  const caller = await requirePageCaller("project:write");
  const { slug, itemId, priority, gold, gold_explanation } = formValues(formData, ["slug", "itemId", "priority", "gold", "gold_explanation"]);
  // The select offers only the gold choices and "none"; anything else is refused here.
  const choice = gold === "none" ? null : CHOICES.find((c) => c === gold);
  if (choice === undefined) return { ok: false, message: SEE_FIELDS, errors: { gold: `must be one of ${CHOICES.join(", ")} or none` } };
  let saved: { id: number; priority: number; gold: string | null };
  try {
    // Clearing the gold answer drops its explanation with it.
    saved = await updateItem({ ctx: contextFor(caller), input: { itemId, priority, gold: choice, ...(choice ? { gold_explanation: gold_explanation ?? "" } : {}) } });
  } catch (err) {
    return refusal(err, ["priority", "gold", "gold_explanation"], SEE_FIELDS);
  }
  revalidatePath(`/admin/projects/${slug}/items`);
  return { ok: true, message: `Saved item ${saved.id}: priority ${saved.priority}, gold ${saved.gold ?? "none"}.` };
}

export async function setBatchPriorityAction(_prev: ActionState, formData: FormData): Promise<ActionState> {
  const caller = await requirePageCaller("project:write");
  const { slug, batchId, priority } = formValues(formData, ["slug", "batchId", "priority"]);
  let saved: { batchId: number; priority: number; items: number };
  try {
    saved = await setBatchPriority({ ctx: contextFor(caller), input: { batchId, priority } });
  } catch (err) {
    return refusal(err, ["priority"], SEE_FIELDS);
  }
  revalidatePath(`/admin/projects/${slug}/items`);
  return { ok: true, message: `Set priority ${saved.priority} on the ${saved.items} item(s) of batch ${saved.batchId}.` };
}

/** The checklist's Activate button: a draft project starts serving annotators; the page then says so. */
export async function activateProjectAction(_prev: ActionState, formData: FormData): Promise<ActionState> {
  const caller = await requirePageCaller("project:write");
  const { slug } = formValues(formData, ["slug"]);
  try {
    await updateProject({ ctx: contextFor(caller), input: { slug, status: "active" } });
  } catch (err) {
    return refusal(err, []);
  }
  revalidatePath(`/admin/projects/${slug}`);
  revalidatePath("/annotate");
  // The checklist goes away with the draft, so the confirmation travels in the URL.
  redirect(`/admin/projects/${encodeURIComponent(slug)}?activated=1`);
}

/** The project page's guidelines and judgment schema; a blank schema goes back to plain pairwise. */
export async function updateTextsAction(_prev: ActionState, formData: FormData): Promise<ActionState> {
  const caller = await requirePageCaller("project:write");
  const { slug, guidelines, judgmentSchema } = formValues(formData, ["slug", "guidelines", "judgmentSchema"]);
  const schema = judgmentSchemaField(judgmentSchema);
  if (schema.error) return { ok: false, message: SEE_FIELDS, errors: { judgmentSchema: schema.error }, values: { guidelines, judgmentSchema } };
  try {
    await updateProject({ ctx: contextFor(caller), input: { slug, guidelines, judgmentSchema: (schema.value ?? null) as never } });
  } catch (err) {
    return { ...refusal(err, ["guidelines", "judgmentSchema"], SEE_FIELDS), values: { guidelines, judgmentSchema } };
  }
  revalidatePath(`/admin/projects/${slug}`);
  return { ok: true, message: "Guidelines and schema saved." };
}
