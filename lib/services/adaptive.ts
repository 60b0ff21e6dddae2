// Adaptive overlap on the database (README "Adaptive overlap"): each item of an adaptive project keeps
// the number of judgments it needs in items.judgment_target, recomputed from its verdicts in recorded
// order by the rule of lib/stats/adaptive.ts whenever a judgment on it is recorded, undone or revised,
// and for every item when the project's rule changes. Claiming counts seats against that target, so
// the server never asks past max and never serves an item that stopped. Also the project's figures
// (stats) and the replay of its judgments under another rule (`arbiter simulate`).
import type Database from "better-sqlite3";
import { z } from "zod";
import { adaptiveFigures, judgmentsNeeded, replayOverlap, type AdaptiveFigures, type AdaptiveRule, type ReplayResult, type VerdictVote } from "@/lib/stats";
import { requireScope, type Ctx } from "./context";
import { notFound, parseInput } from "./errors";
import { connectionOf, prepared } from "./statements";
import { VERDICT_JOIN_SQL, VERDICT_SQL } from "./verdict-sql";

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

// An item's verdicts in recorded order (the judgments_item_user_idx range of the item).
const ITEM_VOTES_SQL = `select ${VERDICT_SQL} from judgments j ${VERDICT_JOIN_SQL} where j.item_id = ? order by j.created_at, j.id`;

/** The verdicts of one item's judgments in recorded order. */
export function itemVotes(db: unknown, itemId: number): VerdictVote[] {
  return prepared(db, ITEM_VOTES_SQL, "pluck").all(itemId) as VerdictVote[];
}

/**
 * Sets a non-gold item's target from its judgments so far, inside the caller's transaction: after a
 * judgment is recorded, undone or revised on an item of an adaptive project.
 */
export function retargetItem(db: unknown, rule: AdaptiveRule, itemId: number): number {
  const target = judgmentsNeeded(itemVotes(db, itemId), rule);
  prepared(db, `update items set judgment_target = ? where id = ? and gold is null and judgment_target is not ?`).run(target, itemId, target);
  return target;
}

// Every item of a project with its verdicts in recorded order: one row per judgment, or one row with
// a null judgment id for an item without judgments.
const PROJECT_VOTES_SQL = `select i.id, i.gold is not null, i.extra_overlap, j.id, ${VERDICT_SQL}
  from items i left join judgments j on j.item_id = i.id ${VERDICT_JOIN_SQL}
  where i.project_id = ? order by i.id, j.created_at, j.id`;
type VoteTuple = [item: number, gold: number, extra: number, judgment: number | null, verdict: VerdictVote];

interface ItemVotes {
  id: number;
  gold: boolean;
  extra: number;
  votes: VerdictVote[];
}

/** A project's items with their verdicts in recorded order, one item at a time. */
function* projectItemVotes(db: Database.Database, projectId: number): Generator<ItemVotes> {
  let current = null as ItemVotes | null;
  for (const r of prepared(db, PROJECT_VOTES_SQL, "raw").iterate(projectId) as IterableIterator<VoteTuple>) {
    if (current?.id !== r[0]) {
      if (current) yield current;
      current = { id: r[0], gold: r[1] === 1, extra: r[2], votes: [] };
    }
    if (r[3] !== null) current.votes.push(r[4]);
  }
  if (current) yield current;
}

/**
 * Recomputes the target of every item of a project for its (new) rule, inside the caller's
 * transaction: null everywhere under a fixed overlap; under adaptive overlap each non-gold item's
 * judgmentsNeeded, so an item that already meets the new rule stops and one that does not gets more
 * seats, never above max. Returns how many items changed.
 */
export function retargetProject(db: unknown, projectId: number, rule: AdaptiveRule | null): number {
  const client = connectionOf(db);
  if (!rule) return prepared(client, `update items set judgment_target = null where project_id = ? and judgment_target is not null`).run(projectId).changes;
  // Targets are gathered first: a connection writes nothing while it iterates.
  const targets: [number, number | null][] = [];
  for (const item of projectItemVotes(client, projectId)) targets.push([item.id, item.gold ? null : judgmentsNeeded(item.votes, rule)]);
  const set = prepared(client, `update items set judgment_target = ? where id = ? and judgment_target is not ?`);
  let changed = 0;
  for (const [id, target] of targets) changed += set.run(target, id, target).changes;
  return changed;
}

const PROJECT_SQL = `select id, overlap, min_judgments as minJudgments, max_judgments as maxJudgments, stop_agreement as stopAgreement from projects where slug = ?`;
type ProjectRow = OverlapSettings & { id: number };

function projectRow(db: Database.Database, slug: string): ProjectRow {
  const row = prepared(db, PROJECT_SQL).get(slug) as ProjectRow | undefined;
  if (!row) throw notFound(`Project "${slug}"`);
  return row;
}

/** The dashboard's adaptive-overlap figures of a project, or null under a fixed overlap (read inside the caller's read transaction). */
export function adaptiveFiguresOf(db: unknown, projectId: number, settings: OverlapSettings): AdaptiveFigures | null {
  const rule = adaptiveRule(settings);
  if (!rule) return null;
  const regular = function* () {
    for (const item of projectItemVotes(connectionOf(db), projectId)) if (!item.gold) yield item;
  };
  return adaptiveFigures(regular(), rule);
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
export function simulateOverlap({ ctx, input }: { ctx: Ctx; input: SimulateInput }): ReplayResult & { rule: AdaptiveRule } {
  requireScope(ctx, "project:read");
  const data = parseInput(simulateInput, input);
  const db = ctx.db.$client;
  const rule: AdaptiveRule = { min: data.min, max: data.max, stopAgreement: data.threshold };
  return db.transaction(() => {
    const project = projectRow(db, data.slug);
    const regular = function* () {
      for (const item of projectItemVotes(db, project.id)) if (!item.gold) yield item.votes;
    };
    return { ...replayOverlap(regular(), rule), rule };
  })();
}
