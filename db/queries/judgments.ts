// Judgments: recording one (the annotation hot path), finding it again for a retry, undoing and
// revising it (earlier versions go to judgment_revisions), and an annotator's own history.
import type { JudgmentType, ProjectJudgmentSchema, StoredJudgment } from "../../lib/formats/judgment";
import type { Choice } from "../../lib/formats/record";
import { bool, defineQuery, json, jsonOrNull, num, numOrNull, str, strOrNull, type Dialect, type EngineKind, type Row } from "../engine";
import type { JudgmentSource } from "../schema/constants";

export interface JudgmentRow {
  id: number;
  projectId: number;
  itemId: number;
  userId: number;
  /** Null for imported judgments, which were never leased. */
  assignmentId: number | null;
  type: JudgmentType;
  /** A pairwise choice as shown on screen (slot terms). */
  choice: Choice | null;
  winnerCandidateId: number | null;
  slotOrder: number[];
  payload: StoredJudgment | null;
  rationale: string | null;
  durationMs: number | null;
  clientId: string | null;
  source: JudgmentSource;
  gold: boolean;
  revision: number;
  createdAt: number;
  updatedAt: number | null;
}

const COLUMNS = [
  "id",
  "project_id",
  "item_id",
  "user_id",
  "assignment_id",
  "type",
  "choice",
  "winner_candidate_id",
  "slot_order",
  "payload",
  "rationale",
  "duration_ms",
  "client_id",
  "source",
  "gold",
  "revision",
  "created_at",
  "updated_at",
];

/** The judgments columns, qualified by `alias` when given. */
function columns(alias?: string): string {
  return COLUMNS.map((c) => (alias ? `${alias}.${c}` : c)).join(", ");
}

function judgmentRow(r: Row): JudgmentRow {
  return {
    id: num(r.id),
    projectId: num(r.project_id),
    itemId: num(r.item_id),
    userId: num(r.user_id),
    assignmentId: numOrNull(r.assignment_id),
    type: str(r.type) as JudgmentType,
    choice: strOrNull(r.choice) as Choice | null,
    winnerCandidateId: numOrNull(r.winner_candidate_id),
    slotOrder: json<number[]>(r.slot_order),
    payload: jsonOrNull<StoredJudgment>(r.payload),
    rationale: strOrNull(r.rationale),
    durationMs: numOrNull(r.duration_ms),
    clientId: strOrNull(r.client_id),
    source: str(r.source) as JudgmentSource,
    gold: bool(r.gold),
    revision: num(r.revision),
    createdAt: num(r.created_at),
    updatedAt: numOrNull(r.updated_at),
  };
}

const INSERT_COLUMNS = "project_id, item_id, user_id, assignment_id, type, choice, winner_candidate_id, slot_order, payload, rationale, duration_ms, client_id, source, gold, created_at";

/**
 * Records a judgment made in the app. Params: project id, item id, user id, assignment id, type,
 * choice, winner candidate id, slot order (jsonText), payload (jsonText), rationale, duration ms,
 * client id, gold (boolean), created_at (at).
 *
 * On PostgreSQL the same statement also closes the lease (submitted, at created_at) and counts the
 * judgment on its item and its annotator (what SUBMIT_LEASE, COUNT_JUDGMENT and
 * COUNT_ANNOTATOR_JUDGMENT of db/queries/assignment.ts do), with
 * data-modifying CTEs, each run exactly once: every statement inside the write lock is a round trip
 * that every other writer waits for, and this is the hottest write. SQLite has no writable CTE and
 * needs none (a statement is a call in process, not a round trip): there it is the insert alone,
 * and the service closes the lease itself (`RECORD_CLOSES_LEASE`).
 */
export const RECORD_JUDGMENT = defineQuery(
  "judgments.record",
  (d) =>
    d.kind === "sqlite"
      ? `insert into judgments (${INSERT_COLUMNS}) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'app', ?, ?) returning ${columns()}`
      : `with j as (insert into judgments (${INSERT_COLUMNS}) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'app', ?, ?) returning ${columns()}),
    closed as (update assignments a set status = 'submitted', closed_at = j.created_at from j where a.id = j.assignment_id returning a.item_id, a.project_id, a.user_id),
    counted as (update items i set judgment_count = i.judgment_count + 1 from closed where i.id = closed.item_id),
    tallied as (insert into annotator_totals (project_id, user_id, judged) select project_id, user_id, 1 from closed
      on conflict (project_id, user_id) do update set judged = annotator_totals.judged + 1)
    select * from j`,
  judgmentRow,
);

/** Whether RECORD_JUDGMENT also closes the lease and counts the judgment, by engine. */
export const RECORD_CLOSES_LEASE: Record<EngineKind, boolean> = { sqlite: false, postgres: true };

/** The annotator's judgment on an item (one at most: the judgments_item_user_idx unique index finds it). Params: item id, user id. */
export const JUDGMENT_OF_ITEM = defineQuery("judgments.ofItem", `select ${columns()} from judgments where item_id = ? and user_id = ?`, judgmentRow);

/** A project's overlap settings and judgment schema, as a judgment's change needs them. */
export interface JudgedProject {
  judgmentSchema: ProjectJudgmentSchema | null;
  overlap: number;
  minJudgments: number | null;
  maxJudgments: number | null;
  stopAgreement: number | null;
}

const PROJECT_COLUMNS = "p.judgment_schema, p.overlap, p.min_judgments, p.max_judgments, p.stop_agreement";

function withProject(r: Row): { judgment: JudgmentRow; project: JudgedProject } {
  return {
    judgment: judgmentRow(r),
    project: {
      judgmentSchema: jsonOrNull<ProjectJudgmentSchema>(r.judgment_schema),
      overlap: num(r.overlap),
      minJudgments: numOrNull(r.min_judgments),
      maxJudgments: numOrNull(r.max_judgments),
      stopAgreement: numOrNull(r.stop_agreement),
    },
  };
}

/** The annotator's judgment on an assignment, with its project. Params: assignment id, user id. */
export const JUDGMENT_OF_ASSIGNMENT = defineQuery(
  "judgments.ofAssignment",
  `select ${columns("j")}, ${PROJECT_COLUMNS} from judgments j join projects p on p.id = j.project_id where j.assignment_id = ? and j.user_id = ?`,
  withProject,
);

/** A judgment by id, with its project. */
export const JUDGMENT_BY_ID = defineQuery(
  "judgments.byId",
  `select ${columns("j")}, ${PROJECT_COLUMNS} from judgments j join projects p on p.id = j.project_id where j.id = ?`,
  withProject,
);

/** The id of the annotator's latest judgment in a project. Params: project id, user id. */
export const LATEST_JUDGMENT_ID = defineQuery(
  "judgments.latestId",
  "select id from judgments where project_id = ? and user_id = ? order by created_at desc, id desc limit 1",
  (r) => num(r.id),
);

export const DELETE_JUDGMENT = defineQuery("judgments.delete", "delete from judgments where id = ?");

/** A withdrawn judgment (undone, or a qualification attempt reset) no longer counts on its item (judgment_count, which claiming relies on). */
export const UNCOUNT_JUDGMENT = defineQuery(
  "judgments.uncount",
  (d) => `update items set judgment_count = ${d.greatest("judgment_count - 1", "0")} where id = ?`,
);

/** A judgment taken back (undone, or a qualification attempt reset) no longer counts on its annotator. Params: project id, user id. */
export const UNCOUNT_ANNOTATOR_JUDGMENT = defineQuery(
  "judgments.uncountAnnotator",
  (d) => `update annotator_totals set judged = ${d.greatest("judged - 1", "0")} where project_id = ? and user_id = ?`,
);

/** An undone judgment's assignment is leased to its annotator again. */
export const REOPEN_LEASE = defineQuery("judgments.reopenLease", "update assignments set status = 'leased', closed_at = null where id = ?");

/** Keeps a judgment's version before a revision. Params: judgment id, revision, choice, payload (jsonText), rationale, created_at (at). */
export const INSERT_REVISION = defineQuery(
  "judgments.insertRevision",
  "insert into judgment_revisions (judgment_id, revision, choice, payload, rationale, created_at) values (?, ?, ?, ?, ?, ?)",
);

/**
 * Replaces a judgment's content with its next revision. Params: type, choice, winner candidate id,
 * payload (jsonText), rationale, revision, updated_at (at), duration ms, judgment id.
 */
export const REVISE_JUDGMENT = defineQuery(
  "judgments.revise",
  `update judgments set type = ?, choice = ?, winner_candidate_id = ?, payload = ?, rationale = ?, revision = ?, updated_at = ?, duration_ms = ?
    where id = ? returning ${columns()}`,
  judgmentRow,
);

export const COUNT_MY_JUDGMENTS = defineQuery(
  "judgments.countMine",
  "select count(*) as n from judgments where project_id = ? and user_id = ?",
  (r) => num(r.n),
);

/**
 * Whether the prompt of the items row `i` has text matching the `like` pattern param (escape `\`),
 * case-insensitively: a plain prompt's text or any turn's `content` of a conversation, never the
 * JSON around them (a search for "user" does not find every conversation). Two params: the pattern, twice.
 */
function promptMatches(d: Dialect): string {
  return d.kind === "sqlite"
    ? `(json_type(i.prompt) = 'text' and i.prompt ->> '$' like ? escape '\\')
       or (json_type(i.prompt) = 'array' and exists (select 1 from json_each(i.prompt) m where m.value ->> 'content' like ? escape '\\'))`
    : `(jsonb_typeof(i.prompt) = 'string' and i.prompt #>> '{}' ilike ? escape '\\')
       or (jsonb_typeof(i.prompt) = 'array' and exists (select 1 from jsonb_array_elements(i.prompt) m where m ->> 'content' ilike ? escape '\\'))`;
}

/**
 * The annotator's judgments in a project that the search finds, with their items as `i`. Params:
 * project id, user id, then the search four times: null for all, else a `like` pattern (escape `\`)
 * looked for in the item's external id and its prompt's text (promptMatches).
 */
const MINE = (d: Dialect) => `j.project_id = ? and j.user_id = ?
  and (cast(? as text) is null or i.external_id ${d.ilike} ? escape '\\' or ${promptMatches(d)})`;

export const COUNT_MY_HISTORY = defineQuery(
  "judgments.historyCount",
  (d) => `select count(*) as n from judgments j join items i on i.id = j.item_id where ${MINE(d)}`,
  (r) => num(r.n),
);

export interface HistoryRow {
  judgment: JudgmentRow;
  externalId: string;
  prompt: string | { role: string; content: string }[];
  /** When the judgment's lease runs out (null for imported judgments, or a lease gone with its assignment). */
  leaseExpiresAt: number | null;
}

/** One page of the history, newest first. Params: MINE's, then limit and offset. */
export const MY_HISTORY = defineQuery(
  "judgments.history",
  (d) => `select ${columns("j")}, i.external_id, i.prompt, a.expires_at as lease_expires_at
    from judgments j join items i on i.id = j.item_id left join assignments a on a.id = j.assignment_id
    where ${MINE(d)}
    order by j.created_at desc, j.id desc limit ? offset ?`,
  (r): HistoryRow => ({
    judgment: judgmentRow(r),
    externalId: str(r.external_id),
    prompt: json<HistoryRow["prompt"]>(r.prompt),
    leaseExpiresAt: numOrNull(r.lease_expires_at),
  }),
);

/** The content of every candidate of the items in the JSON array param, by candidate id. */
export const CANDIDATE_CONTENTS = defineQuery(
  "judgments.candidateContents",
  (d) => `select c.id, c.content from candidates c where c.item_id in (select cast(v.value as integer) from ${d.eachText(d.jsonParam, "v")})`,
  (r) => ({ id: num(r.id), content: str(r.content) }),
);
