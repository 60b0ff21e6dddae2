"use server";
// Server actions behind the adjudication page: record a final label, send an item back for more
// judgments. Each re-reads the caller; the services decide who may act.
import { revalidatePath } from "next/cache";
import { refusal } from "@/lib/http/form-state";
import { contextFor, requirePageCaller } from "@/lib/auth/session";
import { recordAdjudication, requeueItem } from "@/lib/services/adjudication";
import { VERDICT_WORDS } from "@/lib/formats/verdict";

export interface AdjudicationState {
  ok: boolean;
  message?: string;
  /** The final label just recorded: the form keeps it selected and marks it. */
  choice?: string;
}

export async function recordAdjudicationAction(_prev: AdjudicationState, formData: FormData): Promise<AdjudicationState> {
  const caller = await requirePageCaller("judgment:read_all");
  const choice = formData.get("choice");
  if (typeof choice !== "string" || !choice) return { ok: false, message: "Choose the final label first." };
  try {
    const a = await recordAdjudication({ ctx: contextFor(caller), input: { itemId: String(formData.get("itemId") ?? ""), choice: choice as "A", note: String(formData.get("note") ?? "") } });
    // No revalidation here: the decided item would vanish from the open queue along with this
    // confirmation. It leaves the queue on the next visit.
    return { ok: true, choice: a.choice, message: `Recorded “${VERDICT_WORDS[a.choice]}” as the final label.` };
  } catch (err) {
    // No field takes an error here, so the whole message is the form's.
    return refusal(err, []);
  }
}

export async function requeueAction(_prev: AdjudicationState, formData: FormData): Promise<AdjudicationState> {
  const caller = await requirePageCaller("judgment:read_all");
  const slug = String(formData.get("slug") ?? "");
  try {
    const r = await requeueItem({ ctx: contextFor(caller), input: { itemId: String(formData.get("itemId") ?? ""), extra: String(formData.get("extra") || "1") } });
    revalidatePath(`/manage/${slug}/adjudication`);
    return { ok: true, message: `Sent back: the item now wants ${r.effective_overlap} judgments.` };
  } catch (err) {
    return refusal(err, []);
  }
}
