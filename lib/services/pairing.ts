// Adaptive serving (README "Adaptive pairing"): under a project's adaptive contender pairing, the
// priority of each open generated item follows its contender pair's weight (pairWeights over the
// project's human judgments, lib/stats/adaptive-pairs.ts) in a few levels, so the claim, which serves
// higher priorities first, serves the pairs the leaderboard has not yet told apart first. The claim
// itself is untouched: this only sets priorities. Recomputed when a generation makes items, when the
// setting is turned on, every so many judgments a process records (after their transaction commits)
// and on demand (`arbiter item reprioritise`). A recompute sets priorities from the judgments as they
// are, so two instances recomputing at once agree; within one process one runs per project at a time.
import { z } from "zod";
import type { Db } from "@/db/client";
import { jsonText } from "@/db/engine";
import { MOVE_PRIORITY, PAIRING_ITEMS, PAIRING_PROJECT, RESET_PAIRING_PRIORITIES } from "@/db/queries/pairing";
import { PROJECT_BY_SLUG } from "@/db/queries/projects";
import { STATS_CONTENDER_CANDIDATES, STATS_JUDGMENTS } from "@/db/queries/stats";
import { pairKey, pairLevels, pairWeights } from "@/lib/stats/adaptive-pairs";
import { contenderName, ContenderTally } from "@/lib/stats/contenders";
import { baseOverlap } from "./adaptive";
import { audit } from "./audit";
import { requireScope, type Ctx } from "./context";
import { AppError, notFound, parseInput } from "./errors";

/**
 * The priorities adaptive serving owns: 0 (pairs told apart, and items with no seat left) to this
 * (the least decided pair). An item whose priority an admin set outside 0…PAIRING_LEVELS is left alone.
 */
export const PAIRING_LEVELS = 4;

/**
 * Judgments a process records in a project before it recomputes: max(20, 5% of the project's
 * judgments so far). Often while the leaderboard is young and moves fast, rarely once it is settled,
 * and reading the judgments again costs about 20 rows per judgment recorded, whatever the project's
 * size (the replay in test/bench/pairing.bench.ts compares this with fixed intervals).
 */
export function judgmentsBetween(judgments: number): number {
  return Math.max(20, Math.ceil(judgments * 0.05));
}

/** What set the priorities: a generation's new items, the setting turned on, judgments, or a person. */
export type ReprioritiseTrigger = "generation" | "setting" | "judgments" | "manual";

export interface ReprioritiseSummary {
  project: string;
  /** Open generated items (non-gold, a seat left) whose priority adaptive serving sets. */
  open_items: number;
  /** Items whose priority this recompute changed (open ones to their level, finished ones back to 0). */
  changed: number;
  /** Generated items left alone because their priority is outside 0…PAIRING_LEVELS (set by an admin). */
  pinned: number;
  /** Open items at each level (only levels with items). */
  levels: Record<string, number>;
  /** Each contender pair with open items: its share of the next comparisons and its level, highest first. */
  pairs: { a: string; b: string; weight: number; level: number; open_items: number }[];
}

/** Ids per statement when moving priorities (a JSON array parameter). */
const MOVE_BATCH = 5_000;

/**
 * Sets the priorities of the project's generated items from its judgments now: read in one snapshot,
 * computed, written in one transaction. Null when the project does not pair adaptively (any more).
 */
async function recompute(ctx: Ctx, slug: string, trigger: ReprioritiseTrigger): Promise<ReprioritiseSummary | null> {
  const tally = new ContenderTally();
  const read = await ctx.db.snapshot(async (view) => {
    const project = await view.first(PROJECT_BY_SLUG, [slug]);
    if (!project || project.contenderPairing !== "adaptive") return null;
    for await (const c of view.stream(STATS_CONTENDER_CANDIDATES, [project.id])) tally.candidate(c);
    for await (const j of view.stream(STATS_JUDGMENTS, [project.id])) tally.judgment(j);
    return { project, items: await view.many(PAIRING_ITEMS, [baseOverlap(project), project.id]) };
  });
  if (!read) return null;
  const { project, items } = read;

  const pairOfItem = new Map<number, string>();
  const contenders = new Set<string>();
  for (const [item, a, b] of tally.itemPairs()) {
    const [nameA, nameB] = [contenderName(a), contenderName(b)];
    contenders.add(nameA).add(nameB);
    if (nameA !== nameB) pairOfItem.set(item, pairKey(nameA, nameB));
  }
  const weights = pairWeights([...contenders], tally.pairTallies(contenderName));
  const owned = (priority: number) => Number.isInteger(priority) && priority >= 0 && priority <= PAIRING_LEVELS;
  const openByPair = new Map<string, number>();
  for (const item of items) {
    const pair = pairOfItem.get(item.id);
    if (item.open && owned(item.priority) && pair !== undefined) openByPair.set(pair, (openByPair.get(pair) ?? 0) + 1);
  }
  // Levels among the pairs that still have items to serve: the least decided of them is served first.
  const serving = weights.filter((w) => openByPair.has(pairKey(w.a, w.b)));
  const levelOf = pairLevels(serving, PAIRING_LEVELS);

  // Moves grouped by (from, to): at most (levels + 1)² statements whatever the number of items.
  const moves = new Map<string, { from: number; to: number; ids: number[] }>();
  const levels: Record<string, number> = {};
  let open = 0;
  let pinned = 0;
  for (const item of items) {
    const pair = pairOfItem.get(item.id);
    if (pair === undefined) continue;
    if (!owned(item.priority)) {
      pinned++;
      continue;
    }
    const to = item.open ? (levelOf.get(pair) ?? 0) : 0;
    if (item.open) {
      open++;
      levels[to] = (levels[to] ?? 0) + 1;
    }
    if (to === item.priority) continue;
    const key = `${item.priority}>${to}`;
    let move = moves.get(key);
    if (!move) moves.set(key, (move = { from: item.priority, to, ids: [] }));
    move.ids.push(item.id);
  }

  const changed = moves.size === 0 && trigger !== "manual" ? 0 : await ctx.db.write(async (tx) => {
    let n = 0;
    for (const { from, to, ids } of moves.values()) {
      for (let i = 0; i < ids.length; i += MOVE_BATCH) n += await tx.exec(MOVE_PRIORITY, [to, project.id, from, jsonText(ids.slice(i, i + MOVE_BATCH))]);
    }
    await audit(tx, ctx, { action: "items.reprioritise", targetType: "project", targetId: project.id, projectId: project.id, detail: { trigger, changed: n, levels } });
    return n;
  });
  const pairs = serving
    .map((w) => ({ a: w.a, b: w.b, weight: w.weight, level: levelOf.get(pairKey(w.a, w.b))!, open_items: openByPair.get(pairKey(w.a, w.b))! }))
    .sort((x, y) => y.level - x.level || y.weight - x.weight);
  return { project: project.slug, open_items: open, changed, pinned, levels, pairs };
}

// One recompute per project at a time in this process; a request while one runs makes it run once
// more afterwards (the judgments it read may be stale), and both requests get that last result.
interface Flight {
  again: ReprioritiseTrigger | null;
  done: Promise<ReprioritiseSummary | null>;
}
const flights = new WeakMap<Db, Map<string, Flight>>();

/** Recomputes the project's priorities (see recompute), or joins the recompute under way. */
export function requestReprioritise(ctx: Ctx, slug: string, trigger: ReprioritiseTrigger): Promise<ReprioritiseSummary | null> {
  let byProject = flights.get(ctx.db);
  if (!byProject) flights.set(ctx.db, (byProject = new Map()));
  const running = byProject.get(slug);
  if (running) {
    running.again = trigger;
    return running.done;
  }
  const flight: Flight = { again: trigger, done: Promise.resolve(null) };
  flight.done = (async () => {
    try {
      let result: ReprioritiseSummary | null = null;
      while (flight.again) {
        const next = flight.again;
        flight.again = null;
        result = await recompute(ctx, slug, next);
      }
      return result;
    } finally {
      byProject.delete(slug);
    }
  })();
  byProject.set(slug, flight);
  return flight.done;
}

/**
 * `arbiter item reprioritise`: sets the priorities of a project's generated items from its judgments
 * now, and says which pairs are served first. Refused unless the project pairs contenders adaptively.
 */
export async function reprioritiseItems({ ctx, input }: { ctx: Ctx; input: { slug?: unknown } }): Promise<ReprioritiseSummary> {
  requireScope(ctx, "project:write");
  const { slug } = parseInput(z.object({ slug: z.string().trim().min(1, "must name a project") }), input);
  const project = await ctx.db.first(PROJECT_BY_SLUG, [slug]);
  if (!project) throw notFound(`Project "${slug}"`);
  const summary = project.contenderPairing === "adaptive" ? await requestReprioritise(ctx, slug, "manual") : null;
  if (!summary) {
    throw new AppError("conflict", `Project "${slug}" pairs contenders uniformly: its items keep the priorities they have. Turn adaptive pairing on with \`arbiter project set --project ${slug} --contender-pairing adaptive\`.`);
  }
  return summary;
}

/** Back to priority 0 for the generated items in the levels adaptive serving owned, in the caller's transaction (the setting turned off). */
export async function resetPairingPriorities(tx: Pick<Db, "exec">, projectId: number): Promise<number> {
  return tx.exec(RESET_PAIRING_PRIORITIES, [projectId, PAIRING_LEVELS]);
}

// Judgments recorded by this process per project since its last look, and how many make the next look.
const judged = new WeakMap<Db, Map<number, { count: number; every: number }>>();
const background = new WeakMap<Db, Set<Promise<void>>>();

/**
 * Counts a judgment recorded (its transaction committed) in a project; every judgmentsBetween(the
 * project's judgments) of them, reads the project's setting and, under adaptive pairing, recomputes
 * its priorities in the background. Never throws and never delays the judgment: a failure is logged, and the next count retries.
 */
export function noteJudgment(ctx: Ctx, projectId: number): void {
  let byProject = judged.get(ctx.db);
  if (!byProject) judged.set(ctx.db, (byProject = new Map()));
  let seen = byProject.get(projectId);
  if (!seen) byProject.set(projectId, (seen = { count: 0, every: judgmentsBetween(0) }));
  if (++seen.count < seen.every) return;
  seen.count = 0;
  const system: Ctx = { db: ctx.db, caller: null, now: ctx.now };
  const work = (async () => {
    const project = await ctx.db.first(PAIRING_PROJECT, [projectId]);
    if (!project) return;
    seen.every = judgmentsBetween(project.judgments);
    if (project.contenderPairing === "adaptive") await requestReprioritise(system, project.slug, "judgments");
  })().catch((error: unknown) => {
    console.error(`adaptive serving: recomputing priorities of project ${projectId} failed:`, error instanceof Error ? error.message : error);
  });
  let pending = background.get(ctx.db);
  if (!pending) background.set(ctx.db, (pending = new Set()));
  pending.add(work);
  void work.finally(() => pending.delete(work));
}

/** Resolves once the recomputes judgments started on this database have finished (tests, shutdown). */
export async function pairingSettled(db: Db): Promise<void> {
  const pending = background.get(db);
  while (pending?.size) await Promise.all([...pending]);
}
