"use server";
// Server actions behind the admin project page (settings, members) and its items page (an item's
// priority and gold answer, a batch's priority).
import { revalidatePath } from "next/cache";
import { contextFor, requirePageCaller } from "@/lib/auth/session";
import { setBatchPriority, updateItem } from "@/lib/services/items";
import { addMember, removeMember } from "@/lib/services/members";
import { updateProject } from "@/lib/services/projects";
import { formValues, refusal, withoutBlanks, type ActionState } from "@/lib/http/form-state";

/** The form message when every error sits next to its field. */
const SEE_FIELDS = "Please fix the fields marked below.";

const PLAIN = ["status", "visibility", "orderPolicy", "overlap", "leaseMinutes", "goldRate"] as const;
const NULLABLE = ["quota", "minGoldAccuracy", "minGoldAfter", "agreementThreshold"] as const;
const SETTINGS_FIELDS = [...PLAIN, ...NULLABLE];

export async function updateSettingsAction(_prev: ActionState, formData: FormData): Promise<ActionState> {
  const caller = await requirePageCaller("project:write");
  const { slug, ...values } = formValues(formData, ["slug", ...SETTINGS_FIELDS]);
  // A blank setting keeps its stored value; a blank limit means "none".
  const input: Record<string, unknown> = { slug, ...withoutBlanks(values, PLAIN) };
  for (const f of NULLABLE) input[f] = values[f].trim() || null;
  try {
    updateProject({ ctx: contextFor(caller), input: input as never });
  } catch (err) {
    return refusal(err, SETTINGS_FIELDS, SEE_FIELDS);
  }
  revalidatePath(`/admin/projects/${slug}`);
  return { ok: true, message: "Settings saved." };
}

export async function addMemberAction(_prev: ActionState, formData: FormData): Promise<ActionState> {
  const caller = await requirePageCaller("project:write");
  const { slug, email } = formValues(formData, ["slug", "email"]);
  try {
    const { added } = addMember({ ctx: contextFor(caller), input: { slug, email } });
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
    removeMember({ ctx: contextFor(caller), input: { slug, email } });
  } catch (err) {
    // The email is a hidden field here, so every error is the form's message.
    return refusal(err, [], SEE_FIELDS);
  }
  revalidatePath(`/admin/projects/${slug}`);
  return { ok: true, message: `Removed ${email}.` };
}

export async function updateItemAction(_prev: ActionState, formData: FormData): Promise<ActionState> {
  const caller = await requirePageCaller("project:write");
  const { slug, itemId, priority, gold } = formValues(formData, ["slug", "itemId", "priority", "gold"]);
  let saved: { id: number; priority: number; gold: string | null };
  try {
    saved = updateItem({ ctx: contextFor(caller), input: { itemId, priority, gold: gold === "none" ? null : (gold as never) } });
  } catch (err) {
    return refusal(err, ["priority", "gold"], SEE_FIELDS);
  }
  revalidatePath(`/admin/projects/${slug}/items`);
  return { ok: true, message: `Saved item ${saved.id}: priority ${saved.priority}, gold ${saved.gold ?? "none"}.` };
}

export async function setBatchPriorityAction(_prev: ActionState, formData: FormData): Promise<ActionState> {
  const caller = await requirePageCaller("project:write");
  const { slug, batchId, priority } = formValues(formData, ["slug", "batchId", "priority"]);
  let saved: { batchId: number; priority: number; items: number };
  try {
    saved = setBatchPriority({ ctx: contextFor(caller), input: { batchId, priority } });
  } catch (err) {
    return refusal(err, ["priority"], SEE_FIELDS);
  }
  revalidatePath(`/admin/projects/${slug}/items`);
  return { ok: true, message: `Set priority ${saved.priority} on the ${saved.items} item(s) of batch ${saved.batchId}.` };
}
