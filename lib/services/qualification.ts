// Qualification and training: a project may ask each annotator to judge N gold items, seeing each
// gold answer and its explanation right after, before real items are served; accuracy ≥ A passes,
// below it fails (claims refused until a manager resets the attempt). In training mode the answer is
// shown after every gold item, also after qualifying.
//
// Exactness: an attempt's counters (judged, correct) change only inside the judgment's write
// transaction (an annotator's write: no other write of theirs runs alongside it, db/engine.ts), the
// decision is taken when the N-th counted answer is recorded, and a claim leases a qualification
// gold item only while judged + the annotator's live gold leases < N. A late answer (a
// lease that expired and was judged anyway) is recorded as an ordinary gold judgment, not counted.
//
// A reset ends the current attempt and starts the next: the judgments that counted towards it are
// deleted (their choice, verdict and correctness stay in qualification_answers, with the attempt),
// so the same gold items can be served again while one judgment per (item, annotator) remains the rule.
import { z } from "zod";
import { at, type Engine, type Statements } from "@/db/engine";
import { CANDIDATE_IDS } from "@/db/queries/assignment";
import {
  ANSWER_OF_JUDGMENT,
  COUNT_ANSWER,
  COUNTED_JUDGMENTS,
  CURRENT_ATTEMPT,
  CURRENT_ATTEMPTS,
  DECIDE_ATTEMPT,
  DELETE_SUBMITTED_LEASE,
  END_ATTEMPT,
  FAILED_USERS,
  GOLD_ANSWER,
  INSERT_ANSWER,
  LIVE_GOLD_LEASES,
  PROJECT_ID,
  SETTINGS,
  START_ATTEMPT,
  USER_ID,
  type Attempt,
  type QualificationSettings,
} from "@/db/queries/qualification";
import { QUALIFICATION_STATUSES, type Choice, type QualificationStatus } from "@/db/schema/constants";
import { choiceOfVerdict, matchesGold, verdictOfChoice, type Verdict } from "@/lib/formats/verdict";
import { audit } from "./audit";
import { withdrawJudgment } from "./judgment-counts";
import { nowOf, requireCaller, requireScope, type Ctx } from "./context";
import { AppError, notFound, parseInput } from "./errors";
import { getWorkProject } from "./projects";

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


/** What the gate needs of a project's qualification (the claim reads it with the project row). */
type GateSettings = Pick<QualificationSettings, "id" | "slug" | "required" | "accuracy">;

async function settingsOf(db: Statements, projectId: number): Promise<QualificationSettings> {
  return (await db.first(SETTINGS, [projectId]))!;
}

function viewOf(a: Attempt, s: GateSettings): QualificationView {
  return { status: a.status, attempt: a.attempt, judged: a.judged, correct: a.correct, required: s.required ?? 0, accuracy_required: s.accuracy };
}

/** The caller's current attempt, started (attempt 1, pending) if they have none. */
async function currentAttempt(tx: Statements, projectId: number, userId: number, now: number): Promise<Attempt> {
  const row = await tx.first(CURRENT_ATTEMPT, [projectId, userId]);
  if (row) return row;
  return (await tx.first(START_ATTEMPT, [projectId, userId, 1, at(now)]))!;
}

/** Passes or fails a pending attempt that has its N answers (N may have been lowered since). */
async function decide(tx: Statements, a: Attempt, s: GateSettings, now: number): Promise<Attempt> {
  if (a.status !== "pending" || s.required == null || a.judged < s.required) return a;
  // Compared as counts, so 4 of 5 passes 0.8 whatever the floating point says of 4/5.
  const status: QualificationStatus = a.correct >= Math.ceil(s.accuracy * a.judged - 1e-9) ? "passed" : "failed";
  await tx.exec(DECIDE_ATTEMPT, [status, at(now), a.id]);
  return { ...a, status };
}

// The refusals' reasons are among CLAIM_REFUSALS (assignment.ts, which calls this module, so it is not imported here).
const pct = (x: number) => `${Math.round(x * 1000) / 10}%`;

/**
 * The claim's gate (inside its write transaction): null when the project asks for no
 * qualification; otherwise the caller's attempt, pending or passed. A failed attempt refuses the claim.
 */
export async function qualificationGate(tx: Statements, s: GateSettings, userId: number, now: number): Promise<QualificationView | null> {
  if (s.required == null) return null;
  const a = await decide(tx, await currentAttempt(tx, s.id, userId, now), s, now);
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
export async function failedQualifications(db: Statements, projectId: number): Promise<Set<number>> {
  return new Set(await db.many(FAILED_USERS, [projectId]));
}

/**
 * The gold item to lease next to a pending annotator, picked by `pickGold`; null while the leases
 * they hold already make up the N answers (the workspace prefetches one item ahead). Refuses, for
 * the admin to act, when too few gold items are left to finish the qualification.
 */
export async function pickQualificationItem(
  tx: Statements,
  s: Pick<GateSettings, "id" | "slug">,
  userId: number,
  now: number,
  q: QualificationView,
  pickGold: () => Promise<number | null>,
): Promise<number | null> {
  const live = (await tx.first(LIVE_GOLD_LEASES, [userId, s.id, at(now)]))!;
  if (q.judged + live >= q.required) return null;
  const itemId = await pickGold();
  if (itemId != null || live > 0) return itemId;
  throw new AppError(
    "conflict",
    `Project "${s.slug}" asks you to judge ${q.required} gold item(s) to qualify, and no gold item is left for you after ${q.judged}. ` +
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

async function goldOf(db: Statements, itemId: number): Promise<{ verdict: Verdict; explanation: string | null; positions: number[] } | null> {
  const row = await db.first(GOLD_ANSWER, [itemId]);
  if (!row?.verdict) return null;
  const positions = await db.many(CANDIDATE_IDS, [itemId]);
  return { verdict: row.verdict, explanation: row.explanation, positions };
}

/**
 * Called by the judgment service, in the judgment's transaction, for a judgment on a gold item just
 * recorded: counts it towards a pending attempt (deciding it on the N-th answer) and returns the
 * feedback to show, or null when the project shows none for it.
 */
export async function recordGoldJudgment(tx: Statements, j: JudgedGold, now: number): Promise<GoldFeedback | null> {
  const s = await settingsOf(tx, j.projectId);
  const gold = await goldOf(tx, j.itemId);
  if (!gold) return null;
  const verdict = j.choice ? verdictOfChoice(j.choice, j.slotOrder, gold.positions) : null;
  const correct = verdict != null && matchesGold(verdict, gold.verdict);
  let view: QualificationView | null = null;
  let counted = false;
  if (s.required != null) {
    let a = await currentAttempt(tx, j.projectId, j.userId, now);
    if (a.status === "pending" && a.judged < s.required) {
      await tx.exec(INSERT_ANSWER, [a.id, j.itemId, j.judgmentId, j.choice, verdict, correct, at(now)]);
      a = (await tx.first(COUNT_ANSWER, [correct ? 1 : 0, a.id]))!;
      a = await decide(tx, a, s, now);
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
export async function feedbackOf(tx: Statements, j: JudgedGold): Promise<GoldFeedback | null> {
  const s = await settingsOf(tx, j.projectId);
  const gold = await goldOf(tx, j.itemId);
  if (!gold || !(s.training || (await shownAnswer(tx, j.judgmentId)))) return null;
  const verdict = j.choice ? verdictOfChoice(j.choice, j.slotOrder, gold.positions) : null;
  const a = s.required == null ? undefined : await tx.first(CURRENT_ATTEMPT, [j.projectId, j.userId]);
  return {
    answer: choiceOfVerdict(gold.verdict, j.slotOrder, gold.positions) ?? gold.verdict,
    correct: verdict != null && matchesGold(verdict, gold.verdict),
    explanation: gold.explanation,
    qualification: a ? viewOf(a, s) : null,
  };
}

async function shownAnswer(db: Statements, judgmentId: number): Promise<boolean> {
  return (await db.first(ANSWER_OF_JUDGMENT, [judgmentId])) !== undefined;
}

/**
 * Whether the annotator was shown the gold answer after this judgment (it counted towards a
 * qualification, or the project is in training mode): such a judgment can be neither undone nor
 * revised, or the answer shown could be copied into it.
 */
export async function answerWasShown(tx: Statements, judgment: { id: number; projectId: number; gold: boolean }): Promise<boolean> {
  if (!judgment.gold) return false;
  return (await settingsOf(tx, judgment.projectId)).training || (await shownAnswer(tx, judgment.id));
}

/** The caller's qualification in a project (annotators: the workspace and project list); null when it asks for none. */
export async function myQualification({ ctx, input }: { ctx: Ctx; input: { slug: string } }): Promise<QualificationView | null> {
  const caller = requireCaller(ctx);
  requireScope(ctx, "assignment:work");
  const project = await getWorkProject({ ctx, input });
  if (project.qualificationItems == null) return null;
  const a = await ctx.db.first(CURRENT_ATTEMPT, [project.id, caller.userId]);
  const s = await settingsOf(ctx.db, project.id);
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
export async function listQualifications({ ctx, input }: { ctx: Ctx; input: { slug: string } }): Promise<{ required: number | null; accuracy_required: number; annotators: QualificationEntry[] }> {
  requireScope(ctx, "project:read");
  const { slug } = parseInput(slugInput, input);
  const { s, rows } = await ctx.db.snapshot(async (view) => {
    const projectId = await view.first(PROJECT_ID, [slug]);
    if (projectId === undefined) throw notFound(`Project "${slug}"`);
    return { s: await settingsOf(view, projectId), rows: await view.many(CURRENT_ATTEMPTS, [projectId]) };
  });
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
export async function resetQualification({ ctx, input }: { ctx: Ctx; input: z.input<typeof resetInput> }): Promise<QualificationView> {
  requireScope(ctx, "judgment:read_all");
  const data = parseInput(resetInput, input);
  const now = nowOf(ctx);
  return ctx.db.write(async (tx) => {
    const projectId = await tx.first(PROJECT_ID, [data.slug]);
    if (projectId === undefined) throw notFound(`Project "${data.slug}"`);
    const userId = await tx.first(USER_ID, [data.email]);
    if (userId === undefined) throw notFound(`User "${data.email}"`);
    const s = await settingsOf(tx, projectId);
    const current = await tx.first(CURRENT_ATTEMPT, [projectId, userId]);
    if (!current) throw notFound(`A qualification attempt by ${data.email} in project "${data.slug}"`);
    const counted = await tx.many(COUNTED_JUDGMENTS, [current.id]);
    for (const c of counted) {
      await withdrawJudgment(tx, { id: c.judgmentId, itemId: c.itemId, projectId, userId });
      await tx.exec(DELETE_SUBMITTED_LEASE, [c.itemId, userId]);
    }
    await tx.exec(END_ATTEMPT, [at(now), ctx.caller?.userId ?? null, current.id]);
    const next = (await tx.first(START_ATTEMPT, [projectId, userId, current.attempt + 1, at(now)]))!;
    await audit(tx, ctx, {
      action: "qualification.reset",
      targetType: "user",
      targetId: userId,
      projectId,
      detail: { slug: data.slug, email: data.email, ended: { attempt: current.attempt, status: current.status, judged: current.judged, correct: current.correct }, judgments_removed: counted.length },
    });
    return viewOf(next, s);
  });
}

export { QUALIFICATION_STATUSES };
