// The statements of lib/services/reports.ts (the time and pay report): a project's judgments in a
// time window, and the annotators who made them.
import { bool, defineQuery, num, numOrNull, str, strOrNull } from "../engine";
import type { Verdict } from "../../lib/formats/verdict";
import { GOLD_VERDICT_SQL, VERDICT_JOIN_SQL, VERDICT_SQL } from "./verdict";

/** A judgment as the report sums it (lib/stats ReportJudgment). */
export interface ReportJudgmentRow {
  annotator: number;
  createdAt: number;
  durationMs: number | null;
  /** Its pairwise verdict (item order), null for other judgment types. */
  verdict: Verdict | null;
  /** The item's gold verdict, null for an ordinary item. */
  gold: Verdict | null;
}
/**
 * Params: project id, window start and end (timestamps, `at`). Unordered: the report's sums do not
 * depend on the order. No index covers created_at: the project's judgments are read through
 * (project_id, item_id) and the window narrows them; the exact local days are decided in lib/stats.
 */
export const REPORT_JUDGMENTS = defineQuery(
  "reports.judgments",
  `select j.user_id, j.created_at, j.duration_ms, case when j.type = 'pairwise' then ${VERDICT_SQL} end as verdict, ${GOLD_VERDICT_SQL} as gold
  from judgments j join items i on i.id = j.item_id ${VERDICT_JOIN_SQL}
  where j.project_id = ? and j.created_at >= ? and j.created_at < ?`,
  (r): ReportJudgmentRow => ({
    annotator: num(r.user_id),
    createdAt: num(r.created_at),
    durationMs: numOrNull(r.duration_ms),
    verdict: strOrNull(r.verdict) as Verdict | null,
    gold: strOrNull(r.gold) as Verdict | null,
  }),
);

/** An annotator as the report names them (lib/stats ReportAnnotator). */
export interface ReportAnnotatorRow {
  user_id: number;
  email: string;
  name: string;
  external: boolean;
}
/** Params: the user ids as a JSON array (jsonText). */
export const REPORT_USERS = defineQuery(
  "reports.users",
  (d) => `select id, email, name, external from users where id in (select cast(ids.value as integer) from ${d.eachText(d.jsonParam, "ids")}) order by id`,
  (r): ReportAnnotatorRow => ({ user_id: num(r.id), email: str(r.email), name: str(r.name), external: bool(r.external) }),
);
