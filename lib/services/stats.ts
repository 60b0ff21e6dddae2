// Project statistics for managers: reads the project's rows in one read transaction, hands them to
// the pure tally (lib/stats/tally.ts: one pass, every figure), and keeps the result per project
// state, so every dashboard widget, `arbiter stats` and the API render from one computation.
import type Database from "better-sqlite3";
import { z } from "zod";
import type { StoredJudgment } from "@/lib/formats/judgment";
import type { Choice } from "@/lib/formats/record";
import type { Verdict } from "@/lib/formats/verdict";
import { projectFigures, type ProjectStats, type TallyAnnotator, type TallyCandidate, type TallyItem, type TallyJudgment } from "@/lib/stats";
import { nowOf, requireScope, type Ctx } from "./context";
import { prepared } from "./statements";
import { notFound, parseInput } from "./errors";
import { GOLD_VERDICT_SQL, VERDICT_JOIN_SQL, VERDICT_SQL } from "./verdict-sql";
import { adaptiveRule, baseOverlap } from "./adaptive";
import { adaptiveFiguresOf } from "./legacy-sync";

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


interface ProjectRow {
  id: number;
  slug: string;
  name: string;
  overlap: number;
  minJudgments: number | null;
  maxJudgments: number | null;
  stopAgreement: number | null;
}
const PROJECT_SQL = `select id, slug, name, overlap, min_judgments as minJudgments, max_judgments as maxJudgments, stop_agreement as stopAgreement
  from projects where slug = ?`;

/** What the cache key watches: any judgment, revision, item or send-back changes it. */
const STATE_SQL = `select
  (select count(*) from judgments where project_id = @p) as judgments,
  (select max(id) from judgments where project_id = @p) as maxJudgment,
  (select max(id) from judgment_revisions) as maxRevision,
  (select count(*) from items where project_id = @p) as items,
  (select max(id) from items where project_id = @p) as maxItem,
  (select coalesce(sum(extra_overlap), 0) from items where project_id = @p) as extraOverlap`;

// Rows are read as tuples (better-sqlite3 builds a tuple much faster than an object with named keys)
// and decoded into the tally's row types right below each statement: no position is read elsewhere.

/** TallyItem rows, in id order. */
// @overlap: what an item without an adaptive target wants (baseOverlap).
const ITEMS_SQL = `select i.id, i.judgment_count, coalesce(i.judgment_target, @overlap) + i.extra_overlap, ${GOLD_VERDICT_SQL}
  from items i where i.project_id = @p order by i.id`;
type ItemTuple = [id: number, judgments: number, wanted: number, gold: Verdict | null];
function* itemRows(db: Database.Database, project: ProjectRow): Generator<TallyItem> {
  for (const r of prepared(db, ITEMS_SQL, "raw").iterate({ p: project.id, overlap: baseOverlap(project) }) as IterableIterator<ItemTuple>) {
    yield { id: r[0], judgments: r[1], wanted: r[2], gold: r[3] };
  }
}

/** TallyCandidate rows; metadata (JSON) only for a breakdown. */
const CANDIDATES_SQL = `select c.item_id, c.position, c.model, null from candidates c join items i on i.id = c.item_id where i.project_id = ?`;
const CANDIDATES_META_SQL = `select c.item_id, c.position, c.model, c.metadata from candidates c join items i on i.id = c.item_id where i.project_id = ?`;
type CandidateTuple = [item: number, position: number, model: string | null, metadata: string | null];
function* candidateRows(db: Database.Database, projectId: number, withMetadata: boolean): Generator<TallyCandidate> {
  for (const r of prepared(db, withMetadata ? CANDIDATES_META_SQL : CANDIDATES_SQL, "raw").iterate(projectId) as IterableIterator<CandidateTuple>) {
    yield { item: r[0], position: r[1], model: r[2], metadata: r[3] === null ? null : (JSON.parse(r[3]) as Record<string, unknown>) };
  }
}

const ANNOTATORS_SQL = `select id, email, name, external from users where id in (select distinct user_id from judgments where project_id = ?)`;
function annotatorRows(db: Database.Database, projectId: number): TallyAnnotator[] {
  return (prepared(db, ANNOTATORS_SQL).all(projectId) as (Omit<TallyAnnotator, "external"> & { external: number })[]).map((u) => ({ ...u, external: Boolean(u.external) }));
}

// Ordered by item (the (project_id, item_id) index gives this order without sorting), so the
// judgments of an item arrive together. Payloads are read only where ratings or rankings may be.
const JUDGMENTS_SQL = `select j.item_id, j.user_id, j.type, j.choice, ${VERDICT_SQL}, j.duration_ms, j.source = 'app', j.created_at,
  json_extract(j.payload, '$.flags'), case when j.type <> 'pairwise' or instr(j.payload, '"ratings"') > 0 then j.payload end
  from judgments j ${VERDICT_JOIN_SQL} where j.project_id = ? order by j.item_id, j.id`;
type JudgmentTuple = [
  item: number,
  annotator: number,
  type: string,
  choice: Choice | null,
  verdict: Verdict | null,
  durationMs: number | null,
  fromApp: number,
  createdAt: number,
  flags: string | null,
  payload: string | null,
];
function* judgmentRows(db: Database.Database, projectId: number): Generator<TallyJudgment> {
  for (const r of prepared(db, JUDGMENTS_SQL, "raw").iterate(projectId) as IterableIterator<JudgmentTuple>) {
    const payload = r[9] === null ? null : (JSON.parse(r[9]) as StoredJudgment);
    yield {
      item: r[0],
      annotator: r[1],
      type: r[2],
      choice: r[3],
      verdict: r[4],
      durationMs: r[5],
      fromApp: r[6] === 1,
      createdAt: r[7],
      flags: r[8] === null ? null : Object.values(JSON.parse(r[8]) as Record<string, string[]>).flat(),
      ratings: payload?.ratings ?? null,
      ranking: payload?.type === "ranking" ? (payload.ranking ?? null) : null,
    };
  }
}

const KEYS_SQL = `select distinct k.key from (select c.metadata from candidates c join items i on i.id = c.item_id
  where i.project_id = ? and c.metadata is not null limit 1000) m, json_each(m.metadata) k order by k.key`;

const cache = new Map<string, ProjectStats>();

/** Statistics of one project (managers and admins); see README "Project statistics" for the JSON. */
export function projectStats({ ctx, input }: { ctx: Ctx; input: StatsInput }): ProjectStats {
  requireScope(ctx, "project:read");
  const options = parseInput(statsInput, input);
  const db = ctx.db.$client;
  const project = prepared(db, PROJECT_SQL).get(options.slug) as ProjectRow | undefined;
  if (!project) throw notFound(`Project "${options.slug}"`);
  // One read transaction: every query sees the same snapshot, even while annotators keep judging.
  return db.transaction(() => {
    const state = prepared(db, STATE_SQL).get({ p: project.id }) as Record<string, number | null>;
    const key = JSON.stringify([db.name, project.id, project.overlap, adaptiveRule(project), state, options.by ?? null, options.rounds, options.seed]);
    const hit = cache.get(key);
    if (hit) {
      // Refresh its place in the LRU order.
      cache.delete(key);
      cache.set(key, hit);
      return hit;
    }
    const now = nowOf(ctx);
    const by = options.by ?? null;
    const figures = projectFigures(
      {
        items: itemRows(db, project),
        candidates: candidateRows(db, project.id, by !== null),
        annotators: annotatorRows(db, project.id),
        judgments: judgmentRows(db, project.id),
      },
      { by, rounds: options.rounds, seed: options.seed, now },
    );
    const keys = (prepared(db, KEYS_SQL, "pluck").all(project.id) as string[]).filter((k) => k !== "model");
    const { progress, ...rest } = figures;
    const result: ProjectStats = {
      project: { slug: project.slug, name: project.name, overlap: project.overlap },
      adaptive: adaptiveFiguresOf(db, project.id, project),
      generated_at: new Date(now).toISOString(),
      options: { by, rounds: options.rounds, seed: options.seed },
      ...rest,
      metadata_keys: ["model", ...keys],
      progress,
    };
    cache.set(key, result);
    while (cache.size > CACHE_SIZE) cache.delete(cache.keys().next().value!);
    return result;
  })();
}

/** Forgets cached results (tests and benchmarks measure the computation itself). */
export function clearStatsCache(): void {
  cache.clear();
}
