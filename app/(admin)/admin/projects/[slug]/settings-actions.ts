"use server";
// Server actions behind the project settings and members panels of the admin project page.
import { revalidatePath } from "next/cache";
import { contextFor, requirePageCaller } from "@/lib/auth/session";
import { AppError } from "@/lib/services/errors";
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
