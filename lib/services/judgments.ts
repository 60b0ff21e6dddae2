// Records judgments of every type (lib/formats/judgment.ts): one per (item, annotator), idempotent on
// the client's id, within the lease or into a seat that is still free when the lease has run out.
// An annotator may undo their last judgment while its lease lasts, and revise any of theirs later
// (the earlier version goes to judgment_revisions; exports read the judgments row, the latest).
import { z } from "zod";
import { at, jsonText, type Engine } from "@/db/engine";
import {
  CANDIDATE_CONTENTS,
  COUNT_MY_HISTORY,
  COUNT_MY_JUDGMENTS,
  RECORD_CLOSES_LEASE,
  RECORD_JUDGMENT,
  INSERT_REVISION,
  JUDGMENT_BY_ID,
  JUDGMENT_OF_ASSIGNMENT,
  JUDGMENT_OF_ITEM,
  LATEST_JUDGMENT_ID,
  MY_HISTORY,
  REOPEN_LEASE,
  REVISE_JUDGMENT,
  type JudgmentRow,
} from "@/db/queries/judgments";
import type { Choice } from "@/db/schema/constants";
import {
  effectiveSchema,
  SLOT_LABELS,
  fromStored,
  toStored,
  validatePayload,
  type JudgmentPayload,
  type JudgmentType,
  type ProjectJudgmentSchema,
  type StoredJudgment,
} from "@/lib/formats/judgment";
import type { Prompt } from "@/lib/formats/record";
import { LOCK_ITEM } from "@/db/queries/assignment";
import { audit } from "./audit";
import { withdrawJudgment } from "./judgment-counts";
import { assertAcceptingJudgments, closeLease, freeSeats, leaseToJudge, ownAssignment } from "./assignment";
import { nowOf, requireCaller, requireScope, type Ctx } from "./context";
import { badRequest, conflict, notFound, parseInput } from "./errors";
import { getWorkProject } from "./projects";
import { adaptiveRule, baseOverlap, retargetItem } from "./adaptive";
import { noteJudgment } from "./pairing";
import { answerWasShown, feedbackOf, recordGoldJudgment, type GoldFeedback } from "./qualification";

/** What the API takes besides the payload itself (whose fields sit beside these, flat). */
const envelope = z.object({
  duration_ms: z.number().int().min(0).max(7 * 24 * 3600 * 1000).optional(),
  client_id: z.string().min(1).max(200).optional(),
});
const assignmentRef = z.object({ assignment_id: z.coerce.number({ message: "required, the id of your assignment" }).int().positive() });

export type JudgmentInput = { assignment_id: number | string; duration_ms?: number; client_id?: string } & JudgmentPayload;

export interface JudgmentView {
  id: number;
  assignment_id: number | null;
  item_id: number;
  type: JudgmentType;
  choice: Choice | null;
  /** The judgment in slot terms, as the annotator saw it. */
  payload: JudgmentPayload;
  rationale: string | null;
  duration_ms: number | null;
  client_id: string | null;
  revision: number;
  created_at: string;
  updated_at: string | null;
}

function view(j: JudgmentRow): JudgmentView {
  const stored: StoredJudgment = j.payload ?? { type: j.type, ...(j.choice ? { choice: j.choice } : {}) };
  return {
    id: j.id,
    assignment_id: j.assignmentId,
    item_id: j.itemId,
    type: j.type,
    choice: j.choice,
    payload: fromStored(stored, j.slotOrder, j.rationale),
    rationale: j.rationale,
    duration_ms: j.durationMs,
    client_id: j.clientId,
    revision: j.revision,
    created_at: new Date(j.createdAt).toISOString(),
    updated_at: j.updatedAt == null ? null : new Date(j.updatedAt).toISOString(),
  };
}

/** Validates a payload against the project's schema and returns the columns it fills. */
function columnsFor(schema: ProjectJudgmentSchema | null, payload: unknown, slotOrder: number[]) {
  const check = validatePayload(schema, payload, slotOrder.length);
  if (!check.ok) throw badRequest(check.error);
  const type = effectiveSchema(schema).type;
  const stored = toStored(type, check.payload, slotOrder);
  return {
    type,
    choice: type === "pairwise" ? (stored.choice ?? null) : null,
    winnerCandidateId: type === "pairwise" ? (stored.winner ?? null) : null,
    payload: stored,
    rationale: check.payload.rationale ?? null,
  };
}

function splitInput(input: unknown): { meta: z.output<typeof envelope>; payload: Record<string, unknown> } {
  if (!input || typeof input !== "object" || Array.isArray(input)) throw badRequest("The judgment must be a JSON object.");
  const { duration_ms, client_id, assignment_id: _a, ...payload } = input as Record<string, unknown>;
  return { meta: parseInput(envelope, { duration_ms, client_id }), payload };
}

/**
 * Stores a judgment; `created` is false when the same client_id was already recorded (a retry).
 * `feedback` is set only for a gold item whose answer the project shows (during a qualification, or
 * in training mode), and only now that the judgment is recorded.
 */
export async function submitJudgment({ ctx, input }: { ctx: Ctx; input: JudgmentInput }): Promise<{ judgment: JudgmentView; created: boolean; feedback?: GoldFeedback }> {
  const caller = requireCaller(ctx);
  requireScope(ctx, "assignment:work");
  const { meta, payload } = splitInput(input);
  const { assignment_id } = parseInput(assignmentRef, { assignment_id: input.assignment_id });
  const { projectId, ...result } = await ctx.db.write((tx) => recordJudgment(tx, ctx, caller.userId, assignment_id, meta, payload), { annotator: caller.userId });
  // After the commit, never inside it: adaptive serving may recompute priorities every so many judgments.
  if (result.created) noteJudgment(ctx, projectId);
  return result;
}

// The hot path of annotation (see test/bench/claim.bench.ts): one statement reads the lease, its
// project and the item, then the insert and the lease's close (on PostgreSQL one statement,
// RECORD_JUDGMENT). The judgment row is its own record
// of who judged what and when, so no audit row is written for it (changes and removals of
// judgments are audited). It is an annotator's write (db/engine.ts): on PostgreSQL it runs alongside
// other annotators' claims and judgments, one at a time per annotator, so a retry (same client_id)
// reads the lease the first request closed, and the (item, annotator) unique index refuses a second
// judgment whatever happens. The item's seats are decided under its row lock: the count's update
// takes it, and a judgment on an expired lease takes it (LOCK_ITEM) before counting the free seats.
async function recordJudgment(tx: Engine, ctx: Ctx, userId: number, assignmentId: number, meta: z.output<typeof envelope>, payload: Record<string, unknown>) {
  const now = nowOf(ctx);
  const { assignment: a, project, gold } = await leaseToJudge(tx, userId, assignmentId);
  if (a.status === "submitted") {
    // A retry of the request that recorded it (same client_id) gets that judgment back; the
    // (item, annotator) unique index finds it, so client_id needs no index of its own.
    const earlier = meta.client_id ? await tx.first(JUDGMENT_OF_ITEM, [a.itemId, userId]) : undefined;
    if (earlier && earlier.clientId === meta.client_id) {
      const feedback = gold ? await feedbackOf(tx, { projectId: a.projectId, userId, itemId: a.itemId, judgmentId: earlier.id, choice: earlier.choice, slotOrder: earlier.slotOrder }) : null;
      return { projectId: a.projectId, judgment: view(earlier), created: false, ...(feedback ? { feedback } : {}) };
    }
    throw conflict("This assignment already has a judgment.");
  }
  if (a.status === "skipped") throw conflict("This assignment was skipped.");
  assertAcceptingJudgments(project);
  const columns = columnsFor(project.judgmentSchema, payload, a.slotOrder);
  if (a.expiresAt <= now) {
    await tx.exec(LOCK_ITEM, [a.itemId]);
    if ((await freeSeats(tx, a.itemId, baseOverlap(project), userId, now)) <= 0) throw conflict("Your lease on this item expired and its place was taken by another annotator.");
  }
  const rule = adaptiveRule(project);
  // On PostgreSQL the judgment statement closes the lease and counts the judgment too: unless adaptive
  // overlap or a gold item has more to do, it is the last statement and commits with it.
  const last = RECORD_CLOSES_LEASE[tx.kind] && !gold && !rule;
  const values = [
    a.projectId,
    a.itemId,
    userId,
    a.id,
    columns.type,
    columns.choice,
    columns.winnerCandidateId,
    jsonText(a.slotOrder),
    jsonText(columns.payload),
    columns.rationale,
    meta.duration_ms ?? null,
    meta.client_id ?? null,
    gold,
    at(now),
  ];
  const row = (await (last ? tx.finish(RECORD_JUDGMENT, values) : tx.first(RECORD_JUDGMENT, values)))!;
  // (On PostgreSQL the statement above closed the lease and counted the judgment as well.)
  if (!RECORD_CLOSES_LEASE[tx.kind]) await closeLease(tx, a.id, a.itemId, now);
  // Adaptive overlap: this judgment may stop the item or open one more seat (up to max).
  if (rule && !gold) await retargetItem(tx, rule, a.itemId);
  // Gold items only (rare): count a qualification answer, and say what to show the annotator.
  const feedback = gold ? await recordGoldJudgment(tx, { projectId: a.projectId, userId, itemId: a.itemId, judgmentId: row.id, choice: row.choice, slotOrder: a.slotOrder }, now) : null;
  return { projectId: a.projectId, judgment: view(row), created: true, ...(feedback ? { feedback } : {}) };
}

/**
 * Takes back the caller's judgment on an assignment while its lease lasts, provided it is their
 * latest in the project: the judgment is deleted and the assignment is leased to them again.
 */
export async function undoJudgment({ ctx, input }: { ctx: Ctx; input: { assignmentId: number | string } }): Promise<{ undone: true; assignment_id: number }> {
  const caller = requireCaller(ctx);
  requireScope(ctx, "assignment:work");
  const { assignmentId } = parseInput(z.object({ assignmentId: z.coerce.number().int().positive() }), input);
  const now = nowOf(ctx);
  return ctx.db.write(async (tx) => {
    const a = await ownAssignment(tx, caller.userId, assignmentId);
    const found = await tx.first(JUDGMENT_OF_ASSIGNMENT, [a.id, caller.userId]);
    if (!found || a.status !== "submitted") throw conflict("This assignment has no judgment to undo.");
    const j = found.judgment;
    if (a.expiresAt <= now) throw conflict("The lease on this item has run out; revise the judgment from your history instead.");
    const latest = await tx.first(LATEST_JUDGMENT_ID, [a.projectId, caller.userId]);
    if (latest !== j.id) throw conflict("Only your last judgment can be undone; revise older ones from your history.");
    if (await answerWasShown(tx, j)) throw conflict("This was a check item and you have seen its answer: its judgment cannot be undone.");
    await withdrawJudgment(tx, { id: j.id, itemId: a.itemId, projectId: a.projectId, userId: caller.userId });
    await tx.exec(REOPEN_LEASE, [a.id]);
    const rule = adaptiveRule(found.project);
    if (rule) await retargetItem(tx, rule, a.itemId);
    await audit(tx, ctx, {
      action: "judgment.undo",
      targetType: "judgment",
      targetId: j.id,
      detail: { item: a.itemId, assignment: a.id, type: j.type, choice: j.choice, payload: j.payload, rationale: j.rationale },
    });
    return { undone: true as const, assignment_id: a.id };
  });
}

export const reviseInput = z.object({ id: z.coerce.number().int().positive() }).passthrough();

/** Replaces one of the caller's judgments; the earlier version is kept in judgment_revisions. */
export async function reviseJudgment({ ctx, input }: { ctx: Ctx; input: { id: number | string } & JudgmentPayload & { duration_ms?: number } }): Promise<JudgmentView> {
  const caller = requireCaller(ctx);
  requireScope(ctx, "assignment:work");
  const { id } = parseInput(reviseInput, input);
  const { id: _id, ...rest } = input as Record<string, unknown>;
  const { meta, payload } = splitInput(rest);
  const now = nowOf(ctx);
  return ctx.db.write(async (tx) => {
    const found = await tx.first(JUDGMENT_BY_ID, [id]);
    if (!found || found.judgment.userId !== caller.userId) throw notFound(`Judgment ${id}`);
    const { judgment: j, project } = found;
    if (await answerWasShown(tx, j)) throw conflict("This was a check item and you have seen its answer: its judgment cannot be revised.");
    const columns = columnsFor(project.judgmentSchema, payload, j.slotOrder);
    await tx.exec(INSERT_REVISION, [j.id, j.revision, j.choice, j.payload && jsonText(j.payload), j.rationale, at(now)]);
    const durationMs = meta.duration_ms !== undefined ? (j.durationMs ?? 0) + meta.duration_ms : j.durationMs;
    const row = (await tx.first(REVISE_JUDGMENT, [
      columns.type,
      columns.choice,
      columns.winnerCandidateId,
      jsonText(columns.payload),
      columns.rationale,
      j.revision + 1,
      at(now),
      durationMs,
      j.id,
    ]))!;
    // A changed verdict may stop the item or ask for more judgments under adaptive overlap.
    const rule = adaptiveRule(project);
    if (rule) await retargetItem(tx, rule, j.itemId);
    await audit(tx, ctx, { action: "judgment.revise", targetType: "judgment", targetId: j.id, detail: { item: j.itemId, revision: row.revision } });
    return view(row);
  });
}

/** How many judgments the caller has in a project (the workspace's end screen says it). */
export async function countMyJudgments({ ctx, input }: { ctx: Ctx; input: { slug: string } }): Promise<number> {
  const caller = requireCaller(ctx);
  requireScope(ctx, "assignment:work");
  const project = await getWorkProject({ ctx, input });
  return (await ctx.db.first(COUNT_MY_JUDGMENTS, [project.id, caller.userId]))!;
}

export interface HistoryEntry {
  judgment: JudgmentView;
  item: { id: number; external_id: string; prompt: Prompt; candidates: { slot: string; content: string }[] };
  /** Whether it can still be undone (its lease is live and it is the caller's latest). */
  undoable: boolean;
}

export const historyInput = z.object({
  slug: z.string().min(1),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  offset: z.coerce.number().int().min(0).default(0),
  /** Words to look for in the item's prompt text (every turn) or its external id; blank for all. */
  q: z.string().trim().max(200, "must be at most 200 characters").optional(),
});

/** A LIKE pattern that finds `text` anywhere, its wildcards taken literally (escape character `\`). */
function containsPattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => "\\" + c)}%`;
}

/** The caller's own judgments in a project, newest first, with what they saw (never anyone else's). */
export async function myJudgments({ ctx, input }: { ctx: Ctx; input: z.input<typeof historyInput> }): Promise<{
  schema: ProjectJudgmentSchema;
  total: number;
  judgments: HistoryEntry[];
}> {
  const caller = requireCaller(ctx);
  requireScope(ctx, "assignment:work");
  const data = parseInput(historyInput, input);
  const project = await getWorkProject({ ctx, input: { slug: data.slug } });
  // The search reads the prompt's text, not its JSON: a plain prompt's text, a conversation's turns'
  // `content` (db/queries/judgments.ts), case-insensitively on both engines.
  const pattern = data.q ? containsPattern(data.q) : null;
  const mine = [project.id, caller.userId, pattern, pattern, pattern, pattern];
  const total = (await ctx.db.first(COUNT_MY_HISTORY, mine))!;
  const rows = await ctx.db.many(MY_HISTORY, [...mine, data.limit, data.offset]);
  const itemIds = [...new Set(rows.map((r) => r.judgment.itemId))];
  const contents = new Map(itemIds.length ? (await ctx.db.many(CANDIDATE_CONTENTS, [jsonText(itemIds)])).map((c) => [c.id, c.content]) : []);
  const now = nowOf(ctx);
  // Undo applies to the caller's latest judgment, which a search may leave off the first page.
  const latestId = data.offset === 0 && !pattern ? rows[0]?.judgment.id : undefined;
  return {
    schema: effectiveSchema(project.judgmentSchema),
    total,
    judgments: rows.map(({ judgment: j, externalId, prompt, leaseExpiresAt }) => ({
      judgment: view(j),
      item: {
        id: j.itemId,
        external_id: externalId,
        prompt: prompt as Prompt,
        candidates: j.slotOrder.map((cid, i) => ({ slot: SLOT_LABELS[i], content: contents.get(cid) ?? "" })),
      },
      undoable: j.id === latestId && j.assignmentId != null && (leaseExpiresAt ?? 0) > now,
    })),
  };
}
