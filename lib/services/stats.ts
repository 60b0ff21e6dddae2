// Project statistics for managers: reads the project's rows in one snapshot, hands them to the pure
// tally (lib/stats/tally.ts: one pass, every figure), and keeps the result per project version, so
// every dashboard widget, `arbiter stats` and the API render from one computation.
import { z } from "zod";
import { jsonText } from "@/db/engine";
import { PROJECT_BY_SLUG } from "@/db/queries/projects";
import {
  STATS_ANNOTATORS,
  STATS_CANDIDATES,
  STATS_CANDIDATES_WITH_METADATA,
  STATS_CONTENDER_CANDIDATES,
  STATS_GENERATED,
  STATS_ITEM_METADATA,
  STATS_ITEM_METADATA_KEYS,
  STATS_ITEMS,
  STATS_JUDGMENTS,
  STATS_METADATA_KEYS,
  STATS_VERSION,
} from "@/db/queries/stats";
import { AI_JUDGMENTS_OF_PROJECT, AI_JUDGMENTS_VERSION, type AiJudgmentRow } from "@/db/queries/judges";
import { ContenderTally, ProjectTally, type JudgeStatsRow, type PairwiseJudgment, type ProjectStats } from "@/lib/stats";
import { itemSliceValue, judgeAgreement, type JudgeAgreement, type JudgeRun } from "@/lib/stats/judges";
import { nowOf, requireScope, type Ctx } from "./context";
import { notFound, parseInput } from "./errors";
import { adaptiveFiguresOf, adaptiveRule, baseOverlap } from "./adaptive";
import { parseJudgeAnswer } from "./judges";

export const statsInput = z.object({
  slug: z.string().min(1),
  /** Candidate metadata key to break win rates down by (or "model"). */
  by: z
    .string()
    .trim()
    .min(1)
    .max(100)
    .regex(/^[A-Za-z0-9_.:-]+$/, "must be a metadata key (letters, digits, _ . : -)")
    .optional(),
  rounds: z.coerce.number().int().min(0).max(2000).default(100),
  seed: z.coerce.number().int().min(0).max(2 ** 32 - 1).default(1),
});
export type StatsInput = z.input<typeof statsInput>;

const CACHE_SIZE = 16;

/** Items whose candidates' metadata keys are listed (the breakdown's choices). */
const METADATA_SAMPLE = 500;

/** Rows fetched at a time from a large result (PostgreSQL's cursor; SQLite reads row by row). */
const STREAM_BATCH = 5000;

/**
 * Results by project version (STATS_VERSION, read in the same snapshot as the rows) and options:
 * the version is read from the database, so a judgment, import or audited change made by another
 * instance on the same database is seen as surely as one made here.
 */
const cache = new Map<string, ProjectStats>();

/** Statistics of one project (managers and admins); see README "Project statistics" for the JSON. */
export async function projectStats({ ctx, input }: { ctx: Ctx; input: StatsInput }): Promise<ProjectStats> {
  requireScope(ctx, "project:read");
  const options = parseInput(statsInput, input);
  // One snapshot: every statement sees the same state, even while annotators keep judging, so the
  // figures agree with each other (and are the same on every engine for the same data).
  return ctx.db.snapshot(async (view) => {
    const project = await view.first(PROJECT_BY_SLUG, [options.slug]);
    if (!project) throw notFound(`Project "${options.slug}"`);
    const p = project.id;
    const version = await view.first(STATS_VERSION, [p, p, p, p, p]);
    const aiVersion = await view.first(AI_JUDGMENTS_VERSION, [p]);
    const by = options.by ?? null;
    const key = JSON.stringify([ctx.db.location, p, project.overlap, adaptiveRule(project), version, aiVersion, by, options.rounds, options.seed]);
    const hit = cache.get(key);
    if (hit) {
      // Refresh its place in the LRU order.
      cache.delete(key);
      cache.set(key, hit);
      return hit;
    }
    const now = nowOf(ctx);
    const items = await view.many(STATS_ITEMS, [baseOverlap(project), p]);
    const annotators = await view.many(STATS_ANNOTATORS, [p]);
    // The keys of the first items' candidates name what a breakdown can use; sorted here rather than
    // in SQL: the engines' collations differ, code-unit order does not.
    const sampled = jsonText(items.slice(0, METADATA_SAMPLE).map((i) => i.id));
    const keys = (await view.many(STATS_METADATA_KEYS, [sampled])).filter((k) => k !== "model").sort();
    const itemKeys = (await view.many(STATS_ITEM_METADATA_KEYS, [sampled])).sort();
    const tally = new ProjectTally(items, annotators, { by, rounds: options.rounds, seed: options.seed, now });
    // With `by` and AI verdicts: each item's candidates' values of the key, for slicing judge vs humans.
    const sliceByCandidates = by !== null && aiVersion!.n > 0 ? new Map<number, unknown[]>() : null;
    for await (const c of view.stream(by !== null ? STATS_CANDIDATES_WITH_METADATA : STATS_CANDIDATES, [p], STREAM_BATCH)) {
      tally.candidate(c);
      if (sliceByCandidates && c.position <= 1) {
        let values = sliceByCandidates.get(c.item);
        if (!values) sliceByCandidates.set(c.item, (values = []));
        values[c.position] = by === "model" && !(c.metadata && "model" in c.metadata) ? c.model : c.metadata?.[by!];
      }
    }
    // Generated responses carry `contender` in their metadata; the sampled keys and the project's
    // generation runs spare projects of imported responses a scan of every candidate's metadata (a
    // run's items may come after the sampled ones, behind hundreds of imported items).
    const contenders = keys.includes("contender") || (await view.first(STATS_GENERATED, [p]))! ? new ContenderTally() : null;
    if (contenders) for await (const c of view.stream(STATS_CONTENDER_CANDIDATES, [p], STREAM_BATCH)) contenders.candidate(c);
    // Human pairwise verdicts are kept for "judge vs humans" only when some judge has verdicts here.
    const humans: PairwiseJudgment[] | null = aiVersion!.n > 0 ? [] : null;
    for await (const j of view.stream(STATS_JUDGMENTS, [p], STREAM_BATCH)) {
      tally.judgment(j);
      contenders?.judgment(j);
      if (humans && j.type === "pairwise" && j.verdict !== null) humans.push({ item: String(j.item), annotator: String(j.annotator), verdict: j.verdict });
    }
    let slice: Map<string, string | null> | undefined;
    if (sliceByCandidates) {
      const own = new Map<number, unknown>();
      for await (const i of view.stream(STATS_ITEM_METADATA, [p], STREAM_BATCH)) own.set(i.id, i.metadata[by!]);
      slice = new Map();
      for (const item of items) slice.set(String(item.id), itemSliceValue(own.get(item.id), sliceByCandidates.get(item.id) ?? []));
    }
    const judges = humans ? judgeRows(humans, await view.many(AI_JUDGMENTS_OF_PROJECT, [p]), options, slice) : undefined;
    const { progress, ...rest } = tally.figures();
    const result: ProjectStats = {
      project: { slug: project.slug, name: project.name, overlap: project.overlap },
      adaptive: await adaptiveFiguresOf(view, p, project),
      generated_at: new Date(now).toISOString(),
      options: { by, rounds: options.rounds, seed: options.seed },
      ...rest,
      contenders: contenders?.rows({ rounds: options.rounds, seed: options.seed }) ?? [],
      ...(judges ? { judges } : {}),
      metadata_keys: ["model", ...keys],
      item_metadata_keys: itemKeys,
      progress,
    };
    cache.set(key, result);
    while (cache.size > CACHE_SIZE) cache.delete(cache.keys().next().value!);
    return result;
  });
}

/** Each judge against the human majority: its stored answers, read again as the two runs they were (lib/stats/judges.ts). */
function judgeRows(humans: PairwiseJudgment[], stored: AiJudgmentRow[], options: { rounds: number; seed: number }, slice?: ReadonlyMap<string, string | null>): JudgeStatsRow[] {
  const runs: JudgeRun[] = [];
  for (const s of stored) {
    for (const [swapped, answer] of [[false, s.answerStraight], [true, s.answerSwapped]] as const) {
      const choice = parseJudgeAnswer(answer);
      // Only answers holding a verdict are stored; one that does not is a corrupted row.
      if (choice === null) throw new Error(`ai_judgments: judge ${s.judge}, item ${s.item}: the stored ${swapped ? "swapped" : "straight"} answer holds no verdict`);
      runs.push({ judge: s.judge, item: String(s.item), swapped, choice });
    }
  }
  const figures = (r: JudgeAgreement) => ({
    n: r.n,
    kappa: r.kappa,
    kappa_ci_low: r.kappa_ci_low,
    kappa_ci_high: r.kappa_ci_high,
    accuracy: r.accuracy,
    accuracy_ci_low: r.accuracy_ci_low,
    accuracy_ci_high: r.accuracy_ci_high,
    position_consistency: r.position_consistency,
  });
  return judgeAgreement(humans, runs, { rounds: options.rounds, seed: options.seed, slice }).map((r) => ({
    name: r.name,
    ...figures(r),
    ...(r.slices ? { slices: r.slices.map((s) => ({ value: s.value, ...figures(s) })) } : {}),
  }));
}

/** Forgets cached results (tests and benchmarks measure the computation itself). */
export function clearStatsCache(): void {
  cache.clear();
}
