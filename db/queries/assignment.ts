// The statements of the assignment path (lib/services/assignment.ts): claiming the next item, the
// lease it gives, skipping, and the lease checks the judgment service runs inside its transaction.
import { bool, DIALECTS, defineQuery, json, jsonOrNull, num, numOrNull, str, strOrNull, type Dialect, type Param, type Query, type Row } from "../engine";
import type { AssignmentStatus, OrderPolicy, ProjectStatus, RoutingRule } from "../schema/constants";
import type { ProjectJudgmentSchema } from "../../lib/formats/judgment";
import type { Prompt } from "../../lib/formats/record";
import { GOLD_VERDICT_SQL, VERDICT_JOIN_SQL, VERDICT_SQL } from "./verdict";

/** The project as a claim reads it, with what the claim needs to know of the caller in the same row. */
export interface ClaimProject {
  id: number;
  slug: string;
  overlap: number;
  leaseMinutes: number;
  status: ProjectStatus;
  orderPolicy: OrderPolicy;
  quota: number | null;
  goldRate: number;
  minGoldAccuracy: number | null;
  minGoldAfter: number | null;
  /** The judgment schema's JSON text as stored (the claim parses it once per distinct text), or null. */
  judgmentSchemaText: string | null;
  minJudgments: number | null;
  maxJudgments: number | null;
  stopAgreement: number | null;
  routing: RoutingRule;
  /** Gold items a new annotator must judge first (the qualification), and the accuracy that passes; null for none. */
  qualificationItems: number | null;
  qualificationAccuracy: number;
  /** The project's non-empty tag keys as JSON text (projects.tag_keys), parsed only when routing needs them. */
  tagKeysText: string;
  /** Whether the caller may work on it (visibility `everyone`, or a member). */
  member: boolean;
  /** The caller's judgments in the project. */
  judged: number;
  /** The caller's skills as JSON text (users.skills), parsed only when routing needs them. */
  skillsText: string;
  /** Whether the caller holds a live lease in the project other than those left out (HELD_LEASES lists them). */
  holds: boolean;
  /** The largest extra_overlap of the project's items (0 without items). */
  maxExtra: number;
  /** The highest priority of the project's items (null without items). */
  topPriority: number | null;
}

/**
 * Params: user id (member), user id (judged), user id (skills), user id, now, assignment ids to leave
 * out (JSON array) (held), slug. One statement for all of it: the claim's first read, in its write
 * transaction. It also carries what the pick needs of the project's items (the largest extra_overlap
 * and the highest priority, each one read of its own index: two subqueries keep SQLite's min/max
 * optimisation) and whether the caller holds a live lease here, so the common claim (nothing held)
 * reads no more before it picks. On PostgreSQL every statement is a round trip the claim holds its
 * locks through (the caller's own, the shared write lock), so the fewer the better.
 */
export const CLAIM_PROJECT = defineQuery<ClaimProject>(
  "assignment.claimProject",
  (d) => `select p.id, p.slug, p.overlap, p.lease_minutes, p.status, p.order_policy, p.quota, p.gold_rate, p.min_gold_accuracy,
     p.min_gold_after, p.judgment_schema, p.min_judgments, p.max_judgments, p.stop_agreement, p.routing, p.tag_keys,
     p.qualification_items, p.qualification_accuracy,
     (p.visibility = 'everyone' or exists (select 1 from project_members m where m.project_id = p.id and m.user_id = ?)) as member,
     coalesce((select t.judged from annotator_totals t where t.project_id = p.id and t.user_id = ?), 0) as judged,
     (select u.skills from users u where u.id = ?) as skills,
     exists (select 1 from assignments a where a.user_id = ? and a.project_id = p.id and a.status = 'leased' and a.expires_at > ?
       and a.id not in (select cast(x.value as integer) from ${d.eachText(d.jsonParam, "x")})) as holds,
     (select max(extra_overlap) from items where project_id = p.id) as max_extra,
     (select max(priority) from items where project_id = p.id) as top_priority
   from projects p where p.slug = ?`,
  (r) => ({
    id: num(r.id),
    slug: str(r.slug),
    overlap: num(r.overlap),
    leaseMinutes: num(r.lease_minutes),
    status: str(r.status) as ProjectStatus,
    orderPolicy: str(r.order_policy) as OrderPolicy,
    quota: numOrNull(r.quota),
    goldRate: num(r.gold_rate),
    minGoldAccuracy: numOrNull(r.min_gold_accuracy),
    minGoldAfter: numOrNull(r.min_gold_after),
    judgmentSchemaText: strOrNull(r.judgment_schema),
    minJudgments: numOrNull(r.min_judgments),
    maxJudgments: numOrNull(r.max_judgments),
    stopAgreement: numOrNull(r.stop_agreement),
    routing: str(r.routing) as RoutingRule,
    qualificationItems: numOrNull(r.qualification_items),
    qualificationAccuracy: num(r.qualification_accuracy),
    tagKeysText: str(r.tag_keys),
    member: bool(r.member),
    judged: num(r.judged),
    skillsText: r.skills == null ? "[]" : str(r.skills),
    holds: bool(r.holds),
    maxExtra: numOrNull(r.max_extra) ?? 0,
    topPriority: numOrNull(r.top_priority),
  }),
);

/** A project's limits on its annotators (the managers' standings). */
export interface ProjectLimits {
  id: number;
  quota: number | null;
  minGoldAccuracy: number | null;
  minGoldAfter: number | null;
}

export const PROJECT_LIMITS = defineQuery<ProjectLimits>(
  "assignment.projectLimits",
  `select id, quota, min_gold_accuracy, min_gold_after from projects where slug = ?`,
  (r) => ({ id: num(r.id), quota: numOrNull(r.quota), minGoldAccuracy: numOrNull(r.min_gold_accuracy), minGoldAfter: numOrNull(r.min_gold_after) }),
);

// A judgment on a gold item is correct when its verdict equals the gold verdict exactly (the rule of
// matchesGold in lib/formats/verdict.ts: tie and both_bad are different answers). Every judgment on a
// gold item counts as judged.
const GOLD_SCORE_FROM = `count(*) as judged, coalesce(sum(case when ${VERDICT_SQL} = ${GOLD_VERDICT_SQL} then 1 else 0 end), 0) as correct
  from judgments j
  join items i on i.id = j.item_id
  ${VERDICT_JOIN_SQL}
  where j.project_id = ? and i.gold is not null`;

export interface GoldScore {
  judged: number;
  correct: number;
}

/** Params: project id, user id. */
export const GOLD_SCORE = defineQuery<GoldScore>("assignment.goldScore", `select ${GOLD_SCORE_FROM} and j.user_id = ?`, (r) => ({
  judged: num(r.judged),
  correct: num(r.correct),
}));

/** Params: project id. */
export const GOLD_SCORES = defineQuery<GoldScore & { userId: number }>("assignment.goldScores", `select j.user_id, ${GOLD_SCORE_FROM} group by j.user_id`, (r) => ({
  userId: num(r.user_id),
  judged: num(r.judged),
  correct: num(r.correct),
}));

export interface JudgedTotal {
  userId: number;
  email: string;
  judged: number;
}

/** Params: project id. Each annotator with judgments in the project, by email. */
export const JUDGED_TOTALS = defineQuery<JudgedTotal>(
  "assignment.judgedTotals",
  `select u.id, u.email, count(*) as judged from judgments j join users u on u.id = j.user_id
   where j.project_id = ? group by u.id, u.email order by u.email, u.id`,
  (r) => ({ userId: num(r.id), email: str(r.email), judged: num(r.judged) }),
);

export interface HeldLease {
  id: number;
  tagKey: string;
}

/** Params: user id, project id, now, the assignment ids to leave out (JSON array). The caller's live leases, oldest first. */
export const HELD_LEASES = defineQuery<HeldLease>(
  "assignment.heldLeases",
  (d) => `select a.id, i.tag_key from assignments a join items i on i.id = a.item_id
    where a.user_id = ? and a.project_id = ? and a.status = 'leased' and a.expires_at > ?
    and a.id not in (select cast(x.value as integer) from ${d.eachText(d.jsonParam, "x")}) order by a.leased_at, a.id`,
  (r) => ({ id: num(r.id), tagKey: str(r.tag_key) }),
);

/** Params: expiry, assignment id. Ends a lease early (its seat goes to someone else at once). */
export const SET_LEASE_EXPIRY = defineQuery("assignment.setLeaseExpiry", `update assignments set expires_at = ? where id = ?`);

/** Params: project id, priority. The next priority level down. */
export const PRIORITY_BELOW = defineQuery("assignment.priorityBelow", `select max(priority) as p from items where project_id = ? and priority < ?`, (r) => ({
  priority: numOrNull(r.p),
}));

/** Params: project id, priority. The id range of one priority level (a random start is picked in it). */
export const ID_SPAN = defineQuery("assignment.idSpan", `select min(id) as lo, max(id) as hi from items where project_id = ? and priority = ?`, (r) => ({
  lo: num(r.lo),
  hi: num(r.hi),
}));

/** The values a pick statement may name; each statement sends the ones it uses, in its own order. */
export interface PickValues {
  project: number;
  priority: number;
  user: number;
  now: Date;
  /** The judgments an item wants when it has no adaptive target (baseOverlap). */
  overlap: number;
  /** No item wants more judgments than this (overlapBound plus the largest extra_overlap). */
  bound: number;
  /** A random start id (order policy `random`). */
  start: number;
  /** The tag keys a routed pick may serve (JSON array). */
  keys: string;
}

/**
 * A statement written with named parameters (`@user`, several times): `args` lists the values in the
 * order of its `?`s, and refuses to leave one out.
 */
export interface PickQuery extends Query<PickedItem> {
  args(values: Partial<PickValues>): Param[];
  /**
   * The same pick waiting for items other transactions hold locked, where the pick itself skips them
   * (PostgreSQL; on SQLite no row is ever locked, and the two are the same). Its `args` are the pick's.
   */
  waiting: Query<PickedItem>;
}

const PARAM = /@(project|priority|user|now|overlap|bound|start|keys)\b/g;

/** A picked item with its candidates' ids in the import record's order (the lease shuffles them into slots). */
export interface PickedItem {
  id: number;
  candidateIds: number[];
}

// The picked item's candidates, read by the pick itself: one statement fewer inside the claim's
// write transaction (CANDIDATE_IDS is the same read for an item chosen otherwise).
const candidateIdsOf = (d: Dialect, item: string) =>
  d.kind === "sqlite"
    ? `(select json_group_array(id) from (select id from candidates where item_id = ${item} order by position))`
    : `(select coalesce(jsonb_agg(c.id order by c.position), '[]'::jsonb) from candidates c where c.item_id = ${item})`;

/**
 * On PostgreSQL a regular pick locks the item it returns (`locks`: the alias of the items it picks
 * from), so the claim that took it is the only one deciding on its seats until it commits (an
 * annotator's write, db/postgres.ts). `for no key update` is the lock an update of the row takes
 * too, so a judgment counting itself on the item waits for the claim, and the claim for it; the
 * foreign-key checks of inserts naming the item (`for key share`) do not wait. `skip locked` goes
 * past items another claim or judgment holds to the next free one, the way a queue is read; the
 * `waiting` variant waits for them instead, for when skipping would leave nothing (the end of a
 * priority level). In READ COMMITTED, a row that another transaction changed while the pick waited
 * is checked again against the conditions on the item's own columns, but not against the counts
 * of other tables (live leases): the lease insert (LEASE_SEAT) counts them again after the lock.
 */
const lockFor = (d: Dialect, locks: string | undefined, wait: boolean) =>
  d.kind === "postgres" && locks ? ` for no key update of ${locks}${wait ? "" : " skip locked"}` : "";

function pick(name: string, text: (d: Dialect) => string, locks?: string): PickQuery {
  const order = (d: Dialect) => [...text(d).matchAll(PARAM)].map((m) => m[1] as keyof PickValues);
  const names = order(DIALECTS.sqlite);
  if (names.join() !== order(DIALECTS.postgres).join()) throw new Error(`${name}: parameters in a different order on each engine`);
  const define = (n: string, wait: boolean) =>
    defineQuery(n, (d) => `select p.id, ${candidateIdsOf(d, "p.id")} as candidate_ids from (${text(d).replace(PARAM, "?")}${lockFor(d, locks, wait)}) p`, (r: Row) => ({
      id: num(r.id),
      candidateIds: json<number[]>(r.candidate_ids),
    }));
  const query = define(name, false);
  return {
    ...query,
    waiting: locks ? define(`${name}.waiting`, true) : query,
    args: (values) =>
      names.map((k) => {
        const v = values[k];
        if (v === undefined) throw new Error(`${name}: no value for @${k}`);
        return v;
      }),
  };
}

// Conditions every served item meets, for caller @user at time @now.
const NOT_MINE = `
  and not exists (select 1 from assignments a where a.item_id = i.id and a.user_id = @user
                    and (a.status <> 'leased' or a.expires_at > @now))
  and not exists (select 1 from judgments j where j.item_id = i.id and j.user_id = @user)`;
// @overlap is the judgments an item wants when it has no adaptive target (baseOverlap): the fixed
// overlap, or the adaptive rule's min. OPEN_ITEM repeats items_claim_idx's condition (db/schema/projects.ts),
// which a statement must state to walk that partial index; it leaves out items that reached their target.
const OPEN_ITEM = `(i.judgment_target is null or i.judgment_count < i.judgment_target + i.extra_overlap)`;
const HAS_SEAT = `
  and i.gold is null
  and ${OPEN_ITEM}
  and i.judgment_count < coalesce(i.judgment_target, @overlap) + i.extra_overlap
  and i.judgment_count + (select count(*) from assignments l
        where l.item_id = i.id and l.status = 'leased' and l.expires_at > @now and l.user_id <> @user)
      < coalesce(i.judgment_target, @overlap) + i.extra_overlap`;

// finish_first's serving order, which a backward walk of items_claim_idx / items_tag_claim_idx gives.
// drizzle-kit writes PostgreSQL's `id desc` index column as `desc nulls last`, so walked backward it
// yields `id asc nulls first`; plain `asc` (nulls last) would not match, and PostgreSQL would scan and
// sort every open item of the level on each claim (about 100 ms at 20,000 items) instead of stopping at
// the first. ids are never null, so the order is the same; SQLite accepts the clause and walks its index alike.
const CLAIM_ORDER = "i.judgment_count desc, i.id asc nulls first";

/**
 * The first free item of one priority level, in the project's order. Each statement walks an index
 * in serving order and stops at the first item that qualifies: no sort, no scan of finished items
 * for finish_first (the judgment_count bound is part of the index range). SQLite is told which index
 * (`d.indexedBy`); PostgreSQL's planner finds the same ones.
 */
export const PICK = {
  finish_first: pick(
    "assignment.pickFinishFirst",
    (d) => `select i.id from items i ${d.indexedBy("items_claim_idx")}
    where i.project_id = @project and i.priority = @priority and i.judgment_count < @bound ${HAS_SEAT} ${NOT_MINE}
    order by ${CLAIM_ORDER} limit 1`,
    "i",
  ),
  import: pick(
    "assignment.pickImport",
    (d) => `select i.id from items i ${d.indexedBy("items_project_priority_idx")}
    where i.project_id = @project and i.priority = @priority ${HAS_SEAT} ${NOT_MINE}
    order by i.id asc limit 1`,
    "i",
  ),
  random_from: pick(
    "assignment.pickRandomFrom",
    (d) => `select i.id from items i ${d.indexedBy("items_project_priority_idx")}
    where i.project_id = @project and i.priority = @priority and i.id >= @start ${HAS_SEAT} ${NOT_MINE}
    order by i.id asc limit 1`,
    "i",
  ),
  random_before: pick(
    "assignment.pickRandomBefore",
    (d) => `select i.id from items i ${d.indexedBy("items_project_priority_idx")}
    where i.project_id = @project and i.priority = @priority and i.id < @start ${HAS_SEAT} ${NOT_MINE}
    order by i.id asc limit 1`,
    "i",
  ),
  gold: pick(
    "assignment.pickGold",
    (d) => `select i.id from items i ${d.indexedBy("items_project_gold_idx")}
    where i.project_id = @project and i.gold is not null ${NOT_MINE}
    order by random() limit 1`,
  ),
  gold_keys: pick(
    "assignment.pickGoldKeys",
    (d) => `select i.id from items i ${d.indexedBy("items_project_gold_idx")}
    where i.project_id = @project and i.gold is not null and i.tag_key in (select k.value from ${d.eachText("@keys", "k")}) ${NOT_MINE}
    order by random() limit 1`,
  ),
} as const;

/**
 * The same picks restricted to some tag keys (routing by skill): for each key of the JSON array
 * @keys, a correlated subquery walks that key's own range of items_tag_claim_idx /
 * items_tag_priority_idx in the serving order and stops at its first free item (a key with none costs
 * one index seek); the outer query takes the best of those firsts in the same order. So the result is
 * the item the unrouted pick would give among the allowed keys, in one statement.
 */
function amongKeys(name: string, index: string, range: string, order: string): PickQuery {
  return pick(
    name,
    (d) => `select o.id from items o where o.id in (
      select (select i.id from items i ${d.indexedBy(index)}
        where i.project_id = @project and i.tag_key = k.value and i.priority = @priority ${range} ${HAS_SEAT} ${NOT_MINE}
        order by ${order} limit 1)
      from ${d.eachText("@keys", "k")})
    order by ${order.replaceAll("i.", "o.")} limit 1`,
    "o",
  );
}
export const PICK_KEYS = {
  finish_first: amongKeys("assignment.pickKeysFinishFirst", "items_tag_claim_idx", "and i.judgment_count < @bound", CLAIM_ORDER),
  import: amongKeys("assignment.pickKeysImport", "items_tag_priority_idx", "", "i.id asc"),
  random_from: amongKeys("assignment.pickKeysRandomFrom", "items_tag_priority_idx", "and i.id >= @start", "i.id asc"),
  random_before: amongKeys("assignment.pickKeysRandomBefore", "items_tag_priority_idx", "and i.id < @start", "i.id asc"),
} as const;

/** Params: item id. The item's candidates in the import record's order. */
export const CANDIDATE_IDS = defineQuery("assignment.candidateIds", `select id from candidates where item_id = ? order by position`, (r) => num(r.id));

/**
 * What a new lease returns: the lease with its item's prompt and candidates as the claim shows them,
 * so the claim reads nothing more after its commit (on PostgreSQL a round trip less per claim).
 * Candidates come as one JSON array of [id, content] pairs, read by `shownLease`.
 */
function returningShown(d: Dialect): string {
  const pairs = d.kind === "postgres" ? "json_agg(json_build_array(c.id, c.content))::text" : "json_group_array(json_array(c.id, c.content))";
  return `returning id, item_id, slot_order, expires_at,
     (select p.prompt from items p where p.id = assignments.item_id) as prompt,
     (select ${pairs} from candidates c where c.item_id = assignments.item_id) as contents`;
}

function shownLease(r: Row): LeasedItem {
  const contents = new Map<number, string>();
  for (const [id, content] of jsonOrNull<[number, string | null][]>(r.contents) ?? []) contents.set(num(id), content ?? "");
  return { id: num(r.id), itemId: num(r.item_id), slotOrder: json<number[]>(r.slot_order), expiresAt: num(r.expires_at), prompt: json<Prompt>(r.prompt), contents };
}

/**
 * Params: project id, item id, user id, slot order (JSON), leased at, expires at. A row exists only
 * when this annotator's earlier lease on the item expired: it is renewed.
 */
export const LEASE_ITEM = defineQuery(
  "assignment.leaseItem",
  (d) => `insert into assignments (project_id, item_id, user_id, status, slot_order, leased_at, expires_at)
   values (?, ?, ?, 'leased', ?, ?, ?)
   on conflict (item_id, user_id) do update set status = 'leased', leased_at = excluded.leased_at,
     expires_at = excluded.expires_at, closed_at = null
   ${returningShown(d)}`,
  shownLease,
);

const stamp = (d: Dialect) => (d.kind === "postgres" ? "cast(? as timestamptz)" : "?");

/**
 * Params: project id, user id, slot order (JSON), leased at, expires at, item id, now, user id, base
 * overlap. LEASE_ITEM for a regular item, made only while the item still has a seat for the caller
 * (the judgments it wants, coalesce(judgment_target, base overlap) + extra_overlap, above its
 * judgments and other people's live leases); no row when it has none. On PostgreSQL the pick locked
 * the item, and this statement's fresh snapshot sees every lease and judgment of the transactions
 * that held the lock before (see `lockFor`).
 */
export const LEASE_SEAT = defineQuery(
  "assignment.leaseSeat",
  (d) => `insert into assignments (project_id, item_id, user_id, status, slot_order, leased_at, expires_at)
   select cast(? as integer), i.id, cast(? as integer), 'leased', ${d.jsonParam}, ${stamp(d)}, ${stamp(d)} from items i
   where i.id = ? and i.gold is null and i.judgment_count + (select count(*) from assignments l
       where l.item_id = i.id and l.status = 'leased' and l.expires_at > ? and l.user_id <> ?)
     < coalesce(i.judgment_target, ?) + i.extra_overlap
   on conflict (item_id, user_id) do update set status = 'leased', leased_at = excluded.leased_at,
     expires_at = excluded.expires_at, closed_at = null
   ${returningShown(d)}`,
  shownLease,
);

export interface LeasedItem {
  id: number;
  itemId: number;
  slotOrder: number[];
  expiresAt: number;
  prompt: Prompt;
  /** The item's candidates' contents by candidate id. */
  contents: Map<number, string>;
}

interface LeasedItemRow {
  id: number;
  itemId: number;
  slotOrderText: string;
  expiresAt: number;
  promptText: string;
  candidateId: number | null;
  content: string | null;
}

/**
 * Params: assignment id. The lease with its item's prompt and candidates, as the claim answers it:
 * one row per candidate (one statement instead of a second read for the contents). Read with
 * `leasedItem`, which folds the rows into one LeasedItem.
 */
export const LEASED_ITEM_ROWS = defineQuery<LeasedItemRow>(
  "assignment.leasedItem",
  `select a.id, a.item_id, a.slot_order, a.expires_at, i.prompt, c.id as candidate_id, c.content
   from assignments a join items i on i.id = a.item_id left join candidates c on c.item_id = a.item_id where a.id = ?`,
  (r) => ({
    id: num(r.id),
    itemId: num(r.item_id),
    slotOrderText: str(r.slot_order),
    expiresAt: num(r.expires_at),
    promptText: str(r.prompt),
    candidateId: numOrNull(r.candidate_id),
    content: strOrNull(r.content),
  }),
);

/** The rows of LEASED_ITEM_ROWS as one lease (its JSON parsed once), or undefined when there is no such assignment. */
export function leasedItem(rows: LeasedItemRow[]): LeasedItem | undefined {
  if (!rows.length) return undefined;
  const [r] = rows;
  const contents = new Map<number, string>();
  for (const c of rows) if (c.candidateId != null) contents.set(c.candidateId, c.content ?? "");
  return { id: r.id, itemId: r.itemId, slotOrder: json<number[]>(r.slotOrderText), expiresAt: r.expiresAt, prompt: json<Prompt>(r.promptText), contents };
}

/** Params: the judgments an item wants without a target of its own (baseOverlap), project id. */
export const PROJECT_COUNTS = defineQuery(
  "assignment.projectCounts",
  `select count(*) as items, coalesce(sum(case when judgment_count >= coalesce(judgment_target, ?) + extra_overlap then 1 else 0 end), 0) as complete
   from items where project_id = ?`,
  (r) => ({ items: num(r.items), complete: num(r.complete) }),
);

/** An assignment row. */
export interface Assignment {
  id: number;
  projectId: number;
  itemId: number;
  userId: number;
  status: AssignmentStatus;
  /** Candidate ids in display order: slotOrder[0] is shown as A. */
  slotOrder: number[];
  leasedAt: number;
  expiresAt: number;
  skipReason: string | null;
  closedAt: number | null;
}

const ASSIGNMENT_COLUMNS = `a.id, a.project_id, a.item_id, a.user_id, a.status, a.slot_order, a.leased_at, a.expires_at, a.skip_reason, a.closed_at`;

function assignmentOf(r: Row): Assignment {
  return {
    id: num(r.id),
    projectId: num(r.project_id),
    itemId: num(r.item_id),
    userId: num(r.user_id),
    status: str(r.status) as AssignmentStatus,
    slotOrder: json<number[]>(r.slot_order),
    leasedAt: num(r.leased_at),
    expiresAt: num(r.expires_at),
    skipReason: strOrNull(r.skip_reason),
    closedAt: numOrNull(r.closed_at),
  };
}

/** Params: assignment id. */
export const ASSIGNMENT_BY_ID = defineQuery<Assignment>("assignment.byId", `select ${ASSIGNMENT_COLUMNS} from assignments a where a.id = ?`, assignmentOf);

/** A lease with what a judgment on it needs of its project and item. */
export interface LeaseRow {
  assignment: Assignment;
  slug: string;
  projectStatus: ProjectStatus;
  overlap: number;
  judgmentSchema: ProjectJudgmentSchema | null;
  minJudgments: number | null;
  maxJudgments: number | null;
  stopAgreement: number | null;
  gold: boolean;
  /** Whether the lease holder may still work on the project. */
  member: boolean;
}

/** Params: assignment id. */
export const LEASE_TO_JUDGE = defineQuery<LeaseRow>(
  "assignment.leaseToJudge",
  `select ${ASSIGNMENT_COLUMNS}, p.slug, p.status as project_status, p.overlap, p.judgment_schema, i.gold is not null as gold,
     p.min_judgments, p.max_judgments, p.stop_agreement,
     (p.visibility = 'everyone' or exists (select 1 from project_members m where m.project_id = a.project_id and m.user_id = a.user_id)) as member
   from assignments a join projects p on p.id = a.project_id join items i on i.id = a.item_id where a.id = ?`,
  (r) => ({
    assignment: assignmentOf(r),
    slug: str(r.slug),
    projectStatus: str(r.project_status) as ProjectStatus,
    overlap: num(r.overlap),
    judgmentSchema: jsonOrNull<ProjectJudgmentSchema>(r.judgment_schema),
    minJudgments: numOrNull(r.min_judgments),
    maxJudgments: numOrNull(r.max_judgments),
    stopAgreement: numOrNull(r.stop_agreement),
    gold: bool(r.gold),
    member: bool(r.member),
  }),
);

/**
 * Params: base overlap, now, user id, item id. Seats still free on an item for a caller: the
 * judgments it wants minus judgments and other people's live leases; and whether it is gold.
 */
export const FREE_SEATS = defineQuery(
  "assignment.freeSeats",
  `select gold is not null as gold, coalesce(judgment_target, ?) + extra_overlap - judgment_count -
     (select count(*) from assignments where item_id = items.id and status = 'leased' and expires_at > ? and user_id <> ?) as free
   from items where id = ?`,
  (r) => ({ gold: bool(r.gold), free: num(r.free) }),
);

/**
 * Params: item id. Locks the item's row on PostgreSQL (as a claim's pick does, `lockFor`), waiting for
 * whoever holds it, before a statement of its own counts the item's seats; a plain read on SQLite.
 */
export const LOCK_ITEM = defineQuery("assignment.lockItem", (d) => `select id from items where id = ?${d.kind === "postgres" ? " for no key update" : ""}`);

/** Params: closed at, assignment id. */
export const SUBMIT_LEASE = defineQuery("assignment.submitLease", `update assignments set status = 'submitted', closed_at = ? where id = ?`);

/** Params: item id. The counter claiming relies on (items.judgment_count). */
export const COUNT_JUDGMENT = defineQuery("assignment.countJudgment", `update items set judgment_count = judgment_count + 1 where id = ?`);

/** Params: assignment id. Counts a judgment on its annotator in the project (annotator_totals, which a claim reads). */
export const COUNT_ANNOTATOR_JUDGMENT = defineQuery(
  "assignment.countAnnotatorJudgment",
  `insert into annotator_totals (project_id, user_id, judged) select project_id, user_id, 1 from assignments where id = ?
   on conflict (project_id, user_id) do update set judged = annotator_totals.judged + 1`,
);

/** Params: skip reason, closed at, assignment id. */
export const SKIP_LEASE = defineQuery("assignment.skipLease", `update assignments set status = 'skipped', skip_reason = ?, closed_at = ? where id = ?`);
