// Curating items after import (admins): listing a project's items with their models and progress,
// raising an item's or an import batch's priority, and setting or clearing an item's gold answer.
import { z } from "zod";
import { jsonText } from "@/db/engine";
import {
  BATCH_EXISTS,
  CANDIDATE_MODELS,
  ITEM_COUNT,
  ITEM_GOLD,
  ITEM_PAGE,
  ITEM_FILTERS,
  ITEM_WITH_OVERLAP,
  ITEMS_PROJECT,
  PROJECT_BATCHES,
  SET_BATCH_PRIORITY,
  SET_ITEM_GOLD,
  SET_ITEM_PRIORITY,
  type ItemRow,
} from "@/db/queries/items";
import { CHOICES } from "@/db/schema/constants";
import type { Choice, Prompt } from "@/lib/formats/record";
import { audit } from "./audit";
import { requireScope, type Ctx, type Untrusted } from "./context";
import { fieldError, notFound, parseInput } from "./errors";
import { baseOverlap } from "./adaptive";
import { GOLD_EXPLANATION_MAX } from "@/lib/formats/import/normalize";

// Numbers and numeric strings (forms, query strings, CLI flags) only: plain coercion would turn
// "" and null into 0 and true into 1.
const priority = z.preprocess(
  (v) => (typeof v === "string" && v.trim() !== "" ? Number(v) : v),
  z
    .number({ message: "must be a whole number" })
    .int("must be a whole number")
    .min(-1_000_000, "must be at least -1000000")
    .max(1_000_000, "must be at most 1000000"),
);
const itemId = z.coerce.number().int().positive();
/** In candidate-position terms: A = the item's first candidate (the import record's first response). */
const goldChoice = z.enum(CHOICES, { message: `must be one of ${CHOICES.join(", ")} (A = the item's first response)` });

/** Why the gold answer is right, shown to annotators after they judge the item; blank or null clears it. */
const goldExplanation = z
  .string({ message: "must be text" })
  .max(GOLD_EXPLANATION_MAX, `must be at most ${GOLD_EXPLANATION_MAX} characters`)
  .nullable()
  .transform((v) => (v == null || v.trim() === "" ? null : v));

const itemInput = z
  .strictObject({ itemId, priority: priority.optional(), gold: goldChoice.nullable().optional(), gold_explanation: goldExplanation.optional() })
  .refine((d) => d.priority !== undefined || d.gold !== undefined || d.gold_explanation !== undefined, { message: "Nothing to change: give priority, gold and/or gold_explanation." });
const batchPriorityInput = z.object({ batchId: z.coerce.number().int().positive(), priority });

const listInput = z.object({
  slug: z.string().trim().min(1),
  /** Part of the external id or of the prompt text; a whole number also matches the item id. */
  q: z.string().trim().max(200, "must be at most 200 characters").optional(),
  // Taken as any text (a query string's value) and checked here, so callers need no cast.
  filter: z.string().pipe(z.enum(ITEM_FILTERS, { message: `must be one of ${ITEM_FILTERS.join(", ")}` })).default("all"),
  page: z.coerce.number({ message: "must be a whole number" }).int("must be a whole number").min(1, "must be at least 1").max(1_000_000, "must be at most 1000000").default(1),
  page_size: z.coerce.number({ message: "must be a whole number" }).int("must be a whole number").min(1, "must be at least 1").max(200, "must be at most 200").default(50),
});

export interface ItemView {
  id: number;
  external_id: string;
  prompt: Prompt;
  /** Model name of each candidate in position order (A first); null where the import named none. */
  models: (string | null)[];
  /** Submitted judgments so far. */
  judgments: number;
  /** Judgments wanted: the project's overlap (under adaptive overlap, the item's current target) plus the item's extra overlap (gold items: once per annotator). */
  wanted: number;
  extra_overlap: number;
  priority: number;
  /** The known answer of a gold item, in candidate-position terms (A = the first candidate), or null. */
  gold: Choice | null;
  /** Why the gold answer is right (shown to annotators after they judge it), or null. */
  gold_explanation: string | null;
  batch_id: number | null;
  /** What the item needs (routing by skill); empty for an untagged item. */
  tags: string[];
}

/** A `like` pattern for "contains s", with `!` escaping the wildcards. */
function containing(s: string): string {
  return `%${s.replace(/[!%_]/g, "!$&")}%`;
}

/** The largest id a whole-number search may name (PostgreSQL's integer ids). */
const MAX_ID = 2 ** 31 - 1;

export interface ItemPage {
  /** Items that match the search and filter, on every page. */
  total: number;
  page: number;
  page_size: number;
  items: ItemView[];
}

/** A project's items in import (id) order, one page at a time, with the total that match. */
export async function listItems({ ctx, input }: { ctx: Ctx; input: z.input<typeof listInput> }): Promise<ItemPage> {
  requireScope(ctx, "project:write");
  const data = parseInput(listInput, input);
  const project = await ctx.db.first(ITEMS_PROJECT, [data.slug]);
  if (!project) throw notFound(`Project "${data.slug}"`);
  const q = data.q || null;
  const id = q && /^\d{1,15}$/.test(q) && Number(q) <= MAX_ID ? Number(q) : null;
  // The prompt column holds JSON text, so look for the query as JSON writes it (quotes and newlines escaped).
  const listed = [project.id, q, q && containing(q), q && containing(JSON.stringify(q).slice(1, -1)), id];
  const offset = (data.page - 1) * data.page_size;
  const rows = await ctx.db.many(ITEM_PAGE[data.filter], [...listed, data.page_size, offset]);
  // A short page ends the list, so it gives the total without a second scan (a search reads every prompt).
  const total = rows.length > 0 && rows.length < data.page_size ? offset + rows.length : (await ctx.db.first(ITEM_COUNT[data.filter], listed))!;
  return { total, page: data.page, page_size: data.page_size, items: await viewsOf(ctx, rows, baseOverlap(project)) };
}

/** One item as listItems shows it. */
async function itemView(ctx: Ctx, id: number): Promise<ItemView> {
  const row = await ctx.db.first(ITEM_WITH_OVERLAP, [id]);
  if (!row) throw notFound(`Item ${id}`);
  return (await viewsOf(ctx, [row.item], baseOverlap(row.settings)))[0];
}

/** `overlap`: what an item without an adaptive target wants (baseOverlap). */
async function viewsOf(ctx: Ctx, rows: ItemRow[], overlap: number): Promise<ItemView[]> {
  if (rows.length === 0) return [];
  const models = new Map<number, (string | null)[]>();
  for (const c of await ctx.db.many(CANDIDATE_MODELS, [jsonText(rows.map((r) => r.id))])) {
    const list = models.get(c.itemId) ?? [];
    list.push(c.model);
    models.set(c.itemId, list);
  }
  return rows.map((r) => ({
    id: r.id,
    external_id: r.externalId,
    prompt: r.prompt as Prompt,
    models: models.get(r.id) ?? [],
    judgments: r.judgmentCount,
    wanted: (r.judgmentTarget ?? overlap) + r.extraOverlap,
    extra_overlap: r.extraOverlap,
    priority: r.priority,
    gold: (r.gold?.choice as Choice | undefined) ?? null,
    gold_explanation: r.gold?.explanation ?? null,
    batch_id: r.batchId,
    tags: r.tags ?? [],
  }));
}

/**
 * Sets an item's priority and/or gold answer in one transaction: everything is checked before
 * anything is written. Higher priority is served first, whatever the project's order policy; a gold
 * answer (null clears it) makes the item a gold item, served at the project's gold rate.
 */
export async function updateItem({ ctx, input }: { ctx: Ctx; input: Untrusted<z.input<typeof itemInput>> }): Promise<ItemView> {
  requireScope(ctx, "project:write");
  const data = parseInput(itemInput, input);
  await ctx.db.write(async (tx) => {
    const current = await tx.first(ITEM_GOLD, [data.itemId]);
    if (!current) throw notFound(`Item ${data.itemId}`);
    // The explanation goes with the answer: kept when only the answer changes, dropped when it is cleared.
    let gold: { choice: string; explanation?: string } | null | undefined = undefined;
    if (data.gold === null) gold = null;
    else if (data.gold !== undefined || data.gold_explanation !== undefined) {
      const choice = data.gold ?? current.gold?.choice;
      if (!choice) throw fieldError("gold_explanation", "the item has no gold answer to explain: give gold too");
      const explanation = data.gold_explanation !== undefined ? data.gold_explanation : (current.gold?.explanation ?? null);
      gold = explanation ? { choice, explanation } : { choice };
    }
    if (data.priority !== undefined) {
      await tx.exec(SET_ITEM_PRIORITY, [data.priority, data.itemId]);
      await audit(tx, ctx, { action: "item.priority", targetType: "item", targetId: data.itemId, detail: { priority: data.priority } });
    }
    if (gold !== undefined) {
      await tx.exec(SET_ITEM_GOLD, [gold && jsonText(gold), data.itemId]);
      await audit(tx, ctx, { action: gold ? "item.gold.set" : "item.gold.unset", targetType: "item", targetId: data.itemId, detail: { gold } });
    }
  });
  return itemView(ctx, data.itemId);
}

/** Sets the priority of every item of one import batch. */
export async function setBatchPriority({ ctx, input }: { ctx: Ctx; input: z.input<typeof batchPriorityInput> }): Promise<{ batchId: number; priority: number; items: number }> {
  requireScope(ctx, "project:write");
  const data = parseInput(batchPriorityInput, input);
  return ctx.db.write(async (tx) => {
    if ((await tx.first(BATCH_EXISTS, [data.batchId])) === undefined) throw notFound(`Import batch ${data.batchId}`);
    const changed = await tx.exec(SET_BATCH_PRIORITY, [data.priority, data.batchId]);
    await audit(tx, ctx, { action: "batch.priority", targetType: "import_batch", targetId: data.batchId, detail: { priority: data.priority, items: changed } });
    return { ...data, items: changed };
  });
}

export interface BatchView {
  id: number;
  source: string | null;
  inserted: number;
  created_at: string;
  /** The highest priority among the batch's items (0 when none was raised). */
  priority: number;
}

/** A project's import batches, newest first. */
export async function listBatches({ ctx, input }: { ctx: Ctx; input: { slug: string } }): Promise<BatchView[]> {
  requireScope(ctx, "project:read");
  const project = await ctx.db.first(ITEMS_PROJECT, [input.slug]);
  if (!project) throw notFound(`Project "${input.slug}"`);
  const batches = await ctx.db.many(PROJECT_BATCHES, [project.id]);
  return batches.map((b) => ({ id: b.id, source: b.source, inserted: b.inserted, created_at: new Date(b.createdAt).toISOString(), priority: b.priority }));
}
