// The statements an export reads (lib/services/exporter.ts): a project's judged items, their
// candidates, judgments and adjudications, each in item order so the export merges them as they stream.
import type { JudgmentType, StoredJudgment } from "@/lib/formats/judgment";
import type { Choice, Prompt } from "@/lib/formats/record";
import type { Verdict } from "@/lib/formats/verdict";
import { bool, defineQuery, json, jsonOrNull, num, numOrNull, str, strOrNull } from "../engine";

/**
 * Whether any prompt of the project is a conversation (more than one message, or one that is not
 * the user's): a plain string prompt has no element 0, a one-message user prompt no element 1.
 */
export const anyMultiTurnPrompt = defineQuery(
  "exporter.anyMultiTurnPrompt",
  `select 1 as found from items where project_id = ? and (prompt -> 1 is not null or (prompt -> 0 ->> 'role') <> 'user') limit 1`,
  (r) => num(r.found) === 1,
);

// The items an export reads: the project's items with at least one judgment.
const JUDGED = "(select j.item_id from judgments j where j.project_id = ?)";

export interface ExportItemRow {
  id: number;
  externalId: string;
  prompt: Prompt;
  gold: boolean;
}

/** The judged items, in id order (their ids from the judgments index, so no sort). Params: project id. */
export const judgedItems = defineQuery(
  "exporter.judgedItems",
  `select i.id, i.external_id, i.prompt, i.gold is not null as gold from items i where i.id in ${JUDGED} order by i.id`,
  (r): ExportItemRow => ({ id: num(r.id), externalId: str(r.external_id), prompt: json<Prompt>(r.prompt), gold: bool(r.gold) }),
);

// With AI verdicts (--include-ai-judgments): also the items only a judge has a verdict on.
const JUDGED_OR_AI = "(select j.item_id from judgments j where j.project_id = ? union select x.item_id from ai_judgments x join items xi on xi.id = x.item_id where xi.project_id = ?)";

/** judgedItems, with the items a judge has a verdict on. Params: project id, project id. */
export const judgedOrAiItems = defineQuery(
  "exporter.judgedOrAiItems",
  `select i.id, i.external_id, i.prompt, i.gold is not null as gold from items i where i.id in ${JUDGED_OR_AI} order by i.id`,
  (r): ExportItemRow => ({ id: num(r.id), externalId: str(r.external_id), prompt: json<Prompt>(r.prompt), gold: bool(r.gold) }),
);

export interface ExportCandidateRow {
  itemId: number;
  id: number;
  content: string;
  model: string | null;
}

/** The candidates of the judged items, in item order, then position. Params: project id. */
export const judgedItemCandidates = defineQuery(
  "exporter.judgedItemCandidates",
  `select c.item_id, c.id, c.content, c.model from candidates c where c.item_id in ${JUDGED} order by c.item_id, c.position, c.id`,
  (r): ExportCandidateRow => ({ itemId: num(r.item_id), id: num(r.id), content: str(r.content), model: strOrNull(r.model) }),
);

/** judgedItemCandidates, with the items a judge has a verdict on. Params: project id, project id. */
export const judgedOrAiItemCandidates = defineQuery(
  "exporter.judgedOrAiItemCandidates",
  `select c.item_id, c.id, c.content, c.model from candidates c where c.item_id in ${JUDGED_OR_AI} order by c.item_id, c.position, c.id`,
  (r): ExportCandidateRow => ({ itemId: num(r.item_id), id: num(r.id), content: str(r.content), model: strOrNull(r.model) }),
);

/** An AI judge's verdict as an export reads it (in the item's own order). */
export interface ExportAiJudgmentRow {
  itemId: number;
  id: number;
  judge: string;
  verdict: Verdict;
  positionConsistent: boolean;
  answerStraight: string;
  answerSwapped: string;
  latencyMs: number;
  createdAt: number;
}

/** The project's AI verdicts, in item order, then judge name. Params: project id. */
export const projectAiJudgments = defineQuery(
  "exporter.projectAiJudgments",
  `select x.item_id, x.id, j.name as judge, x.verdict, x.position_consistent, x.answer_straight, x.answer_swapped, x.latency_ms, x.created_at
   from ai_judgments x join judges j on j.id = x.judge_id join items i on i.id = x.item_id
   where i.project_id = ? order by x.item_id, j.name`,
  (r): ExportAiJudgmentRow => ({
    itemId: num(r.item_id),
    id: num(r.id),
    judge: str(r.judge),
    verdict: str(r.verdict) as Verdict,
    positionConsistent: bool(r.position_consistent),
    answerStraight: str(r.answer_straight),
    answerSwapped: str(r.answer_swapped),
    latencyMs: num(r.latency_ms),
    createdAt: num(r.created_at),
  }),
);

export interface ExportJudgmentRow {
  itemId: number;
  id: number;
  userId: number;
  type: JudgmentType;
  /** Slot terms. */
  choice: Choice | null;
  winnerId: number | null;
  slotOrder: number[];
  payload: StoredJudgment | null;
  gold: boolean;
  source: string;
  durationMs: number | null;
  rationale: string | null;
  createdAt: number;
}

/** Every judgment of the project, in item order, then id. Params: project id. */
export const projectJudgments = defineQuery(
  "exporter.projectJudgments",
  `select item_id, id, user_id, type, choice, winner_candidate_id, slot_order, payload, gold, source, duration_ms, rationale, created_at
   from judgments where project_id = ? order by item_id, id`,
  (r): ExportJudgmentRow => ({
    itemId: num(r.item_id),
    id: num(r.id),
    userId: num(r.user_id),
    type: str(r.type) as JudgmentType,
    choice: strOrNull(r.choice) as Choice | null,
    winnerId: numOrNull(r.winner_candidate_id),
    slotOrder: json<number[]>(r.slot_order),
    payload: jsonOrNull<StoredJudgment>(r.payload),
    gold: bool(r.gold),
    source: str(r.source),
    durationMs: numOrNull(r.duration_ms),
    rationale: strOrNull(r.rationale),
    createdAt: num(r.created_at),
  }),
);

export interface ExportAdjudicationRow {
  itemId: number;
  /** In the item's order (a verdict). */
  verdict: Verdict;
  winnerId: number | null;
}

/** The adjudications of the project's items (one at most per item), in item order. Params: project id. */
export const projectAdjudications = defineQuery(
  "exporter.projectAdjudications",
  `select a.item_id, a.choice, a.winner_candidate_id from adjudications a join items i on i.id = a.item_id
   where i.project_id = ? order by a.item_id`,
  (r): ExportAdjudicationRow => ({ itemId: num(r.item_id), verdict: str(r.choice) as Verdict, winnerId: numOrNull(r.winner_candidate_id) }),
);

/** An account's email, when annotators are revealed. */
export const userEmail = defineQuery("exporter.userEmail", "select email from users where id = ?", (r) => str(r.email));
