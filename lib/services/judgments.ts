// Records judgments of every type (lib/formats/judgment.ts): one per (item, annotator), idempotent on
// the client's id, within the lease or into a seat that is still free when the lease has run out.
// An annotator may undo their last judgment while its lease lasts, and revise any of theirs later
// (the earlier version goes to judgment_revisions; exports read the judgments row, the latest).
import { and, asc, desc, eq, inArray, sql } from "drizzle-orm";
import { z } from "zod";
import { assignments, candidates, items, judgmentRevisions, judgments, projects, CHOICES } from "@/db/schema";
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
import { audit } from "./audit";
import { assertAcceptingJudgments } from "./assignment";
import { answerWasShown, closeLease, feedbackOf, freeSeats, leaseToJudge, ownAssignment, recordGoldJudgment, retargetItem } from "./legacy-sync";
import { findRow, immediate, insertRow } from "./statements";
import { nowOf, requireCaller, requireScope, type Ctx, writing } from "./context";
import { badRequest, conflict, notFound, parseInput } from "./errors";
import { getWorkProjectSync } from "./projects";
import { adaptiveRule, baseOverlap } from "./adaptive";
import type { GoldFeedback } from "./qualification";

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
  choice: (typeof CHOICES)[number] | null;
  /** The judgment in slot terms, as the annotator saw it. */
  payload: JudgmentPayload;
  rationale: string | null;
  duration_ms: number | null;
  client_id: string | null;
  revision: number;
  created_at: string;
  updated_at: string | null;
}

type Row = typeof judgments.$inferSelect;

function view(j: Row): JudgmentView {
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
export function submitJudgment({ ctx, input }: { ctx: Ctx; input: JudgmentInput }): { judgment: JudgmentView; created: boolean; feedback?: GoldFeedback } {
  const caller = requireCaller(ctx);
  requireScope(ctx, "assignment:work");
  const { meta, payload } = splitInput(input);
  const { assignment_id } = parseInput(assignmentRef, { assignment_id: input.assignment_id });
  return immediate(ctx.db, recordJudgment, ctx, caller.userId, assignment_id, meta, payload);
}

// The hot path of annotation (see test/bench/claim.bench.ts): one statement reads the lease, its
// project and the item, then the insert and the lease's close, all on prepared statements. The
// judgment row is its own record of who judged what and when, so no audit row is written for it
// (changes and removals of judgments are audited).
function recordJudgment(ctx: Ctx, userId: number, assignmentId: number, meta: z.output<typeof envelope>, payload: Record<string, unknown>) {
  const now = nowOf(ctx);
  const { assignment: a, project, gold } = leaseToJudge(ctx.db, userId, assignmentId);
  if (a.status === "submitted") {
    // A retry of the request that recorded it (same client_id) gets that judgment back; the
    // (item, annotator) unique index finds it, so client_id needs no index of its own.
    const earlier = meta.client_id ? findRow(ctx.db, judgments, { itemId: a.itemId, userId }) : undefined;
    if (earlier && earlier.clientId === meta.client_id) {
      const feedback = gold ? feedbackOf(ctx.db, { projectId: a.projectId, userId, itemId: a.itemId, judgmentId: earlier.id, choice: earlier.choice, slotOrder: earlier.slotOrder }) : null;
      return { judgment: view(earlier), created: false, ...(feedback ? { feedback } : {}) };
    }
    throw conflict("This assignment already has a judgment.");
  }
  if (a.status === "skipped") throw conflict("This assignment was skipped.");
  assertAcceptingJudgments(project);
  const columns = columnsFor(project.judgmentSchema, payload, a.slotOrder);
  if (a.expiresAt <= now && freeSeats(ctx.db, a.itemId, baseOverlap(project), userId, now) <= 0) {
    throw conflict("Your lease on this item expired and its place was taken by another annotator.");
  }
  const row = insertRow(ctx.db, judgments, {
    projectId: a.projectId,
    itemId: a.itemId,
    userId,
    assignmentId: a.id,
    ...columns,
    slotOrder: a.slotOrder,
    durationMs: meta.duration_ms ?? null,
    clientId: meta.client_id ?? null,
    source: "app",
    gold,
    createdAt: now,
  });
  closeLease(ctx.db, a.id, a.itemId, now);
  // Adaptive overlap: this judgment may stop the item or open one more seat (up to max).
  const rule = adaptiveRule(project);
  if (rule && !gold) retargetItem(ctx.db, rule, a.itemId);
  // Gold items only (rare): count a qualification answer, and say what to show the annotator.
  const feedback = gold ? recordGoldJudgment(ctx.db, { projectId: a.projectId, userId, itemId: a.itemId, judgmentId: row.id, choice: row.choice, slotOrder: a.slotOrder }, now) : null;
  return { judgment: view(row), created: true, ...(feedback ? { feedback } : {}) };
}

/**
 * Takes back the caller's judgment on an assignment while its lease lasts, provided it is their
 * latest in the project: the judgment is deleted and the assignment is leased to them again.
 */
export function undoJudgment({ ctx, input }: { ctx: Ctx; input: { assignmentId: number | string } }): { undone: true; assignment_id: number } {
  const caller = requireCaller(ctx);
  requireScope(ctx, "assignment:work");
  const { assignmentId } = parseInput(z.object({ assignmentId: z.coerce.number().int().positive() }), input);
  const now = nowOf(ctx);
  return writing(ctx.db, 
    (tx) => {
      const a = ownAssignment(tx, caller.userId, assignmentId);
      const j = tx.select().from(judgments).where(and(eq(judgments.assignmentId, a.id), eq(judgments.userId, caller.userId))).get();
      if (!j || a.status !== "submitted") throw conflict("This assignment has no judgment to undo.");
      if (a.expiresAt <= now) throw conflict("The lease on this item has run out; revise the judgment from your history instead.");
      const latest = tx
        .select({ id: judgments.id })
        .from(judgments)
        .where(and(eq(judgments.projectId, a.projectId), eq(judgments.userId, caller.userId)))
        .orderBy(desc(judgments.createdAt), desc(judgments.id))
        .get();
      if (latest?.id !== j.id) throw conflict("Only your last judgment can be undone; revise older ones from your history.");
      if (answerWasShown(tx, j)) throw conflict("This was a check item and you have seen its answer: its judgment cannot be undone.");
      tx.delete(judgments).where(eq(judgments.id, j.id)).run();
      tx.update(items).set({ judgmentCount: sql`max(${items.judgmentCount} - 1, 0)` }).where(eq(items.id, a.itemId)).run();
      tx.update(assignments).set({ status: "leased", closedAt: null }).where(eq(assignments.id, a.id)).run();
      const rule = adaptiveRule(findRow(tx, projects, { id: a.projectId })!);
      if (rule) retargetItem(tx, rule, a.itemId);
      audit(tx, ctx, {
        action: "judgment.undo",
        targetType: "judgment",
        targetId: j.id,
        detail: { item: a.itemId, assignment: a.id, type: j.type, choice: j.choice, payload: j.payload, rationale: j.rationale },
      });
      return { undone: true as const, assignment_id: a.id };
    },
  );
}

export const reviseInput = z.object({ id: z.coerce.number().int().positive() }).passthrough();

/** Replaces one of the caller's judgments; the earlier version is kept in judgment_revisions. */
export function reviseJudgment({ ctx, input }: { ctx: Ctx; input: { id: number | string } & JudgmentPayload & { duration_ms?: number } }): JudgmentView {
  const caller = requireCaller(ctx);
  requireScope(ctx, "assignment:work");
  const { id } = parseInput(reviseInput, input);
  const { id: _id, ...rest } = input as Record<string, unknown>;
  const { meta, payload } = splitInput(rest);
  const now = nowOf(ctx);
  return writing(ctx.db, 
    (tx) => {
      const j = tx.select().from(judgments).where(eq(judgments.id, id)).get();
      if (!j || j.userId !== caller.userId) throw notFound(`Judgment ${id}`);
      if (answerWasShown(tx, j)) throw conflict("This was a check item and you have seen its answer: its judgment cannot be revised.");
      const project = findRow(tx, projects, { id: j.projectId });
      if (!project) throw notFound(`Project ${j.projectId}`);
      const columns = columnsFor(project.judgmentSchema, payload, j.slotOrder);
      tx.insert(judgmentRevisions)
        .values({ judgmentId: j.id, revision: j.revision, choice: j.choice, payload: j.payload, rationale: j.rationale, createdAt: now })
        .run();
      const row = tx
        .update(judgments)
        .set({
          ...columns,
          revision: j.revision + 1,
          updatedAt: now,
          ...(meta.duration_ms !== undefined ? { durationMs: (j.durationMs ?? 0) + meta.duration_ms } : {}),
        })
        .where(eq(judgments.id, j.id))
        .returning()
        .get();
      // A changed verdict may stop the item or ask for more judgments under adaptive overlap.
      const rule = adaptiveRule(project);
      if (rule) retargetItem(tx, rule, j.itemId);
      audit(tx, ctx, { action: "judgment.revise", targetType: "judgment", targetId: j.id, detail: { item: j.itemId, revision: row.revision } });
      return view(row);
    },
  );
}

/** How many judgments the caller has in a project (the workspace's end screen says it). */
export function countMyJudgments({ ctx, input }: { ctx: Ctx; input: { slug: string } }): number {
  const caller = requireCaller(ctx);
  requireScope(ctx, "assignment:work");
  const project = getWorkProjectSync({ ctx, input });
  return ctx.db.select({ n: sql<number>`count(*)` }).from(judgments).where(and(eq(judgments.projectId, project.id), eq(judgments.userId, caller.userId))).get()!.n;
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
export function myJudgments({ ctx, input }: { ctx: Ctx; input: z.input<typeof historyInput> }): {
  schema: ProjectJudgmentSchema;
  total: number;
  judgments: HistoryEntry[];
} {
  const caller = requireCaller(ctx);
  requireScope(ctx, "assignment:work");
  const data = parseInput(historyInput, input);
  const project = getWorkProjectSync({ ctx, input: { slug: data.slug } });
  // The search reads the prompt's text, not its JSON: a plain prompt is the tree's root, a
  // conversation's turns are its `content` fields (json_tree finds both).
  const pattern = data.q ? containsPattern(data.q) : null;
  const found = pattern
    ? sql`${judgments.itemId} in (select i.id from items i where i.project_id = ${project.id} and (i.external_id like ${pattern} escape '\\' or exists (select 1 from json_tree(i.prompt) t where t.type = 'text' and (t.key = 'content' or t.key is null) and t.value like ${pattern} escape '\\')))`
    : undefined;
  const mine = and(eq(judgments.projectId, project.id), eq(judgments.userId, caller.userId), found);
  const total = ctx.db.select({ n: sql<number>`count(*)` }).from(judgments).where(mine).get()!.n;
  const rows = ctx.db
    .select()
    .from(judgments)
    .where(mine)
    .orderBy(desc(judgments.createdAt), desc(judgments.id))
    .limit(data.limit)
    .offset(data.offset)
    .all();
  const itemIds = [...new Set(rows.map((r) => r.itemId))];
  const prompts = new Map(
    itemIds.length ? ctx.db.select({ id: items.id, prompt: items.prompt, externalId: items.externalId }).from(items).where(inArray(items.id, itemIds)).all().map((i) => [i.id, i]) : [],
  );
  const contents = new Map(
    itemIds.length
      ? ctx.db
          .select({ id: candidates.id, content: candidates.content })
          .from(candidates)
          .where(inArray(candidates.itemId, itemIds))
          .orderBy(asc(candidates.id))
          .all()
          .map((c) => [c.id, c.content])
      : [],
  );
  const leases = new Map(
    rows.length
      ? ctx.db
          .select({ id: assignments.id, expiresAt: assignments.expiresAt })
          .from(assignments)
          .where(inArray(assignments.id, rows.map((r) => r.assignmentId ?? -1)))
          .all()
          .map((a) => [a.id, a.expiresAt])
      : [],
  );
  const now = nowOf(ctx);
  // Undo applies to the caller's latest judgment, which a search may leave off the first page.
  const latestId = data.offset === 0 && !pattern ? rows[0]?.id : undefined;
  return {
    schema: effectiveSchema(project.judgmentSchema),
    total,
    judgments: rows.map((r) => ({
      judgment: view(r),
      item: {
        id: r.itemId,
        external_id: prompts.get(r.itemId)?.externalId ?? "",
        prompt: prompts.get(r.itemId)?.prompt as Prompt,
        candidates: r.slotOrder.map((cid, i) => ({ slot: SLOT_LABELS[i], content: contents.get(cid) ?? "" })),
      },
      undoable: r.id === latestId && r.assignmentId != null && (leases.get(r.assignmentId) ?? 0) > now,
    })),
  };
}
