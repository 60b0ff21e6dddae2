// Adjudication: the queue of disputed items with what their annotators said, a manager's final
// verdict on an item, and sending an item back for more judgments.
import type { Verdict } from "../../lib/formats/verdict";
import { bool, defineQuery, json, num, numOrNull, str, strOrNull } from "../engine";
import { VERDICT_JOIN_SQL, VERDICT_SQL } from "./verdict";

export interface DisputedRow {
  itemId: number;
  /** Pairwise judgments with a verdict, and how many share the most common one. */
  total: number;
  top: number;
}

/**
 * Non-gold items with at least two pairwise verdicts and no strict majority, or whose agreement is
 * below the threshold; under adaptive overlap only items that have all the judgments they need.
 * Params: project id, agreement threshold (twice; null for none), adaptive (boolean), base overlap,
 * resolved (boolean: include items that already have an adjudication).
 */
export const DISPUTED_ITEMS = defineQuery(
  "adjudication.disputed",
  `with verdicts as (
      select j.item_id, ${VERDICT_SQL} as verdict from judgments j
      join items i on i.id = j.item_id and i.gold is null
      ${VERDICT_JOIN_SQL}
      where j.project_id = ? and j.choice is not null),
    counts as (select item_id, verdict, count(*) as n from verdicts where verdict is not null group by item_id, verdict),
    per_item as (select item_id, sum(n) as total, max(n) as top from counts group by item_id)
    select p.item_id, p.total, p.top from per_item p join items i on i.id = p.item_id
    where p.total >= 2 and (p.top * 2 <= p.total or (cast(? as real) is not null and 1.0 * p.top / p.total < ?))
      and (? = false or i.judgment_count >= coalesce(i.judgment_target, ?) + i.extra_overlap)
      and (? = true or not exists (select 1 from adjudications a where a.item_id = p.item_id))
    order by p.item_id`,
  (r): DisputedRow => ({ itemId: num(r.item_id), total: num(r.total), top: num(r.top) }),
);

export interface DisputedItemRow {
  id: number;
  externalId: string;
  prompt: string | { role: string; content: string }[];
  extraOverlap: number;
  judgmentTarget: number | null;
}

export const DISPUTED_ITEM = defineQuery(
  "adjudication.item",
  "select id, external_id, prompt, extra_overlap, judgment_target from items where id = ?",
  (r): DisputedItemRow => ({
    id: num(r.id),
    externalId: str(r.external_id),
    prompt: json<DisputedItemRow["prompt"]>(r.prompt),
    extraOverlap: num(r.extra_overlap),
    judgmentTarget: numOrNull(r.judgment_target),
  }),
);

export interface ItemCandidateRow {
  id: number;
  position: number;
  content: string;
  model: string | null;
}

/** An item's candidates in position order (A first). */
export const ITEM_CANDIDATES = defineQuery(
  "adjudication.candidates",
  "select id, position, content, model from candidates where item_id = ? order by position",
  (r): ItemCandidateRow => ({ id: num(r.id), position: num(r.position), content: str(r.content), model: strOrNull(r.model) }),
);

export interface ItemJudgmentRow {
  id: number;
  verdict: Verdict | null;
  rationale: string | null;
  source: string;
  createdAt: number;
  userId: number;
  email: string;
  name: string;
  external: boolean;
}

/** An item's judgments in recorded order, each with its verdict and annotator. */
export const ITEM_JUDGMENTS = defineQuery(
  "adjudication.judgments",
  `select j.id, ${VERDICT_SQL} as verdict, j.rationale, j.source, j.created_at, u.id as user_id, u.email, u.name, u.external
    from judgments j join users u on u.id = j.user_id ${VERDICT_JOIN_SQL}
    where j.item_id = ? order by j.created_at, j.id`,
  (r): ItemJudgmentRow => ({
    id: num(r.id),
    verdict: strOrNull(r.verdict) as Verdict | null,
    rationale: strOrNull(r.rationale),
    source: str(r.source),
    createdAt: num(r.created_at),
    userId: num(r.user_id),
    email: str(r.email),
    name: str(r.name),
    external: bool(r.external),
  }),
);

export interface AdjudicationRow {
  itemId: number;
  userId: number | null;
  choice: Verdict;
  winnerCandidateId: number | null;
  note: string | null;
  /** The adjudicator's email (null once their account is gone). */
  by: string | null;
  createdAt: number;
}

export const ADJUDICATION_OF_ITEM = defineQuery(
  "adjudication.ofItem",
  `select a.item_id, a.user_id, a.choice, a.winner_candidate_id, a.note, u.email, a.created_at
    from adjudications a left join users u on u.id = a.user_id where a.item_id = ?`,
  (r): AdjudicationRow => ({
    itemId: num(r.item_id),
    userId: numOrNull(r.user_id),
    choice: str(r.choice) as Verdict,
    winnerCandidateId: numOrNull(r.winner_candidate_id),
    note: strOrNull(r.note),
    by: strOrNull(r.email),
    createdAt: num(r.created_at),
  }),
);

export const ITEM_PROJECT = defineQuery("adjudication.itemProject", "select id, project_id from items where id = ?", (r) => ({
  id: num(r.id),
  projectId: num(r.project_id),
}));

/**
 * Records an item's final verdict, replacing an earlier one. Params: item id, user id, choice,
 * winner candidate id, payload (jsonText), note, created_at (at).
 */
export const UPSERT_ADJUDICATION = defineQuery(
  "adjudication.upsert",
  `insert into adjudications (item_id, user_id, choice, winner_candidate_id, payload, note, created_at) values (?, ?, ?, ?, ?, ?, ?)
    on conflict (item_id) do update set user_id = excluded.user_id, choice = excluded.choice, winner_candidate_id = excluded.winner_candidate_id,
      payload = excluded.payload, note = excluded.note, created_at = excluded.created_at`,
);

/** Adds `extra` to an item's extra overlap. Params: extra, item id. */
export const ADD_EXTRA_OVERLAP = defineQuery(
  "adjudication.addExtraOverlap",
  "update items set extra_overlap = extra_overlap + ? where id = ? returning extra_overlap, judgment_target, project_id",
  (r) => ({ extraOverlap: num(r.extra_overlap), judgmentTarget: numOrNull(r.judgment_target), projectId: num(r.project_id) }),
);

/** A project's overlap settings (what an item without an adaptive target wants), by id. */
export const PROJECT_OVERLAP = defineQuery(
  "adjudication.projectOverlap",
  "select overlap, min_judgments, max_judgments, stop_agreement from projects where id = ?",
  (r) => ({ overlap: num(r.overlap), minJudgments: numOrNull(r.min_judgments), maxJudgments: numOrNull(r.max_judgments), stopAgreement: numOrNull(r.stop_agreement) }),
);
