// Statements on AI judges and their verdicts (ai_judgments), which live apart from human judgments:
// nothing that serves work, counts human agreement or exports reads this table.
import type { Prompt } from "../../lib/formats/record";
import { bool, defineQuery, json, num, str } from "../engine";

export interface JudgeRow {
  id: number;
  name: string;
  endpointId: number;
  endpoint: string;
  prompt: string;
  createdAt: number;
}

const JUDGE_SELECT = `select j.id, j.name, j.endpoint_id, e.name as endpoint, j.prompt, j.created_at from judges j join endpoints e on e.id = j.endpoint_id`;

const judgeRow = (r: Record<string, unknown>): JudgeRow => ({
  id: num(r.id),
  name: str(r.name),
  endpointId: num(r.endpoint_id),
  endpoint: str(r.endpoint),
  prompt: str(r.prompt),
  createdAt: num(r.created_at),
});

/** Params: name, endpoint id, prompt, created at. Nothing is returned when the name is taken. */
export const JUDGE_INSERT = defineQuery(
  "judges.insert",
  `insert into judges (name, endpoint_id, prompt, created_at) values (?, ?, ?, ?) on conflict (name) do nothing returning id`,
  (r) => num(r.id),
);

export const JUDGE_BY_NAME = defineQuery("judges.byName", `${JUDGE_SELECT} where j.name = ?`, judgeRow);

export const JUDGES_LIST = defineQuery("judges.list", `${JUDGE_SELECT} order by j.name`, judgeRow);

/** A pairwise item waiting for a judge: its prompt and its two responses in the item's order. */
export interface JudgePendingRow {
  itemId: number;
  externalId: string;
  prompt: Prompt;
  responseA: string;
  responseB: string;
}

/**
 * The project's items with exactly two candidates that the judge has no verdict on, in id order.
 * Params: judge id, project id, limit.
 */
export const JUDGE_PENDING = defineQuery(
  "judges.pending",
  `select i.id as item_id, i.external_id, i.prompt, a.content as response_a, b.content as response_b
   from items i
   join candidates a on a.item_id = i.id and a.position = 0
   join candidates b on b.item_id = i.id and b.position = 1
   where not exists (select 1 from ai_judgments x where x.judge_id = ? and x.item_id = i.id)
     and i.project_id = ?
     and not exists (select 1 from candidates c where c.item_id = i.id and c.position > 1)
   order by i.id
   limit ?`,
  (r): JudgePendingRow => ({ itemId: num(r.item_id), externalId: str(r.external_id), prompt: json(r.prompt), responseA: str(r.response_a), responseB: str(r.response_b) }),
);

/**
 * Params: judge id, item id, verdict, answer straight, answer swapped, position consistent, latency ms,
 * prompt tokens, completion tokens, created at. A verdict already stored (by a run alongside) is kept: nothing is returned.
 */
export const AI_JUDGMENT_INSERT = defineQuery(
  "judges.aiJudgmentInsert",
  `insert into ai_judgments (judge_id, item_id, verdict, answer_straight, answer_swapped, position_consistent, latency_ms, prompt_tokens, completion_tokens, created_at)
   values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) on conflict (judge_id, item_id) do nothing returning id`,
  (r) => num(r.id),
);

/** A stored AI verdict with the judge's two answers, for "judge vs humans". */
export interface AiJudgmentRow {
  judge: string;
  item: number;
  verdict: "A" | "B" | "tie";
  answerStraight: string;
  answerSwapped: string;
  positionConsistent: boolean;
}

/** Every AI verdict on the project's items, by judge name and item. Params: project id. */
export const AI_JUDGMENTS_OF_PROJECT = defineQuery(
  "judges.aiJudgmentsOfProject",
  `select j.name as judge, x.item_id, x.verdict, x.answer_straight, x.answer_swapped, x.position_consistent
   from ai_judgments x join judges j on j.id = x.judge_id join items i on i.id = x.item_id
   where i.project_id = ? order by j.name, x.item_id`,
  (r): AiJudgmentRow => ({
    judge: str(r.judge),
    item: num(r.item_id),
    verdict: str(r.verdict) as AiJudgmentRow["verdict"],
    answerStraight: str(r.answer_straight),
    answerSwapped: str(r.answer_swapped),
    positionConsistent: bool(r.position_consistent),
  }),
);

/** What changes when a judge stores verdicts on the project (part of the statistics cache key). Params: project id. */
export const AI_JUDGMENTS_VERSION = defineQuery(
  "judges.aiJudgmentsVersion",
  `select count(*) as n, max(x.id) as max_id from ai_judgments x join items i on i.id = x.item_id where i.project_id = ?`,
  (r) => ({ n: num(r.n), maxId: r.max_id == null ? null : num(r.max_id) }),
);
