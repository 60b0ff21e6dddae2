// Project statistics for managers: reads the project's rows in one read transaction, hands them to
// the pure tally (lib/stats/tally.ts: one pass, every figure), and keeps the result per project
// state, so every dashboard widget, `arbiter stats` and the API render from one computation.
import type Database from "better-sqlite3";
import { z } from "zod";
import type { StoredJudgment } from "@/lib/formats/judgment";
import { projectFigures, type ProjectStats, type TallyAnnotator, type TallyCandidate, type TallyItem, type TallyJudgment } from "@/lib/stats";
import { nowOf, requireScope, type Ctx } from "./context";
import { notFound, parseInput } from "./errors";
import { GOLD_VERDICT_SQL, VERDICT_JOIN_SQL, VERDICT_SQL } from "./verdict-sql";

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

// Raw prepared statements (better-sqlite3 caches nothing by itself): one set per connection.
const statements = new WeakMap<Database.Database, Map<string, Database.Statement>>();
function stmt(client: Database.Database, text: string): Database.Statement {
  let map = statements.get(client);
  if (!map) statements.set(client, (map = new Map()));
  let s = map.get(text);
  if (!s) map.set(text, (s = client.prepare(text)));
  return s;
}

interface ProjectRow {
  id: number;
  slug: string;
  name: string;
  overlap: number;
}
const PROJECT_SQL = `select id, slug, name, overlap from projects where slug = ?`;

/** What the cache key watches: any judgment, revision, item or send-back changes it. */
const STATE_SQL = `select
  (select count(*) from judgments where project_id = @p) as judgments,
  (select max(id) from judgments where project_id = @p) as maxJudgment,
  (select max(id) from judgment_revisions) as maxRevision,
  (select count(*) from items where project_id = @p) as items,
  (select max(id) from items where project_id = @p) as maxItem,
  (select coalesce(sum(extra_overlap), 0) from items where project_id = @p) as extraOverlap`;

/** TallyItem rows, in id order. */
const ITEMS_SQL = `select i.id, i.judgment_count as judgments, @overlap + i.extra_overlap as wanted, ${GOLD_VERDICT_SQL} as gold
  from items i where i.project_id = @p order by i.id`;

/** TallyCandidate rows; metadata (JSON text) only for a breakdown. */
const CANDIDATES_SQL = `select c.item_id as item, c.position, c.model from candidates c join items i on i.id = c.item_id where i.project_id = ?`;
const CANDIDATES_META_SQL = `select c.item_id as item, c.position, c.model, c.metadata from candidates c join items i on i.id = c.item_id where i.project_id = ?`;

const ANNOTATORS_SQL = `select id, email, name, external from users where id in (select distinct user_id from judgments where project_id = ?)`;

/** The JSON columns of a judgment row before decoding; the rest is TallyJudgment as it stands. */
interface JudgmentRow extends Omit<TallyJudgment, "fromApp" | "flags" | "ratings" | "ranking"> {
  fromApp: number;
  flags: string | null;
  payload: string | null;
}
// Ordered by item (the (project_id, item_id) index gives this order without sorting), so the
// judgments of an item arrive together. Payloads are read only where ratings or rankings may be.
const JUDGMENTS_SQL = `select j.item_id as item, j.user_id as annotator, j.type, j.choice, ${VERDICT_SQL} as verdict,
  j.duration_ms as durationMs, j.source = 'app' as fromApp, j.created_at as createdAt, json_extract(j.payload, '$.flags') as flags,
  case when j.type <> 'pairwise' or instr(j.payload, '"ratings"') > 0 then j.payload end as payload
  from judgments j ${VERDICT_JOIN_SQL} where j.project_id = ? order by j.item_id, j.id`;

/** Decodes the JSON columns, row by row as the tally asks for them. */
function* judgmentRows(db: Database.Database, projectId: number): Generator<TallyJudgment> {
  for (const row of stmt(db, JUDGMENTS_SQL).iterate(projectId) as IterableIterator<JudgmentRow>) {
    const payload = row.payload === null ? null : (JSON.parse(row.payload) as StoredJudgment);
    yield {
      item: row.item,
      annotator: row.annotator,
      type: row.type,
      choice: row.choice,
      verdict: row.verdict,
      durationMs: row.durationMs,
      fromApp: row.fromApp === 1,
      createdAt: row.createdAt,
      flags: row.flags === null ? null : Object.values(JSON.parse(row.flags) as Record<string, string[]>).flat(),
      ratings: payload?.ratings ?? null,
      ranking: payload?.type === "ranking" ? (payload.ranking ?? null) : null,
    };
  }
}

function* candidateRows(db: Database.Database, projectId: number, withMetadata: boolean): Generator<TallyCandidate> {
  if (!withMetadata) {
    yield* stmt(db, CANDIDATES_SQL).iterate(projectId) as IterableIterator<TallyCandidate>;
    return;
  }
  for (const row of stmt(db, CANDIDATES_META_SQL).iterate(projectId) as IterableIterator<Omit<TallyCandidate, "metadata"> & { metadata: string | null }>) {
    yield { ...row, metadata: row.metadata === null ? null : (JSON.parse(row.metadata) as Record<string, unknown>) };
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
  const project = stmt(db, PROJECT_SQL).get(options.slug) as ProjectRow | undefined;
  if (!project) throw notFound(`Project "${options.slug}"`);
  // One read transaction: every query sees the same snapshot, even while annotators keep judging.
  return db.transaction(() => {
    const state = stmt(db, STATE_SQL).get({ p: project.id }) as Record<string, number | null>;
    const key = JSON.stringify([db.name, project.id, project.overlap, state, options.by ?? null, options.rounds, options.seed]);
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
        items: stmt(db, ITEMS_SQL).all({ p: project.id, overlap: project.overlap }) as TallyItem[],
        candidates: candidateRows(db, project.id, by !== null),
        annotators: (stmt(db, ANNOTATORS_SQL).all(project.id) as (Omit<TallyAnnotator, "external"> & { external: number })[]).map((u) => ({ ...u, external: Boolean(u.external) })),
        judgments: judgmentRows(db, project.id),
      },
      { by, rounds: options.rounds, seed: options.seed, now },
    );
    const keys = (stmt(db, KEYS_SQL).pluck(true).all(project.id) as string[]).filter((k) => k !== "model");
    const { progress, ...rest } = figures;
    const result: ProjectStats = {
      project: { slug: project.slug, name: project.name, overlap: project.overlap },
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
