// Adjudication: the queue of items whose judgments disagree, a manager's final verdict on one, and
// sending an item back for more judgments. Everything here is a verdict (lib/formats/verdict.ts):
// A is the item's first candidate (the import record's first response), B its second, whatever
// slots the annotators saw. Exports prefer an adjudication over the majority.
import { z } from "zod";
import { at, jsonText } from "@/db/engine";
import {
  ADD_EXTRA_OVERLAP,
  ADJUDICATION_OF_ITEM,
  DISPUTED_ITEM,
  DISPUTED_ITEMS,
  ITEM_CANDIDATES,
  ITEM_JUDGMENTS,
  ITEM_PROJECT,
  PROJECT_OVERLAP,
  UPSERT_ADJUDICATION,
} from "@/db/queries/adjudication";
import { CHOICES } from "@/db/schema/constants";
import type { StoredJudgment } from "@/lib/formats/judgment";
import type { Prompt } from "@/lib/formats/record";
import type { Verdict } from "@/lib/formats/verdict";
import { audit } from "./audit";
import { nowOf, requireScope, type Ctx, type Untrusted } from "./context";
import { badRequest, notFound, parseInput } from "./errors";
import { getProject } from "./projects";
import { adaptiveRule, baseOverlap } from "./adaptive";

const POSITION_LABELS = ["A", "B"] as const;

export interface QueueJudgment {
  id: number;
  annotator: { id: number; email: string; name: string; external: boolean };
  /** The judgment's verdict (A = the item's first candidate); the JSON key stays `choice`. */
  choice: Verdict | null;
  rationale: string | null;
  source: string;
  created_at: string;
}

export interface QueueItem {
  id: number;
  external_id: string;
  prompt: Prompt;
  /** In position order, with model names: managers only. */
  candidates: { label: string; position: number; content: string; model: string | null }[];
  judgments: QueueJudgment[];
  /** Judgments per verdict, e.g. {"A": 1, "B": 1, "tie": 1}. */
  votes: Partial<Record<Verdict, number>>;
  /** Share of judgments on the most common verdict. */
  agreement: number;
  /** Why the item is in the queue. */
  reason: "no_majority" | "below_threshold";
  effective_overlap: number;
  adjudication: AdjudicationView | null;
}

export interface AdjudicationView {
  item_id: number;
  /** The manager's verdict (stored in `adjudications.choice`). */
  choice: Verdict;
  winner_candidate_id: number | null;
  note: string | null;
  by: string | null;
  created_at: string;
}

const queueInput = z.object({
  slug: z.string().trim().min(1),
  /** Include items that already have an adjudication. */
  resolved: z.coerce.boolean().default(false),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  offset: z.coerce.number().int().min(0).default(0),
});

/**
 * Items with at least two pairwise judgments and no strict majority, or whose agreement (share of the
 * most common verdict) is below the project's agreement threshold. Gold items are left out: their
 * answer is known. Under adaptive overlap only items that ended (as many judgments as they need) are
 * listed: an item whose first judgments disagree is still collecting more, and may settle by itself.
 */
export async function adjudicationQueue({ ctx, input }: { ctx: Ctx; input: z.input<typeof queueInput> }): Promise<{ total: number; items: QueueItem[] }> {
  requireScope(ctx, "judgment:read_all");
  const data = parseInput(queueInput, input);
  const project = await getProject({ ctx, input: { slug: data.slug } });
  const threshold = project.agreementThreshold ?? null;
  const disputed = await ctx.db.many(DISPUTED_ITEMS, [project.id, threshold, threshold, adaptiveRule(project) !== null, baseOverlap(project), data.resolved]);
  const page = disputed.slice(data.offset, data.offset + data.limit);
  const items: QueueItem[] = [];
  for (const d of page) {
    items.push({
      ...(await itemDetail(ctx, d.itemId, baseOverlap(project))),
      agreement: d.top / d.total,
      reason: d.top * 2 <= d.total ? "no_majority" : "below_threshold",
    });
  }
  return { total: disputed.length, items };
}

async function itemDetail(ctx: Ctx, itemId: number, overlap: number): Promise<Omit<QueueItem, "agreement" | "reason">> {
  const item = (await ctx.db.first(DISPUTED_ITEM, [itemId]))!;
  const cands = await ctx.db.many(ITEM_CANDIDATES, [itemId]);
  const rows = await ctx.db.many(ITEM_JUDGMENTS, [itemId]);
  const votes: Partial<Record<Verdict, number>> = {};
  for (const r of rows) if (r.verdict) votes[r.verdict] = (votes[r.verdict] ?? 0) + 1;
  return {
    id: item.id,
    external_id: item.externalId,
    prompt: item.prompt as Prompt,
    candidates: cands.map((c) => ({ label: POSITION_LABELS[c.position] ?? String(c.position + 1), position: c.position, content: c.content, model: c.model })),
    judgments: rows.map((r) => ({
      id: r.id,
      annotator: { id: r.userId, email: r.email, name: r.name, external: r.external },
      choice: r.verdict,
      rationale: r.rationale,
      source: r.source,
      created_at: new Date(r.createdAt).toISOString(),
    })),
    votes,
    effective_overlap: (item.judgmentTarget ?? overlap) + item.extraOverlap,
    adjudication: await adjudicationOf(ctx, itemId),
  };
}

async function adjudicationOf(ctx: Ctx, itemId: number): Promise<AdjudicationView | null> {
  const row = await ctx.db.first(ADJUDICATION_OF_ITEM, [itemId]);
  if (!row) return null;
  return {
    item_id: row.itemId,
    choice: row.choice,
    winner_candidate_id: row.winnerCandidateId,
    note: row.note,
    by: row.by,
    created_at: new Date(row.createdAt).toISOString(),
  };
}

const adjudicationInput = z.object({
  itemId: z.coerce.number().int().positive(),
  choice: z.enum(CHOICES, { message: `must be one of ${CHOICES.join(", ")} (A = the item's first response)` }),
  note: z.string().trim().max(5000, "must be at most 5000 characters").optional(),
});

/**
 * Records (or replaces) the final verdict on an item. The input's `choice` is that verdict (A is the
 * item's first candidate); it is stored as `adjudications.choice` with the winning candidate's id.
 */
export async function recordAdjudication({ ctx, input }: { ctx: Ctx; input: Untrusted<z.input<typeof adjudicationInput>> }): Promise<AdjudicationView> {
  requireScope(ctx, "judgment:read_all");
  const data = parseInput(adjudicationInput, input);
  const now = nowOf(ctx);
  await ctx.db.write(async (tx) => {
    const item = await tx.first(ITEM_PROJECT, [data.itemId]);
    if (!item) throw notFound(`Item ${data.itemId}`);
    const cands = await tx.many(ITEM_CANDIDATES, [item.id]);
    if (cands.length !== 2) throw badRequest(`Item ${item.id} has ${cands.length} candidates; a verdict needs exactly two.`);
    const winner = data.choice === "A" ? cands[0].id : data.choice === "B" ? cands[1].id : null;
    const payload: StoredJudgment = { type: "pairwise", choice: data.choice, winner };
    const previous = await tx.first(ADJUDICATION_OF_ITEM, [item.id]);
    const note = data.note || null;
    await tx.exec(UPSERT_ADJUDICATION, [item.id, ctx.caller?.userId ?? null, data.choice, winner, jsonText(payload), note, at(now)]);
    await audit(tx, ctx, {
      action: "adjudication.record",
      targetType: "item",
      targetId: item.id,
      projectId: item.projectId,
      detail: { choice: data.choice, note, previous: previous ? { choice: previous.choice, note: previous.note, by: previous.userId } : null },
    });
  });
  return (await adjudicationOf(ctx, data.itemId))!;
}

const requeueInput = z.object({
  itemId: z.coerce.number().int().positive(),
  // Required: a requeue says how much it adds, so a repeated or empty request cannot raise the overlap unasked.
  extra: z.coerce.number({ message: "required: how many more judgments (1–20)" }).int("must be a whole number").min(1, "must be at least 1").max(20, "must be at most 20"),
});

/** Sends an item back for more judgments: its effective overlap grows by `extra`. */
export async function requeueItem({ ctx, input }: { ctx: Ctx; input: z.input<typeof requeueInput> }): Promise<{ item_id: number; extra_overlap: number; effective_overlap: number }> {
  requireScope(ctx, "judgment:read_all");
  const data = parseInput(requeueInput, input);
  return ctx.db.write(async (tx) => {
    const row = await tx.first(ADD_EXTRA_OVERLAP, [data.extra, data.itemId]);
    if (!row) throw notFound(`Item ${data.itemId}`);
    const project = (await tx.first(PROJECT_OVERLAP, [row.projectId]))!;
    const overlap = row.judgmentTarget ?? baseOverlap(project);
    await audit(tx, ctx, { action: "item.requeue", targetType: "item", targetId: data.itemId, detail: { extra: data.extra, extra_overlap: row.extraOverlap } });
    return { item_id: data.itemId, extra_overlap: row.extraOverlap, effective_overlap: overlap + row.extraOverlap };
  });
}
