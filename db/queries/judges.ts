// Statements on AI judges and their verdicts (ai_judgments), which live apart from human judgments:
// nothing that serves work or counts human agreement reads this table, and an export only with --include-ai-judgments.
import type { Prompt } from "../../lib/formats/record";
import { bool, defineQuery, json, num, numOrNull, str, strOrNull } from "../engine";
import type { JudgeRunStatus } from "../schema/constants";

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

/** A judge run started over HTTP, with its progress. */
export interface JudgeRunRow {
  id: number;
  judge: string;
  judgeId: number;
  project: string;
  projectId: number;
  status: JudgeRunStatus;
  itemLimit: number | null;
  items: number;
  judged: number;
  failed: number;
  failures: { item: string; error: string }[];
  error: string | null;
  createdAt: number;
  finishedAt: number | null;
}

const JUDGE_RUN_SELECT = `select r.id, j.name as judge, r.judge_id, p.slug as project, r.project_id, r.status, r.item_limit, r.items, r.judged, r.failed, r.failures, r.error, r.created_at, r.finished_at
  from judge_runs r join judges j on j.id = r.judge_id join projects p on p.id = r.project_id`;

const judgeRunRow = (r: Record<string, unknown>): JudgeRunRow => ({
  id: num(r.id),
  judge: str(r.judge),
  judgeId: num(r.judge_id),
  project: str(r.project),
  projectId: num(r.project_id),
  status: str(r.status) as JudgeRunStatus,
  itemLimit: numOrNull(r.item_limit),
  items: num(r.items),
  judged: num(r.judged),
  failed: num(r.failed),
  failures: json<{ item: string; error: string }[]>(r.failures),
  error: strOrNull(r.error),
  createdAt: num(r.created_at),
  finishedAt: numOrNull(r.finished_at),
});

/** Params: judge id, project id, item limit, created by, created at. Starts running, with no failures. */
export const JUDGE_RUN_INSERT = defineQuery(
  "judges.runInsert",
  `insert into judge_runs (judge_id, project_id, status, item_limit, failures, created_by, created_at) values (?, ?, 'running', ?, '[]', ?, ?) returning id`,
  (r) => num(r.id),
);

export const JUDGE_RUN_BY_ID = defineQuery("judges.run", `${JUDGE_RUN_SELECT} where r.id = ?`, judgeRunRow);

/** A project's judge runs, newest first. Params: project id. */
export const JUDGE_RUNS_OF_PROJECT = defineQuery("judges.runsOfProject", `${JUDGE_RUN_SELECT} where r.project_id = ? order by r.id desc`, judgeRunRow);

/** The running run of a judge on a project, if any. Params: judge id, project id. */
export const JUDGE_RUN_RUNNING = defineQuery("judges.runRunning", "select id from judge_runs where judge_id = ? and project_id = ? and status = 'running' order by id desc limit 1", (r) => num(r.id));

/** Just the status (polled while a run works, to notice a cancellation). Params: run id. */
export const JUDGE_RUN_STATUS = defineQuery("judges.runStatus", "select status from judge_runs where id = ?", (r) => str(r.status) as JudgeRunStatus);

/** Params: items, judged, failed, failures (JSON), run id. Written by the run's worker only (also after a cancel, for the verdicts stored until it stopped). */
export const JUDGE_RUN_PROGRESS = defineQuery(
  "judges.runProgress",
  (d) => `update judge_runs set items = ?, judged = ?, failed = ?, failures = ${d.jsonParam} where id = ?`,
);

/** Params: status (done or failed), error, finished at, run id. A cancelled run stays cancelled. */
export const JUDGE_RUN_FINISH = defineQuery("judges.runFinish", "update judge_runs set status = ?, error = ?, finished_at = ? where id = ? and status = 'running'");

/** Params: finished at, run id. Only a running run is cancelled. */
export const JUDGE_RUN_CANCEL = defineQuery("judges.runCancel", "update judge_runs set status = 'cancelled', finished_at = ? where id = ? and status = 'running'");
