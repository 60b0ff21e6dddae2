"use server";
// Server actions behind the admin project page (settings, members) and its items page (an item's
// priority and gold answer, a batch's priority).
import { revalidatePath } from "next/cache";
import { contextFor, requirePageCaller } from "@/lib/auth/session";
import { AppError } from "@/lib/services/errors";
import { setBatchPriority, updateItem } from "@/lib/services/items";
import { addMember, removeMember } from "@/lib/services/members";
import { updateProject } from "@/lib/services/projects";

export interface PanelState {
  ok: boolean;
  message?: string;
  /** Messages keyed by field name, shown next to the field. */
  errors?: Record<string, string>;
}

const NULLABLE = ["quota", "minGoldAccuracy", "minGoldAfter", "agreementThreshold"] as const;
const PLAIN = ["status", "orderPolicy", "overlap", "leaseMinutes", "goldRate"] as const;

export async function updateSettingsAction(_prev: PanelState, formData: FormData): Promise<PanelState> {
  const caller = await requirePageCaller("project:write");
  const slug = String(formData.get("slug") ?? "");
  const input: Record<string, unknown> = { slug };
  for (const f of PLAIN) {
    const v = String(formData.get(f) ?? "").trim();
    if (v) input[f] = v;
  }
  // A blank limit means "none".
  for (const f of NULLABLE) {
    const v = String(formData.get(f) ?? "").trim();
    input[f] = v ? v : null;
  }
  try {
    updateProject({ ctx: contextFor(caller), input: input as never });
  } catch (err) {
    return refusal(err);
  }
  revalidatePath(`/admin/projects/${slug}`);
  return { ok: true, message: "Settings saved." };
}

export async function addMemberAction(_prev: PanelState, formData: FormData): Promise<PanelState> {
  const caller = await requirePageCaller("project:write");
  const slug = String(formData.get("slug") ?? "");
  const email = String(formData.get("email") ?? "");
  try {
    const { added } = addMember({ ctx: contextFor(caller), input: { slug, email } });
    revalidatePath(`/admin/projects/${slug}`);
    return { ok: true, message: added ? `Added ${email.trim().toLowerCase()}.` : `${email.trim().toLowerCase()} is already a member.` };
  } catch (err) {
    return refusal(err);
  }
}

export async function removeMemberAction(_prev: PanelState, formData: FormData): Promise<PanelState> {
  const caller = await requirePageCaller("project:write");
  const slug = String(formData.get("slug") ?? "");
  const email = String(formData.get("email") ?? "");
  try {
    removeMember({ ctx: contextFor(caller), input: { slug, email } });
  } catch (err) {
    return refusal(err);
  }
  revalidatePath(`/admin/projects/${slug}`);
  return { ok: true, message: `Removed ${email}.` };
}

export async function updateItemAction(_prev: PanelState, formData: FormData): Promise<PanelState> {
  const caller = await requirePageCaller("project:write");
  const slug = String(formData.get("slug") ?? "");
  const gold = String(formData.get("gold") ?? "");
  let saved: { id: number; priority: number; gold: string | null };
  try {
    saved = updateItem({
      ctx: contextFor(caller),
      input: { itemId: String(formData.get("itemId") ?? ""), priority: String(formData.get("priority") ?? ""), gold: gold === "none" ? null : (gold as never) },
    });
  } catch (err) {
    return refusal(err);
  }
  revalidatePath(`/admin/projects/${slug}/items`);
  return { ok: true, message: `Saved item ${saved.id}: priority ${saved.priority}, gold ${saved.gold ?? "none"}.` };
}

export async function setBatchPriorityAction(_prev: PanelState, formData: FormData): Promise<PanelState> {
  const caller = await requirePageCaller("project:write");
  const slug = String(formData.get("slug") ?? "");
  let saved: { batchId: number; priority: number; items: number };
  try {
    saved = setBatchPriority({ ctx: contextFor(caller), input: { batchId: String(formData.get("batchId") ?? ""), priority: String(formData.get("priority") ?? "") } });
  } catch (err) {
    return refusal(err);
  }
  revalidatePath(`/admin/projects/${slug}/items`);
  return { ok: true, message: `Set priority ${saved.priority} on the ${saved.items} item(s) of batch ${saved.batchId}.` };
}

/** A typed error as panel state: "field: message" parts go next to their field. */
function refusal(err: unknown): PanelState {
  if (!(err instanceof AppError)) throw err;
  const errors: Record<string, string> = {};
  const rest: string[] = [];
  for (const part of err.message.split("; ")) {
    const m = /^([A-Za-z_]\w*): (.+)$/s.exec(part);
    if (m) errors[m[1]] ??= m[2];
    else rest.push(part);
  }
  return { ok: false, message: rest.length ? rest.join("; ") : "Please fix the fields marked below.", errors };
}
