// Adaptive overlap on the database (README "Adaptive overlap"): each item of an adaptive project keeps
// the number of judgments it needs in items.judgment_target, recomputed from its verdicts in recorded
// order by the rule of lib/stats/adaptive.ts whenever a judgment on it is recorded, undone or revised,
// and for every item when the project's rule changes. Claiming counts seats against that target, so
// the server never asks past max and never serves an item that stopped. Also the project's figures
// (stats) and the replay of its judgments under another rule (`arbiter simulate`).
import { z } from "zod";
import type { Engine, Snapshot, Statements } from "@/db/engine";
import { CLEAR_TARGETS, ITEM_VOTES, PROJECT_OVERLAP, PROJECT_VOTES, SET_ITEM_TARGET, SET_TARGET } from "@/db/queries/adaptive";
import { adaptiveFiguresTally, judgmentsNeeded, replayTally, type AdaptiveFigures, type AdaptiveRule, type ReplayResult, type VerdictVote } from "@/lib/stats";
import { requireScope, type Ctx } from "./context";
import { notFound, parseInput } from "./errors";

/** A project's overlap settings, as stored. */
export interface OverlapSettings {
  overlap: number;
  minJudgments: number | null;
  maxJudgments: number | null;
  stopAgreement: number | null;
}

/** The project's adaptive rule, or null under a fixed overlap. */
export function adaptiveRule(p: OverlapSettings): AdaptiveRule | null {
  if (p.minJudgments == null || p.maxJudgments == null) return null;
  return { min: p.minJudgments, max: p.maxJudgments, stopAgreement: p.stopAgreement };
}

/**
 * The judgments an item wants, before its extra_overlap, when it has no target of its own: the fixed
 * overlap, or the adaptive rule's min. Every "wanted" figure is coalesce(judgment_target, this) + extra_overlap.
 */
export function baseOverlap(p: OverlapSettings): number {
  return adaptiveRule(p)?.min ?? p.overlap;
}

/** The most judgments any item may be asked for before extra_overlap: the overlap, or the rule's max. */
export function overlapBound(p: OverlapSettings): number {
  return adaptiveRule(p)?.max ?? p.overlap;
}


/** The verdicts of one item's judgments in recorded order. */
export async function itemVotes(db: Statements, itemId: number): Promise<VerdictVote[]> {
  return db.many(ITEM_VOTES, [itemId]);
}

/**
 * Sets a non-gold item's target from its judgments so far, inside the caller's transaction: after a
 * judgment is recorded, undone or revised on an item of an adaptive project.
 */
export async function retargetItem(tx: Statements, rule: AdaptiveRule, itemId: number): Promise<number> {
  const target = judgmentsNeeded(await itemVotes(tx, itemId), rule);
  await tx.exec(SET_ITEM_TARGET, [target, itemId, target]);
  return target;
}

interface ItemVotes {
  id: number;
  gold: boolean;
  extra: number;
  votes: VerdictVote[];
}

/**
 * A project's items with their verdicts in recorded order, one item at a time, streamed from one row
 * per judgment (or one row with no judgment for an item without any), so memory stays flat.
 */
async function* projectItemVotes(view: Pick<Snapshot, "stream">, projectId: number): AsyncGenerator<ItemVotes> {
  let current = null as ItemVotes | null;
  for await (const r of view.stream(PROJECT_VOTES, [projectId])) {
    if (current?.id !== r.itemId) {
      if (current) yield current;
      current = { id: r.itemId, gold: r.gold, extra: r.extra, votes: [] };
    }
    if (r.judgmentId !== null) current.votes.push(r.verdict);
  }
  if (current) yield current;
}

/**
 * Recomputes the target of every item of a project for its (new) rule, inside the caller's write
 * transaction: null everywhere under a fixed overlap; under adaptive overlap each non-gold item's
 * judgmentsNeeded, so an item that already meets the new rule stops and one that does not gets more
 * seats, never above max. Returns how many items changed.
 */
export async function retargetProject(tx: Engine, projectId: number, rule: AdaptiveRule | null): Promise<number> {
  if (!rule) return tx.exec(CLEAR_TARGETS, [projectId]);
  // Targets are gathered first (a stream in the transaction's own view): SQLite writes nothing on a
  // connection while it iterates.
  const targets = await tx.snapshot(async (view) => {
    const out: [number, number | null][] = [];
    for await (const item of projectItemVotes(view, projectId)) out.push([item.id, item.gold ? null : judgmentsNeeded(item.votes, rule)]);
    return out;
  });
  let changed = 0;
  for (const [id, target] of targets) changed += await tx.exec(SET_TARGET, [target, id, target]);
  return changed;
}

/** The dashboard's adaptive-overlap figures of a project, or null under a fixed overlap (read in the caller's snapshot). */
export async function adaptiveFiguresOf(view: Pick<Snapshot, "stream">, projectId: number, settings: OverlapSettings): Promise<AdaptiveFigures | null> {
  const rule = adaptiveRule(settings);
  if (!rule) return null;
  const tally = adaptiveFiguresTally(rule);
  for await (const item of projectItemVotes(view, projectId)) if (!item.gold) tally.add(item);
  return tally.result();
}

const simulateInput = z
  .object({
    slug: z.string().trim().min(1, "required: the project's slug"),
    min: z.coerce.number({ message: "required: a whole number from 1 to 20" }).int("must be a whole number").min(1, "must be between 1 and 20").max(20, "must be between 1 and 20"),
    max: z.coerce.number({ message: "required: a whole number from 1 to 20" }).int("must be a whole number").min(1, "must be between 1 and 20").max(20, "must be between 1 and 20"),
    threshold: z.coerce.number({ message: "must be a number above 0.5 and at most 1" }).gt(0.5, "must be above 0.5 and at most 1").max(1, "must be above 0.5 and at most 1").nullable().default(null),
  })
  .refine((r) => r.min <= r.max, { message: "must be at least min", path: ["max"] });
export type SimulateInput = z.input<typeof simulateInput>;

/**
 * Replays a project's judgments under an adaptive rule (managers): each non-gold item's judgments in
 * recorded order (created_at, id), stopping where the rule would have; see ReplayResult.
 */
export async function simulateOverlap({ ctx, input }: { ctx: Ctx; input: SimulateInput }): Promise<ReplayResult & { rule: AdaptiveRule }> {
  requireScope(ctx, "project:read");
  const data = parseInput(simulateInput, input);
  const rule: AdaptiveRule = { min: data.min, max: data.max, stopAgreement: data.threshold };
  return ctx.db.snapshot(async (view) => {
    const project = await view.first(PROJECT_OVERLAP, [data.slug]);
    if (!project) throw notFound(`Project "${data.slug}"`);
    const tally = replayTally(rule);
    for await (const item of projectItemVotes(view, project.id)) if (!item.gold) tally.add(item.votes);
    return { ...tally.result(), rule };
  });
}
