// The statements of qualification and training (lib/services/qualification.ts): a project's
// qualification settings, annotators' attempts and the answers that counted towards them.
import { bool, defineQuery, num, numOrNull, str, strOrNull } from "../engine";
import type { QualificationStatus } from "../schema/constants";
import type { Verdict } from "../../lib/formats/verdict";

/** A project's qualification settings. */
export interface QualificationSettings {
  id: number;
  slug: string;
  /** Gold items the qualification asks for; null when the project has none. */
  required: number | null;
  accuracy: number;
  training: boolean;
}

/** Params: project id. */
export const SETTINGS = defineQuery<QualificationSettings>(
  "qualification.settings",
  `select id, slug, qualification_items, qualification_accuracy, training_mode from projects where id = ?`,
  (r) => ({ id: num(r.id), slug: str(r.slug), required: numOrNull(r.qualification_items), accuracy: num(r.qualification_accuracy), training: bool(r.training_mode) }),
);

export interface Attempt {
  id: number;
  attempt: number;
  status: QualificationStatus;
  judged: number;
  correct: number;
}

const attemptOf = (r: Record<string, unknown>): Attempt => ({
  id: num(r.id),
  attempt: num(r.attempt),
  status: str(r.status) as QualificationStatus,
  judged: num(r.judged),
  correct: num(r.correct),
});

/** Params: project id, user id. The current (highest) attempt. */
export const CURRENT_ATTEMPT = defineQuery<Attempt>(
  "qualification.currentAttempt",
  `select id, attempt, status, judged, correct from qualification_attempts where project_id = ? and user_id = ? order by attempt desc limit 1`,
  attemptOf,
);

/** Params: project id, user id, attempt number, started at. */
export const START_ATTEMPT = defineQuery<Attempt>(
  "qualification.startAttempt",
  `insert into qualification_attempts (project_id, user_id, attempt, status, started_at) values (?, ?, ?, 'pending', ?)
   returning id, attempt, status, judged, correct`,
  attemptOf,
);

/** Params: status, decided at, attempt id. */
export const DECIDE_ATTEMPT = defineQuery("qualification.decideAttempt", `update qualification_attempts set status = ?, decided_at = ? where id = ?`);

/** Params: correct (1 or 0), attempt id. Counts one answer and returns the attempt as it now stands. */
export const COUNT_ANSWER = defineQuery<Attempt>(
  "qualification.countAnswer",
  `update qualification_attempts set judged = judged + 1, correct = correct + ? where id = ? returning id, attempt, status, judged, correct`,
  attemptOf,
);

/** Params: attempt id, item id, judgment id, choice, verdict, correct, created at. */
export const INSERT_ANSWER = defineQuery(
  "qualification.insertAnswer",
  `insert into qualification_answers (attempt_id, item_id, judgment_id, choice, verdict, correct, created_at) values (?, ?, ?, ?, ?, ?, ?)`,
);

/** Params: project id. Annotators whose current attempt failed. */
export const FAILED_USERS = defineQuery(
  "qualification.failedUsers",
  `select q.user_id from qualification_attempts q where q.project_id = ? and q.status = 'failed'
     and q.attempt = (select max(attempt) from qualification_attempts m where m.project_id = q.project_id and m.user_id = q.user_id)`,
  (r) => num(r.user_id),
);

/** Params: user id, project id, now. The gold items the caller holds a live lease on. */
export const LIVE_GOLD_LEASES = defineQuery(
  "qualification.liveGoldLeases",
  `select count(*) as n from assignments a join items i on i.id = a.item_id
   where a.user_id = ? and a.project_id = ? and a.status = 'leased' and a.expires_at > ? and i.gold is not null`,
  (r) => num(r.n),
);

/** Params: item id. A gold item's verdict and explanation (both null for an ordinary item). */
export const GOLD_ANSWER = defineQuery(
  "qualification.goldAnswer",
  `select gold ->> 'choice' as verdict, gold ->> 'explanation' as explanation from items where id = ?`,
  (r) => ({ verdict: strOrNull(r.verdict) as Verdict | null, explanation: strOrNull(r.explanation) }),
);

/** Params: judgment id. Whether the judgment counted towards an attempt. */
export const ANSWER_OF_JUDGMENT = defineQuery("qualification.answerOfJudgment", `select attempt_id from qualification_answers where judgment_id = ? limit 1`, (r) =>
  num(r.attempt_id),
);

/** Params: slug. */
export const PROJECT_ID = defineQuery("qualification.projectId", `select id from projects where slug = ?`, (r) => num(r.id));

/** Params: email (any case). */
export const USER_ID = defineQuery("qualification.userId", `select id from users where lower(email) = lower(?)`, (r) => num(r.id));

/** Params: attempt id. The judgments that counted towards an attempt and still exist. */
export const COUNTED_JUDGMENTS = defineQuery(
  "qualification.countedJudgments",
  `select judgment_id, item_id from qualification_answers where attempt_id = ? and judgment_id is not null order by item_id`,
  (r) => ({ judgmentId: num(r.judgment_id), itemId: num(r.item_id) }),
);

/** Params: item id, user id. The submitted lease of a removed judgment, so the item can be served again. */
export const DELETE_SUBMITTED_LEASE = defineQuery("qualification.deleteSubmittedLease", `delete from assignments where item_id = ? and user_id = ? and status = 'submitted'`);

/** Params: reset at, reset by (user id or null), attempt id. */
export const END_ATTEMPT = defineQuery("qualification.endAttempt", `update qualification_attempts set reset_at = ?, reset_by = ? where id = ?`);

/** An annotator's current attempt as managers list it. */
export interface AttemptEntry extends Attempt {
  userId: number;
  email: string;
  name: string;
  startedAt: number;
  decidedAt: number | null;
  /** The reset that started this attempt, if any. */
  resetAt: number | null;
  resetBy: string | null;
}

/** Params: project id. Each annotator's current attempt, by email. */
export const CURRENT_ATTEMPTS = defineQuery<AttemptEntry>(
  "qualification.currentAttempts",
  `select q.id, q.attempt, q.status, q.judged, q.correct, q.started_at, q.decided_at,
     u.id as user_id, u.email, u.name, prev.reset_at, r.email as reset_by
   from qualification_attempts q
   join users u on u.id = q.user_id
   left join qualification_attempts prev on prev.project_id = q.project_id and prev.user_id = q.user_id and prev.attempt = q.attempt - 1
   left join users r on r.id = prev.reset_by
   where q.project_id = ? and q.attempt = (select max(attempt) from qualification_attempts m where m.project_id = q.project_id and m.user_id = q.user_id)
   order by u.email, u.id`,
  (r) => ({
    ...attemptOf(r),
    userId: num(r.user_id),
    email: str(r.email),
    name: str(r.name),
    startedAt: num(r.started_at),
    decidedAt: numOrNull(r.decided_at),
    resetAt: numOrNull(r.reset_at),
    resetBy: strOrNull(r.reset_by),
  }),
);

