// The statements of lib/services/projects.ts: a project's row, its creation and settings, its
// progress and checklist counts, who may work on it, and re-tagging its items from their metadata.
import { bool, defineQuery, json, jsonOrNull, jsonText, num, numOrNull, str, strOrNull, type Param, type Row } from "../engine";
import type { ContenderPairing, OrderPolicy, ProjectStatus, ProjectVisibility, RoutingRule } from "../schema/constants";
import type { ProjectJudgmentSchema } from "../../lib/formats/judgment";

/** A project as stored (every column). */
export interface ProjectRow {
  id: number;
  slug: string;
  name: string;
  guidelines: string;
  overlap: number;
  leaseMinutes: number;
  /** What annotators record (lib/formats/judgment.ts); null means plain pairwise defaults. */
  judgmentSchema: ProjectJudgmentSchema | null;
  status: ProjectStatus;
  visibility: ProjectVisibility;
  orderPolicy: OrderPolicy;
  quota: number | null;
  goldRate: number;
  minGoldAccuracy: number | null;
  minGoldAfter: number | null;
  agreementThreshold: number | null;
  minJudgments: number | null;
  maxJudgments: number | null;
  stopAgreement: number | null;
  allowRemoteImages: boolean;
  timeCapSeconds: number;
  qualificationItems: number | null;
  qualificationAccuracy: number;
  trainingMode: boolean;
  routing: RoutingRule;
  tagsFrom: string | null;
  /** Uniform or adaptive contender pairing (README "Adaptive pairing"). */
  contenderPairing: ContenderPairing;
  /** The distinct non-empty tag keys of the project's items (kept by the importer and re-tagging). */
  tagKeys: string[];
  createdAt: number;
}

const COLUMNS = `id, slug, name, guidelines, overlap, lease_minutes, judgment_schema, status, visibility, order_policy, quota,
  gold_rate, min_gold_accuracy, min_gold_after, agreement_threshold, min_judgments, max_judgments, stop_agreement,
  allow_remote_images, time_cap_seconds, qualification_items, qualification_accuracy, training_mode, routing, tags_from,
  contender_pairing, tag_keys, created_at`;

function projectRow(r: Row): ProjectRow {
  return {
    id: num(r.id),
    slug: str(r.slug),
    name: str(r.name),
    guidelines: str(r.guidelines),
    overlap: num(r.overlap),
    leaseMinutes: num(r.lease_minutes),
    judgmentSchema: jsonOrNull<ProjectJudgmentSchema>(r.judgment_schema),
    status: str(r.status) as ProjectStatus,
    visibility: str(r.visibility) as ProjectVisibility,
    orderPolicy: str(r.order_policy) as OrderPolicy,
    quota: numOrNull(r.quota),
    goldRate: num(r.gold_rate),
    minGoldAccuracy: numOrNull(r.min_gold_accuracy),
    minGoldAfter: numOrNull(r.min_gold_after),
    agreementThreshold: numOrNull(r.agreement_threshold),
    minJudgments: numOrNull(r.min_judgments),
    maxJudgments: numOrNull(r.max_judgments),
    stopAgreement: numOrNull(r.stop_agreement),
    allowRemoteImages: bool(r.allow_remote_images),
    timeCapSeconds: num(r.time_cap_seconds),
    qualificationItems: numOrNull(r.qualification_items),
    qualificationAccuracy: num(r.qualification_accuracy),
    trainingMode: bool(r.training_mode),
    routing: str(r.routing) as RoutingRule,
    tagsFrom: strOrNull(r.tags_from),
    contenderPairing: str(r.contender_pairing) as ContenderPairing,
    tagKeys: json<string[]>(r.tag_keys),
    createdAt: num(r.created_at),
  };
}

export const PROJECT_BY_SLUG = defineQuery("projects.bySlug", `select ${COLUMNS} from projects where slug = ?`, projectRow);

/** Every project, oldest first. */
export const ALL_PROJECTS = defineQuery("projects.all", `select ${COLUMNS} from projects order by id`, projectRow);

export const PROJECT_SLUG_TAKEN = defineQuery("projects.slugTaken", `select id from projects where slug = ?`, (r) => num(r.id));

/** Params: slug, name, overlap, lease_minutes, guidelines, status, judgment_schema (jsonText or null). */
export const INSERT_PROJECT = defineQuery(
  "projects.insert",
  `insert into projects (slug, name, overlap, lease_minutes, guidelines, status, judgment_schema) values (?, ?, ?, ?, ?, ?, ?) returning ${COLUMNS}`,
  projectRow,
);

/**
 * Writes every setting of a project at once (the caller merges the changes into the row it read in
 * the same transaction), so one fixed statement serves any combination of changed fields. tag_keys
 * is not among them: re-tagging keeps it. Params: `updateProjectParams` (below).
 */
export const UPDATE_PROJECT = defineQuery(
  "projects.update",
  `update projects set name = ?, guidelines = ?, judgment_schema = ?, status = ?, visibility = ?, order_policy = ?, overlap = ?,
    lease_minutes = ?, quota = ?, gold_rate = ?, min_gold_accuracy = ?, min_gold_after = ?, agreement_threshold = ?,
    min_judgments = ?, max_judgments = ?, stop_agreement = ?, allow_remote_images = ?, time_cap_seconds = ?,
    qualification_items = ?, qualification_accuracy = ?, training_mode = ?, routing = ?, tags_from = ?,
    contender_pairing = ?
  where id = ? returning ${COLUMNS}`,
  projectRow,
);

/** Progress of a project's items; param 2 is what an item without an adaptive target wants (baseOverlap). */
export interface ProgressRow {
  items: number;
  judgments: number;
  completeItems: number;
}
export const PROJECT_PROGRESS = defineQuery(
  "projects.progress",
  // Complete: as many judgments as wanted, the overlap (under adaptive overlap the item's target)
  // plus any a manager sent back (extra_overlap).
  `select count(*) as items, coalesce(sum(judgment_count), 0) as judgments,
    coalesce(sum(case when judgment_count >= coalesce(judgment_target, cast(? as integer)) + extra_overlap then 1 else 0 end), 0) as complete_items
  from items where project_id = ?`,
  (r): ProgressRow => ({ items: num(r.items), judgments: num(r.judgments), completeItems: num(r.complete_items) }),
);

/** Judgments by one user in one project. Params: project, user. */
export const USER_JUDGMENT_COUNT = defineQuery("projects.userJudgmentCount", `select count(*) as n from judgments where project_id = ? and user_id = ?`, (r) => num(r.n));

/**
 * Whether an item is left for a user: one that still wants judgments (not gold) that they have
 * neither judged nor skipped. Params: project, overlap, user, user.
 */
export const WORK_LEFT = defineQuery(
  "projects.workLeft",
  `select exists(select 1 from items i where i.project_id = ? and i.gold is null
      and i.judgment_count < cast(? as integer) + i.extra_overlap
      and not exists (select 1 from judgments j where j.item_id = i.id and j.user_id = ?)
      and not exists (select 1 from assignments a where a.item_id = i.id and a.user_id = ? and a.status = 'skipped')) as work_left`,
  (r) => bool(r.work_left),
);

/** Whether a user may work on a project: open to everyone, or a member. Params: user, project. */
export const IS_MEMBER = defineQuery(
  "projects.isMember",
  `select visibility = 'everyone' or exists(select 1 from project_members where project_id = projects.id and user_id = ?) as is_open
    from projects where id = ?`,
  (r) => bool(r.is_open),
);

export const ITEM_COUNT = defineQuery("projects.itemCount", `select count(*) as n from items where project_id = ?`, (r) => num(r.n));

export const GOLD_ITEM_COUNT = defineQuery("projects.goldItemCount", `select count(*) as n from items where project_id = ? and gold is not null`, (r) => num(r.n));

export const MEMBER_COUNT = defineQuery("projects.memberCount", `select count(*) as n from project_members where project_id = ?`, (r) => num(r.n));

// Re-tagging from a metadata key (projects.tagsFrom).

export interface ItemMetadataRow {
  id: number;
  externalId: string;
  metadata: Record<string, unknown>;
}
export const ITEMS_WITH_METADATA = defineQuery(
  "projects.itemsWithMetadata",
  `select id, external_id, metadata from items where project_id = ? and metadata is not null order by id`,
  (r): ItemMetadataRow => ({ id: num(r.id), externalId: str(r.external_id), metadata: json<Record<string, unknown>>(r.metadata) }),
);

/** Params: tags (jsonText or null), tag_key, item id. */
export const SET_ITEM_TAGS = defineQuery("projects.setItemTags", `update items set tags = ?, tag_key = ? where id = ?`);

export const PROJECT_TAG_KEYS = defineQuery("projects.tagKeys", `select tag_keys from projects where id = ?`, (r) => json<string[]>(r.tag_keys));

/** Params: tag keys (jsonText), project id. */
export const SET_PROJECT_TAG_KEYS = defineQuery("projects.setTagKeys", `update projects set tag_keys = ? where id = ?`);

/** UPDATE_PROJECT's params for the project's (merged) row, in the statement's order, then its id. */
export function updateProjectParams(p: ProjectRow): Param[] {
  return [
    p.name,
    p.guidelines,
    p.judgmentSchema == null ? null : jsonText(p.judgmentSchema),
    p.status,
    p.visibility,
    p.orderPolicy,
    p.overlap,
    p.leaseMinutes,
    p.quota,
    p.goldRate,
    p.minGoldAccuracy,
    p.minGoldAfter,
    p.agreementThreshold,
    p.minJudgments,
    p.maxJudgments,
    p.stopAgreement,
    p.allowRemoteImages,
    p.timeCapSeconds,
    p.qualificationItems,
    p.qualificationAccuracy,
    p.trainingMode,
    p.routing,
    p.tagsFrom,
    p.contenderPairing,
    p.id,
  ];
}
