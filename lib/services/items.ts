// Curating items after import: raising an item's or an import batch's priority, and setting or
// clearing an item's gold answer (admins).
import { and, desc, eq, sql } from "drizzle-orm";
import { z } from "zod";
import { CHOICES, importBatches, items, projects } from "@/db/schema";
import { audit } from "./audit";
import { requireScope, type Ctx } from "./context";
import { notFound, parseInput } from "./errors";

const priority = z.coerce.number().int("must be a whole number").min(-1_000_000).max(1_000_000);

const itemPriorityInput = z.object({ itemId: z.coerce.number().int().positive(), priority });
const batchPriorityInput = z.object({ batchId: z.coerce.number().int().positive(), priority });
const goldInput = z.object({
  itemId: z.coerce.number().int().positive(),
  /** In candidate-position terms (A = the item's first candidate); null clears the gold answer. */
  choice: z.enum(CHOICES, { message: `must be one of ${CHOICES.join(", ")} (or none to clear)` }).nullable(),
});

/** Sets an item's priority: higher is served first, whatever the project's order policy. */
export function setItemPriority({ ctx, input }: { ctx: Ctx; input: z.input<typeof itemPriorityInput> }): { itemId: number; priority: number } {
  requireScope(ctx, "project:write");
  const data = parseInput(itemPriorityInput, input);
  return ctx.db.transaction((tx) => {
    const res = tx.update(items).set({ priority: data.priority }).where(eq(items.id, data.itemId)).run();
    if (!res.changes) throw notFound(`Item ${data.itemId}`);
    audit(tx, ctx, { action: "item.priority", targetType: "item", targetId: data.itemId, detail: { priority: data.priority } });
    return data;
  });
}

/** Sets the priority of every item of one import batch. */
export function setBatchPriority({ ctx, input }: { ctx: Ctx; input: z.input<typeof batchPriorityInput> }): { batchId: number; priority: number; items: number } {
  requireScope(ctx, "project:write");
  const data = parseInput(batchPriorityInput, input);
  return ctx.db.transaction((tx) => {
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
  return ctx.db
    .select({
      id: importBatches.id,
      source: importBatches.source,
      inserted: importBatches.inserted,
      createdAt: importBatches.createdAt,
      priority: sql<number>`coalesce((select max(${items.priority}) from ${items} where ${items.batchId} = ${importBatches.id}), 0)`,
    })
    .from(importBatches)
    .where(eq(importBatches.projectId, project.id))
    .orderBy(desc(importBatches.id))
    .all()
    .map((b) => ({ id: b.id, source: b.source, inserted: b.inserted, created_at: new Date(b.createdAt).toISOString(), priority: Number(b.priority) }));
}

/** Marks an item as a gold item with a known answer, or (choice null) makes it an ordinary item again. */
export function setItemGold({ ctx, input }: { ctx: Ctx; input: z.input<typeof goldInput> }): { itemId: number; gold: { choice: string } | null } {
  requireScope(ctx, "project:write");
  const data = parseInput(goldInput, input);
  const gold = data.choice ? { choice: data.choice } : null;
  return ctx.db.transaction((tx) => {
    const res = tx.update(items).set({ gold }).where(and(eq(items.id, data.itemId))).run();
    if (!res.changes) throw notFound(`Item ${data.itemId}`);
    audit(tx, ctx, { action: gold ? "item.gold.set" : "item.gold.unset", targetType: "item", targetId: data.itemId, detail: { gold } });
    return { itemId: data.itemId, gold };
  });
}
