// Qualification and training: a project may ask each annotator to judge N gold items, seeing each
// gold answer and its explanation right after, before real items are served; accuracy ≥ A passes,
// below it fails (claims refused until a manager resets the attempt). In training mode the answer is
// shown after every gold item, also after qualifying.
//
// Exactness: an attempt's counters (judged, correct) change only inside the judgment's immediate
// transaction, the decision is taken when the N-th counted answer is recorded, and a claim leases a
// qualification gold item only while judged + the annotator's live gold leases < N. A late answer (a
// lease that expired and was judged anyway) is recorded as an ordinary gold judgment, not counted.
//
// A reset ends the current attempt and starts the next: the judgments that counted towards it are
// deleted (their choice, verdict and correctness stay in qualification_answers, with the attempt),
// so the same gold items can be served again while one judgment per (item, annotator) remains the rule.
import type Database from "better-sqlite3";
import { z } from "zod";
import { QUALIFICATION_STATUSES, type Choice, type QualificationStatus } from "@/db/schema/constants";
import { choiceOfVerdict, matchesGold, verdictOfChoice, type Verdict } from "@/lib/formats/verdict";
import { audit } from "./audit";
import { nowOf, requireCaller, requireScope, type Ctx, writing } from "./context";
import { AppError, notFound, parseInput } from "./errors";
import { getWorkProjectSync } from "./projects";
import { connectionOf, prepared } from "./statements";

/** An annotator's current attempt as they and their managers see it. */
export interface QualificationView {
  status: QualificationStatus;
  /** 1 for the first attempt; each reset adds one. */
  attempt: number;
  /** Gold items judged in this attempt, and how many correctly. */
  judged: number;
  correct: number;
  /** Gold items the qualification asks for, and the accuracy that passes. */
  required: number;
  accuracy_required: number;
}

/** What the annotator sees right after judging a gold item during a qualification or in training mode. */
export interface GoldFeedback {
  /** The gold answer in the slots the annotator was shown (A = the response shown first). */
  answer: Choice;
  /** Whether their judgment matched it. */
  correct: boolean;
  explanation: string | null;
  /** Their qualification after this judgment; null when the project asks for none. */
  qualification: QualificationView | null;
}

interface Settings {
  id: number;
  slug: string;
  required: number | null;
  accuracy: number;
  training: number;
}

interface AttemptRow {
  id: number;
  attempt: number;
  status: QualificationStatus;
  judged: number;
  correct: number;
}

const SETTINGS_SQL = `select id, slug, qualification_items as required, qualification_accuracy as accuracy, training_mode as training from projects where id = ?`;
const CURRENT_SQL = `select id, attempt, status, judged, correct from qualification_attempts
  where project_id = ? and user_id = ? order by attempt desc limit 1`;

const stmt = (db: Database.Database, text: string) => prepared(db, text);

function settingsOf(db: Database.Database, projectId: number): Settings {
  return stmt(db, SETTINGS_SQL).get(projectId) as Settings;
}

function viewOf(a: AttemptRow, s: Settings): QualificationView {
  return { status: a.status, attempt: a.attempt, judged: a.judged, correct: a.correct, required: s.required ?? 0, accuracy_required: s.accuracy };
}

/** The caller's current attempt, started (attempt 1, pending) if they have none. */
function currentAttempt(db: Database.Database, projectId: number, userId: number, now: number): AttemptRow {
  const row = stmt(db, CURRENT_SQL).get(projectId, userId) as AttemptRow | undefined;
  if (row) return row;
  return stmt(
    db,
    `insert into qualification_attempts (project_id, user_id, attempt, status, started_at) values (?, ?, 1, 'pending', ?)
     returning id, attempt, status, judged, correct`,
  ).get(projectId, userId, now) as AttemptRow;
}

/** Passes or fails a pending attempt that has its N answers (N may have been lowered since). */
function decide(db: Database.Database, a: AttemptRow, s: Settings, now: number): AttemptRow {
  if (a.status !== "pending" || s.required == null || a.judged < s.required) return a;
  // Compared as counts, so 4 of 5 passes 0.8 whatever the floating point says of 4/5.
  const status: QualificationStatus = a.correct >= Math.ceil(s.accuracy * a.judged - 1e-9) ? "passed" : "failed";
  stmt(db, `update qualification_attempts set status = ?, decided_at = ? where id = ?`).run(status, now, a.id);
  return { ...a, status };
}

// The refusals' reasons are among CLAIM_REFUSALS (assignment.ts, which calls this module, so it is not imported here).
const pct = (x: number) => `${Math.round(x * 1000) / 10}%`;

/**
 * The claim's gate (inside its immediate transaction): null when the project asks for no
 * qualification; otherwise the caller's attempt, pending or passed. A failed attempt refuses the claim.
 */
export function qualificationGate(db: Database.Database, projectId: number, userId: number, now: number): QualificationView | null {
  const s = settingsOf(db, projectId);
  if (s.required == null) return null;
  const a = decide(db, currentAttempt(db, projectId, userId, now), s, now);
  if (a.status === "failed") {
    throw new AppError(
      "forbidden",
      `You did not pass the qualification of project "${s.slug}": ${a.correct} of ${a.judged} check items right (${pct(a.correct / Math.max(a.judged, 1))}), ` +
        `${pct(s.accuracy)} needed. A manager can reset your attempt.`,
      { reason: "qualification_failed", attempt: a.attempt, judged: a.judged, correct: a.correct, accuracy_required: s.accuracy },
    );
  }
  return viewOf(a, s);
}

/** The annotators whose current attempt in a project failed (the adjudication page says why they get nothing). */
export function failedQualifications(db: Database.Database, projectId: number): Set<number> {
  const rows = stmt(
    db,
    `select q.user_id as userId from qualification_attempts q where q.project_id = ? and q.status = 'failed'
       and q.attempt = (select max(attempt) from qualification_attempts m where m.project_id = q.project_id and m.user_id = q.user_id)`,
  ).all(projectId) as { userId: number }[];
  return new Set(rows.map((r) => r.userId));
}

const LIVE_GOLD_LEASES_SQL = `select count(*) as n from assignments a join items i on i.id = a.item_id
  where a.user_id = ? and a.project_id = ? and a.status = 'leased' and a.expires_at > ? and i.gold is not null`;

/**
 * The gold item to lease next to a pending annotator, picked by `pickGold`; null while the leases
 * they hold already make up the N answers (the workspace prefetches one item ahead). Refuses, for
 * the admin to act, when too few gold items are left to finish the qualification.
 */
export function pickQualificationItem(db: Database.Database, projectId: number, userId: number, now: number, q: QualificationView, pickGold: () => number | null): number | null {
  const live = (stmt(db, LIVE_GOLD_LEASES_SQL).get(userId, projectId, now) as { n: number }).n;
  if (q.judged + live >= q.required) return null;
  const itemId = pickGold();
  if (itemId != null || live > 0) return itemId;
  const slug = settingsOf(db, projectId).slug;
  throw new AppError(
    "conflict",
    `Project "${slug}" asks you to judge ${q.required} gold item(s) to qualify, and no gold item is left for you after ${q.judged}. ` +
      `An admin must add gold items or lower the qualification's number.`,
    { reason: "qualification_unavailable", required: q.required, judged: q.judged },
  );
}

interface JudgedGold {
  projectId: number;
  userId: number;
  itemId: number;
  judgmentId: number;
  /** The pairwise choice as shown (null for other judgment types, which never match a gold verdict). */
  choice: Choice | null;
  slotOrder: number[];
}

function goldOf(db: Database.Database, itemId: number): { verdict: Verdict; explanation: string | null; positions: number[] } | null {
  const row = stmt(db, `select json_extract(gold, '$.choice') as verdict, json_extract(gold, '$.explanation') as explanation from items where id = ?`).get(itemId) as
    | { verdict: Verdict | null; explanation: string | null }
    | undefined;
  if (!row?.verdict) return null;
  const positions = (stmt(db, `select id from candidates where item_id = ? order by position`).all(itemId) as { id: number }[]).map((c) => c.id);
  return { verdict: row.verdict, explanation: row.explanation ?? null, positions };
}

/**
 * Called by the judgment service, in the judgment's transaction, for a judgment on a gold item just
 * recorded: counts it towards a pending attempt (deciding it on the N-th answer) and returns the
 * feedback to show, or null when the project shows none for it.
 */
export function recordGoldJudgment(tx: unknown, j: JudgedGold, now: number): GoldFeedback | null {
  const db = connectionOf(tx);
  const s = settingsOf(db, j.projectId);
  const gold = goldOf(db, j.itemId);
  if (!gold) return null;
  const verdict = j.choice ? verdictOfChoice(j.choice, j.slotOrder, gold.positions) : null;
  const correct = verdict != null && matchesGold(verdict, gold.verdict);
  let view: QualificationView | null = null;
  let counted = false;
  if (s.required != null) {
    let a = currentAttempt(db, j.projectId, j.userId, now);
    if (a.status === "pending" && a.judged < s.required) {
      stmt(
        db,
        `insert into qualification_answers (attempt_id, item_id, judgment_id, choice, verdict, correct, created_at) values (?, ?, ?, ?, ?, ?, ?)`,
      ).run(a.id, j.itemId, j.judgmentId, j.choice, verdict, correct ? 1 : 0, now);
      a = stmt(db, `update qualification_attempts set judged = judged + 1, correct = correct + ? where id = ? returning id, attempt, status, judged, correct`).get(correct ? 1 : 0, a.id) as AttemptRow;
      a = decide(db, a, s, now);
      counted = true;
    }
    view = viewOf(a, s);
  }
  if (!counted && !s.training) return null;
  return { answer: choiceOfVerdict(gold.verdict, j.slotOrder, gold.positions) ?? gold.verdict, correct, explanation: gold.explanation, qualification: view };
}

/**
 * The feedback of a gold judgment already recorded (a retry of the same request gets it again), or
 * null when none was shown for it.
 */
export function feedbackOf(tx: unknown, j: JudgedGold): GoldFeedback | null {
  const db = connectionOf(tx);
  const s = settingsOf(db, j.projectId);
  const gold = goldOf(db, j.itemId);
  if (!gold || !(s.training || shownAnswer(db, j.judgmentId))) return null;
  const verdict = j.choice ? verdictOfChoice(j.choice, j.slotOrder, gold.positions) : null;
  const a = s.required == null ? undefined : (stmt(db, CURRENT_SQL).get(j.projectId, j.userId) as AttemptRow | undefined);
  return {
    answer: choiceOfVerdict(gold.verdict, j.slotOrder, gold.positions) ?? gold.verdict,
    correct: verdict != null && matchesGold(verdict, gold.verdict),
    explanation: gold.explanation,
    qualification: a ? viewOf(a, s) : null,
  };
}

function shownAnswer(db: Database.Database, judgmentId: number): boolean {
  return !!stmt(db, `select 1 from qualification_answers where judgment_id = ?`).get(judgmentId);
}

/**
 * Whether the annotator was shown the gold answer after this judgment (it counted towards a
 * qualification, or the project is in training mode): such a judgment can be neither undone nor
 * revised, or the answer shown could be copied into it.
 */
export function answerWasShown(tx: unknown, judgment: { id: number; projectId: number; gold: boolean }): boolean {
  if (!judgment.gold) return false;
  const db = connectionOf(tx);
  return !!settingsOf(db, judgment.projectId).training || shownAnswer(db, judgment.id);
}

/** The caller's qualification in a project (annotators: the workspace and project list); null when it asks for none. */
export function myQualification({ ctx, input }: { ctx: Ctx; input: { slug: string } }): QualificationView | null {
  const caller = requireCaller(ctx);
  requireScope(ctx, "assignment:work");
  const project = getWorkProjectSync({ ctx, input });
  if (project.qualificationItems == null) return null;
  const db = ctx.db.$client;
  const a = stmt(db, CURRENT_SQL).get(project.id, caller.userId) as AttemptRow | undefined;
  const s = settingsOf(db, project.id);
  // Not started yet: shown as pending with nothing judged (the first claim starts attempt 1).
  return viewOf(a ?? { id: 0, attempt: 1, status: "pending", judged: 0, correct: 0 }, s);
}

/** One annotator's qualification as managers see it. */
export interface QualificationEntry extends QualificationView {
  user_id: number;
  email: string;
  name: string;
  /** correct / judged, null before the first answer. */
  accuracy: number | null;
  started_at: string;
  decided_at: string | null;
  /** The last reset (which started this attempt), when there was one. */
  reset_at: string | null;
  reset_by: string | null;
}

const slugInput = z.object({ slug: z.string().trim().min(1, "required, the project's slug") });

/** Every annotator who has started the project's qualification, with their current attempt (managers). */
export function listQualifications({ ctx, input }: { ctx: Ctx; input: { slug: string } }): { required: number | null; accuracy_required: number; annotators: QualificationEntry[] } {
  requireScope(ctx, "project:read");
  const { slug } = parseInput(slugInput, input);
  const db = ctx.db.$client;
  const project = stmt(db, `select id from projects where slug = ?`).get(slug) as { id: number } | undefined;
  if (!project) throw notFound(`Project "${slug}"`);
  const s = settingsOf(db, project.id);
  const rows = db
    .prepare(
      `select q.id, q.attempt, q.status, q.judged, q.correct, q.started_at as startedAt, q.decided_at as decidedAt,
         u.id as userId, u.email, u.name, prev.reset_at as resetAt, r.email as resetBy
       from qualification_attempts q
       join users u on u.id = q.user_id
       left join qualification_attempts prev on prev.project_id = q.project_id and prev.user_id = q.user_id and prev.attempt = q.attempt - 1
       left join users r on r.id = prev.reset_by
       where q.project_id = ? and q.attempt = (select max(attempt) from qualification_attempts m where m.project_id = q.project_id and m.user_id = q.user_id)
       order by u.email`,
    )
    .all(project.id) as (AttemptRow & { startedAt: number; decidedAt: number | null; userId: number; email: string; name: string; resetAt: number | null; resetBy: string | null })[];
  const iso = (t: number | null) => (t == null ? null : new Date(t).toISOString());
  return {
    required: s.required,
    accuracy_required: s.accuracy,
    annotators: rows.map((r) => ({
      user_id: r.userId,
      email: r.email,
      name: r.name,
      ...viewOf(r, s),
      accuracy: r.judged ? r.correct / r.judged : null,
      started_at: iso(r.startedAt)!,
      decided_at: iso(r.decidedAt),
      reset_at: iso(r.resetAt),
      reset_by: r.resetBy,
    })),
  };
}

const resetInput = z.object({
  slug: z.string({ message: "required, the project's slug" }).trim().min(1, "required, the project's slug"),
  email: z.string({ message: "required, the annotator's email address" }).trim().min(1, "required, the annotator's email address").max(320, "must be at most 320 characters"),
});

/**
 * Ends an annotator's current attempt and starts the next, pending, with nothing counted: the
 * judgments that counted towards the ended attempt are deleted (kept in qualification_answers) so
 * its gold items can be served again. Managers and admins; audited.
 */
export function resetQualification({ ctx, input }: { ctx: Ctx; input: z.input<typeof resetInput> }): QualificationView {
  requireScope(ctx, "judgment:read_all");
  const data = parseInput(resetInput, input);
  const now = nowOf(ctx);
  return writing(ctx.db, (tx) => {
    const db = connectionOf(tx);
    const project = stmt(db, `select id from projects where slug = ?`).get(data.slug) as { id: number } | undefined;
    if (!project) throw notFound(`Project "${data.slug}"`);
    const user = stmt(db, `select id from users where email = ? collate nocase`).get(data.email) as { id: number } | undefined;
    if (!user) throw notFound(`User "${data.email}"`);
    const s = settingsOf(db, project.id);
    const current = stmt(db, CURRENT_SQL).get(project.id, user.id) as AttemptRow | undefined;
    if (!current) throw notFound(`A qualification attempt by ${data.email} in project "${data.slug}"`);
    const counted = stmt(db, `select judgment_id as judgmentId, item_id as itemId from qualification_answers where attempt_id = ? and judgment_id is not null`).all(current.id) as {
      judgmentId: number;
      itemId: number;
    }[];
    for (const c of counted) {
      stmt(db, `delete from judgments where id = ?`).run(c.judgmentId);
      stmt(db, `update items set judgment_count = max(judgment_count - 1, 0) where id = ?`).run(c.itemId);
      stmt(db, `delete from assignments where item_id = ? and user_id = ? and status = 'submitted'`).run(c.itemId, user.id);
    }
    stmt(db, `update qualification_attempts set reset_at = ?, reset_by = ? where id = ?`).run(now, ctx.caller?.userId ?? null, current.id);
    const next = stmt(
      db,
      `insert into qualification_attempts (project_id, user_id, attempt, status, started_at) values (?, ?, ?, 'pending', ?)
       returning id, attempt, status, judged, correct`,
    ).get(project.id, user.id, current.attempt + 1, now) as AttemptRow;
    audit(tx, ctx, {
      action: "qualification.reset",
      targetType: "user",
      targetId: user.id,
      projectId: project.id,
      detail: { slug: data.slug, email: data.email, ended: { attempt: current.attempt, status: current.status, judged: current.judged, correct: current.correct }, judgments_removed: counted.length },
    });
    return viewOf(next, s);
  });
}

export { QUALIFICATION_STATUSES };
