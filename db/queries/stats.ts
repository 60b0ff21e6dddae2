// The statements of lib/services/stats.ts: what its result cache watches, and the rows the project
// tally (lib/stats/tally.ts) reads, in the shapes of its row types and in a full order.
import { bool, defineQuery, json, num, numOrNull, str, strOrNull, type Query, type Row } from "../engine";
import type { StoredJudgment } from "../../lib/formats/judgment";
import type { Choice } from "../../lib/formats/record";
import type { Verdict } from "../../lib/formats/verdict";
import { GOLD_VERDICT_SQL, VERDICT_JOIN_SQL, VERDICT_SQL } from "./verdict";

/**
 * The version of a project's statistics: any judgment recorded, undone or revised, any item
 * imported or sent back, and any audited change anywhere (a gold answer set, an account renamed)
 * changes it. Params: the project id, five times.
 */
export interface StatsVersion {
  judgments: number;
  maxJudgment: number | null;
  maxRevision: number | null;
  items: number;
  maxItem: number | null;
  extraOverlap: number;
  maxAudit: number | null;
}
export const STATS_VERSION = defineQuery(
  "stats.version",
  `select
    (select count(*) from judgments where project_id = ?) as judgments,
    (select max(id) from judgments where project_id = ?) as max_judgment,
    (select max(id) from judgment_revisions) as max_revision,
    (select count(*) from items where project_id = ?) as items,
    (select max(id) from items where project_id = ?) as max_item,
    (select coalesce(sum(extra_overlap), 0) from items where project_id = ?) as extra_overlap,
    (select max(id) from audit_log) as max_audit`,
  (r): StatsVersion => ({
    judgments: num(r.judgments),
    maxJudgment: numOrNull(r.max_judgment),
    maxRevision: numOrNull(r.max_revision),
    items: num(r.items),
    maxItem: numOrNull(r.max_item),
    extraOverlap: num(r.extra_overlap),
    maxAudit: numOrNull(r.max_audit),
  }),
);

/** An item as the tally reads it (lib/stats TallyItem). */
export interface StatsItemRow {
  id: number;
  judgments: number;
  wanted: number;
  gold: Verdict | null;
}
/** Params: what an item without an adaptive target wants (baseOverlap), the project id. In id order. */
export const STATS_ITEMS = defineQuery(
  "stats.items",
  `select i.id, i.judgment_count, coalesce(i.judgment_target, cast(? as integer)) + i.extra_overlap as wanted, ${GOLD_VERDICT_SQL} as gold
    from items i where i.project_id = ? order by i.id`,
  (r): StatsItemRow => ({ id: num(r.id), judgments: num(r.judgment_count), wanted: num(r.wanted), gold: strOrNull(r.gold) as Verdict | null }),
);

/** A candidate as the tally reads it (lib/stats TallyCandidate); metadata only for a breakdown. */
export interface StatsCandidateRow {
  item: number;
  position: number;
  model: string | null;
  metadata: Record<string, unknown> | null;
}
// The tally reads the first two candidates of an item (the pairwise ones). Unordered: it files each
// under its item and position, so their order changes no figure (and sorting them would cost a sort
// of every candidate of the project).
const candidates = (metadata: string) =>
  `select c.item_id, c.position, c.model, ${metadata} as metadata from candidates c join items i on i.id = c.item_id
    where i.project_id = ? and c.position <= 1`;
const candidateRow = (r: Row): StatsCandidateRow => ({
  item: num(r.item_id),
  position: num(r.position),
  model: strOrNull(r.model),
  metadata: r.metadata == null ? null : json<Record<string, unknown>>(r.metadata),
});
export const STATS_CANDIDATES = defineQuery("stats.candidates", candidates("null"), candidateRow);
export const STATS_CANDIDATES_WITH_METADATA = defineQuery("stats.candidatesWithMetadata", candidates("c.metadata"), candidateRow);

/** A user who judged in the project (lib/stats TallyAnnotator). */
export interface StatsAnnotatorRow {
  id: number;
  email: string;
  name: string;
  external: boolean;
}
export const STATS_ANNOTATORS = defineQuery(
  "stats.annotators",
  `select id, email, name, external from users where id in (select distinct user_id from judgments where project_id = ?) order by id`,
  (r): StatsAnnotatorRow => ({ id: num(r.id), email: str(r.email), name: str(r.name), external: bool(r.external) }),
);

/** A judgment as the tally reads it (lib/stats TallyJudgment). */
export interface StatsJudgmentRow {
  item: number;
  annotator: number;
  type: string;
  choice: Choice | null;
  verdict: Verdict | null;
  durationMs: number | null;
  fromApp: boolean;
  createdAt: number;
  /** Every flag raised, on any candidate. */
  flags: string[] | null;
  ratings: Record<string, Record<string, number>> | null;
  ranking: number[][] | null;
}
/**
 * The project's judgments, those of an item together (the (project_id, item_id) index gives this
 * order on SQLite without sorting). The payload is read only where ratings or a ranking may be.
 */
export const STATS_JUDGMENTS = defineQuery(
  "stats.judgments",
  `select j.item_id, j.user_id, j.type, j.choice, ${VERDICT_SQL} as verdict, j.duration_ms, j.source = 'app' as from_app, j.created_at,
    j.payload -> 'flags' as flags, case when j.type <> 'pairwise' or j.payload -> 'ratings' is not null then j.payload end as payload
  from judgments j ${VERDICT_JOIN_SQL} where j.project_id = ? order by j.item_id, j.id`,
  (r): StatsJudgmentRow => {
    const payload = r.payload == null ? null : json<StoredJudgment>(r.payload);
    return {
      item: num(r.item_id),
      annotator: num(r.user_id),
      type: str(r.type),
      choice: strOrNull(r.choice) as Choice | null,
      verdict: strOrNull(r.verdict) as Verdict | null,
      durationMs: numOrNull(r.duration_ms),
      fromApp: bool(r.from_app),
      createdAt: num(r.created_at),
      flags: r.flags == null ? null : Object.values(json<Record<string, string[]>>(r.flags)).flat(),
      ratings: payload?.ratings ?? null,
      ranking: payload?.type === "ranking" ? (payload.ranking ?? null) : null,
    };
  },
);

/**
 * The metadata keys of some rows of `table` (those whose `idColumn` is in a JSON array of ids, the
 * statement's one parameter), unordered: the service sorts them. A row whose metadata is not an
 * object has no keys.
 */
function metadataKeys(name: string, table: "candidates" | "items", idColumn: "item_id" | "id"): Query<string> {
  return defineQuery(
    name,
    (d) => `select distinct k.key from ${table} t,
    ${d.kind === "sqlite" ? "json_each(t.metadata) k" : "jsonb_object_keys(case when jsonb_typeof(t.metadata) = 'object' then t.metadata end) as k(key)"}
  where t.${idColumn} in (select cast(ids.value as integer) from ${d.eachText(d.jsonParam, "ids")}) and t.metadata is not null`,
    (r) => str(r.key),
  );
}

/** The metadata keys of the candidates of some items (the project's first items). */
export const STATS_METADATA_KEYS = metadataKeys("stats.metadataKeys", "candidates", "item_id");

/** The metadata keys of the given items: what the judge panel can slice by beside candidate keys. */
export const STATS_ITEM_METADATA_KEYS = metadataKeys("stats.itemMetadataKeys", "items", "id");

/** Items' own metadata, for slicing judge vs humans. Params: the project id. Unordered. */
export const STATS_ITEM_METADATA = defineQuery(
  "stats.itemMetadata",
  `select id, metadata from items where project_id = ? and metadata is not null`,
  (r) => ({ id: num(r.id), metadata: json<Record<string, unknown>>(r.metadata) }),
);

/** Params: the project id. Whether a generation run made items in the project (so responses name contenders). */
export const STATS_GENERATED = defineQuery(
  "stats.generated",
  `select exists (select 1 from generation_runs where project_id = ? and items_created > 0) as generated`,
  (r) => bool(r.generated),
);

/** A candidate generated by a contender (its metadata has a `contender` key), for the contender leaderboard. */
export interface StatsContenderCandidateRow {
  id: number;
  item: number;
  position: number;
  metadata: Record<string, unknown>;
}
/** Params: the project id. Unordered: the service files each under its item and candidate id. */
export const STATS_CONTENDER_CANDIDATES = defineQuery(
  "stats.contenderCandidates",
  `select c.id, c.item_id, c.position, c.metadata from candidates c join items i on i.id = c.item_id
    where i.project_id = ? and c.metadata ->> 'contender' is not null`,
  (r): StatsContenderCandidateRow => ({ id: num(r.id), item: num(r.item_id), position: num(r.position), metadata: json<Record<string, unknown>>(r.metadata) }),
);
