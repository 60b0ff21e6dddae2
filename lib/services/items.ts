// Curating items after import (admins): listing a project's items with their models and progress,
// raising an item's or an import batch's priority, and setting or clearing an item's gold answer.
import { and, asc, desc, eq, inArray, isNotNull, ne, or, sql, type SQL } from "drizzle-orm";
import { z } from "zod";
import { candidates, CHOICES, importBatches, items, projects } from "@/db/schema";
import type { Choice, Prompt } from "@/lib/formats/record";
import { audit } from "./audit";
import { countRows, requireScope, type Ctx, type Untrusted, writing } from "./context";
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

const ITEM_FILTERS = ["all", "gold", "priority"] as const;

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

const ITEM_COLUMNS = {
  id: items.id,
  externalId: items.externalId,
  prompt: items.prompt,
  priority: items.priority,
  gold: items.gold,
  batchId: items.batchId,
  extraOverlap: items.extraOverlap,
  judgmentCount: items.judgmentCount,
  judgmentTarget: items.judgmentTarget,
  tags: items.tags,
};
type ItemRow = Pick<typeof items.$inferSelect, keyof typeof ITEM_COLUMNS>;

/** A `like` pattern for "contains s", with `!` escaping the wildcards. */
function containing(s: string): string {
  return `%${s.replace(/[!%_]/g, "!$&")}%`;
}

export interface ItemPage {
  /** Items that match the search and filter, on every page. */
  total: number;
  page: number;
  page_size: number;
  items: ItemView[];
}

/** A project's items in import (id) order, one page at a time, with the total that match. */
export function listItems({ ctx, input }: { ctx: Ctx; input: z.input<typeof listInput> }): ItemPage {
  requireScope(ctx, "project:write");
  const data = parseInput(listInput, input);
  const project = ctx.db.select().from(projects).where(eq(projects.slug, data.slug)).get();
  if (!project) throw notFound(`Project "${data.slug}"`);
  const conditions: (SQL | undefined)[] = [eq(items.projectId, project.id)];
  if (data.filter === "gold") conditions.push(isNotNull(items.gold));
  if (data.filter === "priority") conditions.push(ne(items.priority, 0));
  if (data.q) {
    conditions.push(
      or(
        sql`${items.externalId} like ${containing(data.q)} escape '!'`,
        // The prompt column holds JSON text, so look for the query as JSON writes it (quotes and
        // newlines escaped); a raw sql parameter keeps drizzle from JSON-encoding the pattern itself.
        sql`${items.prompt} like ${containing(JSON.stringify(data.q).slice(1, -1))} escape '!'`,
        /^\d{1,15}$/.test(data.q) ? eq(items.id, Number(data.q)) : undefined,
      ),
    );
  }
  const where = and(...conditions);
  const offset = (data.page - 1) * data.page_size;
  // The page's ids come from an index alone; only those rows are then read whole, so a deep page
  // does not sort 100,000 prompts to skip most of them.
  const pageIds = ctx.db.select({ id: items.id }).from(items).where(where).orderBy(asc(items.id)).limit(data.page_size).offset(offset);
  const rows = ctx.db.select(ITEM_COLUMNS).from(items).where(inArray(items.id, pageIds)).orderBy(asc(items.id)).all();
  // A short page ends the list, so it gives the total without a second scan (a search reads every prompt).
  const total = rows.length > 0 && rows.length < data.page_size ? offset + rows.length : countRows(ctx.db, items, where);
  return { total, page: data.page, page_size: data.page_size, items: viewsOf(ctx, rows, baseOverlap(project)) };
}

/** One item as listItems shows it. */
function itemView(ctx: Ctx, id: number): ItemView {
  const row = ctx.db.select({ ...ITEM_COLUMNS, overlap: projects.overlap, minJudgments: projects.minJudgments, maxJudgments: projects.maxJudgments, stopAgreement: projects.stopAgreement }).from(items).innerJoin(projects, eq(projects.id, items.projectId)).where(eq(items.id, id)).get();
  if (!row) throw notFound(`Item ${id}`);
  return viewsOf(ctx, [row], baseOverlap(row))[0];
}

/** `overlap`: what an item without an adaptive target wants (baseOverlap). */
function viewsOf(ctx: Ctx, rows: ItemRow[], overlap: number): ItemView[] {
  if (rows.length === 0) return [];
  const models = new Map<number, (string | null)[]>();
  const cands = ctx.db
    .select({ itemId: candidates.itemId, model: candidates.model })
    .from(candidates)
    .where(inArray(candidates.itemId, rows.map((r) => r.id)))
    .orderBy(asc(candidates.itemId), asc(candidates.position))
    .all();
  for (const c of cands) {
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
export function updateItem({ ctx, input }: { ctx: Ctx; input: Untrusted<z.input<typeof itemInput>> }): ItemView {
  requireScope(ctx, "project:write");
  const data = parseInput(itemInput, input);
  writing(ctx.db, (tx) => {
    const current = tx.select({ gold: items.gold }).from(items).where(eq(items.id, data.itemId)).get();
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
    tx.update(items).set({ priority: data.priority, gold }).where(eq(items.id, data.itemId)).run();
    if (data.priority !== undefined) {
      audit(tx, ctx, { action: "item.priority", targetType: "item", targetId: data.itemId, detail: { priority: data.priority } });
    }
    if (gold !== undefined) {
      audit(tx, ctx, { action: gold ? "item.gold.set" : "item.gold.unset", targetType: "item", targetId: data.itemId, detail: { gold } });
    }
  });
  return itemView(ctx, data.itemId);
}

/** Sets the priority of every item of one import batch. */
export function setBatchPriority({ ctx, input }: { ctx: Ctx; input: z.input<typeof batchPriorityInput> }): { batchId: number; priority: number; items: number } {
  requireScope(ctx, "project:write");
  const data = parseInput(batchPriorityInput, input);
  return writing(ctx.db, (tx) => {
    const batch = tx.select({ id: importBatches.id }).from(importBatches).where(eq(importBatches.id, data.batchId)).get();
    if (!batch) throw notFound(`Import batch ${data.batchId}`);
    const res = tx.update(items).set({ priority: data.priority }).where(eq(items.batchId, data.batchId)).run();
    audit(tx, ctx, { action: "batch.priority", targetType: "import_batch", targetId: data.batchId, detail: { priority: data.priority, items: res.changes } });
    return { ...data, items: res.changes };
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
export function listBatches({ ctx, input }: { ctx: Ctx; input: { slug: string } }): BatchView[] {
  requireScope(ctx, "project:read");
  const project = ctx.db.select({ id: projects.id }).from(projects).where(eq(projects.slug, input.slug)).get();
  if (!project) throw notFound(`Project "${input.slug}"`);
  // Each batch's highest priority is one seek on the (batch_id, priority) index. The outer table is
  // named in full: drizzle writes a single-table query's columns unqualified, and inside the
  // subquery SQLite would read "id" as the items' own.
  return ctx.db
    .select({
      id: importBatches.id,
      source: importBatches.source,
      inserted: importBatches.inserted,
      createdAt: importBatches.createdAt,
      priority: sql<number>`coalesce((select max(i.priority) from items i where i.batch_id = "import_batches"."id"), 0)`,
    })
    .from(importBatches)
    .where(eq(importBatches.projectId, project.id))
    .orderBy(desc(importBatches.id))
    .all()
    .map((b) => ({ id: b.id, source: b.source, inserted: b.inserted, created_at: new Date(b.createdAt).toISOString(), priority: Number(b.priority) }));
}
