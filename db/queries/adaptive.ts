// The statements of adaptive overlap (lib/services/adaptive.ts): an item's verdicts in recorded
// order, a project's items with theirs, and the judgment_target updates.
import { bool, defineQuery, num, numOrNull, strOrNull } from "../engine";
import type { Verdict } from "../../lib/formats/verdict";
import { VERDICT_JOIN_SQL, VERDICT_SQL } from "./verdict";

/** Params: item id. The item's verdicts in recorded order (the judgments_item_user_idx range of the item). */
export const ITEM_VOTES = defineQuery(
  "adaptive.itemVotes",
  `select ${VERDICT_SQL} as verdict from judgments j ${VERDICT_JOIN_SQL} where j.item_id = ? order by j.created_at, j.id`,
  (r) => strOrNull(r.verdict) as Verdict | null,
);

/** Params: target, item id, target. Sets a non-gold item's target; changes nothing when it is already that. */
export const SET_ITEM_TARGET = defineQuery(
  "adaptive.setItemTarget",
  `update items set judgment_target = ? where id = ? and gold is null and judgment_target is distinct from ?`,
);

/** Params: target (null for a gold item), item id, target. */
export const SET_TARGET = defineQuery("adaptive.setTarget", `update items set judgment_target = ? where id = ? and judgment_target is distinct from ?`);

/** Params: project id. Every item back to the fixed overlap. */
export const CLEAR_TARGETS = defineQuery("adaptive.clearTargets", `update items set judgment_target = null where project_id = ? and judgment_target is not null`);

/** One judgment of a project's item, or the item alone (judgmentId null) when it has none. */
export interface ItemVoteRow {
  itemId: number;
  gold: boolean;
  extra: number;
  judgmentId: number | null;
  verdict: Verdict | null;
}

/** Params: project id. Every item of a project with its verdicts in recorded order, one row per judgment. */
export const PROJECT_VOTES = defineQuery<ItemVoteRow>(
  "adaptive.projectVotes",
  `select i.id as item_id, i.gold is not null as gold, i.extra_overlap, j.id as judgment_id, ${VERDICT_SQL} as verdict
   from items i left join judgments j on j.item_id = i.id ${VERDICT_JOIN_SQL}
   where i.project_id = ? order by i.id, j.created_at, j.id`,
  (r) => ({
    itemId: num(r.item_id),
    gold: bool(r.gold),
    extra: num(r.extra_overlap),
    judgmentId: numOrNull(r.judgment_id),
    verdict: strOrNull(r.verdict) as Verdict | null,
  }),
);

/** A project's overlap settings, as stored. */
export interface OverlapRow {
  id: number;
  overlap: number;
  minJudgments: number | null;
  maxJudgments: number | null;
  stopAgreement: number | null;
}

/** Params: slug. */
export const PROJECT_OVERLAP = defineQuery<OverlapRow>(
  "adaptive.projectOverlap",
  `select id, overlap, min_judgments, max_judgments, stop_agreement from projects where slug = ?`,
  (r) => ({
    id: num(r.id),
    overlap: num(r.overlap),
    minJudgments: numOrNull(r.min_judgments),
    maxJudgments: numOrNull(r.max_judgments),
    stopAgreement: numOrNull(r.stop_agreement),
  }),
);
