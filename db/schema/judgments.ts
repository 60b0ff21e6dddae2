// Work and its results: an assignment is one annotator's lease on one item, a judgment what they recorded.
import { sql } from "drizzle-orm";
import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import type { StoredJudgment } from "../../lib/formats/judgment";
import { ASSIGNMENT_STATUSES, CHOICES, JUDGMENT_SOURCES, JUDGMENT_TYPES } from "./constants";
import { users } from "./users";
import { candidates, items, projects } from "./projects";

export const assignments = sqliteTable(
  "assignments",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    projectId: integer("project_id").notNull().references(() => projects.id, { onDelete: "cascade" }),
    itemId: integer("item_id").notNull().references(() => items.id, { onDelete: "cascade" }),
    userId: integer("user_id").notNull().references(() => users.id, { onDelete: "cascade" }),
    status: text("status", { enum: ASSIGNMENT_STATUSES }).notNull().default("leased"),
    /** Candidate ids in display order: slotOrder[0] is shown as A. */
    slotOrder: text("slot_order", { mode: "json" }).notNull().$type<number[]>(),
    leasedAt: integer("leased_at").notNull(),
    expiresAt: integer("expires_at").notNull(),
    skipReason: text("skip_reason"),
    closedAt: integer("closed_at"),
  },
  (t) => [
    // One row per (item, annotator): a re-claim after expiry renews the same row.
    uniqueIndex("assignments_item_user_idx").on(t.itemId, t.userId),
    index("assignments_user_status_idx").on(t.userId, t.projectId, t.status),
    // Live leases per item are found through the (item, user) index above: a handful of rows per
    // item, so a separate (item, status) index would only cost a page write on every claim and submit.
  ],
);

export const judgments = sqliteTable(
  "judgments",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    projectId: integer("project_id").notNull().references(() => projects.id, { onDelete: "cascade" }),
    itemId: integer("item_id").notNull().references(() => items.id, { onDelete: "cascade" }),
    userId: integer("user_id").notNull().references(() => users.id, { onDelete: "cascade" }),
    /** Null for imported judgments, which were never leased. */
    assignmentId: integer("assignment_id").references(() => assignments.id, { onDelete: "set null" }),
    type: text("type", { enum: JUDGMENT_TYPES }).notNull().default("pairwise"),
    /** A pairwise choice as shown on screen (slot terms); null for other judgment types. */
    choice: text("choice", { enum: CHOICES }),
    /** The candidate that won, resolved through the slot order; null for tie and both_bad. */
    winnerCandidateId: integer("winner_candidate_id").references(() => candidates.id, { onDelete: "set null" }),
    /** Candidate ids in the order shown (copied from the assignment so the judgment stands alone). */
    slotOrder: text("slot_order", { mode: "json" }).notNull().$type<number[]>(),
    /** The whole judgment in candidate terms (lib/formats/judgment.ts). */
    payload: text("payload", { mode: "json" }).$type<StoredJudgment>(),
    rationale: text("rationale"),
    durationMs: integer("duration_ms"),
    clientId: text("client_id"),
    source: text("source", { enum: JUDGMENT_SOURCES }).notNull().default("app"),
    /** Whether the item was a gold item when judged (gold judgments stay out of exports by default). */
    gold: integer("gold", { mode: "boolean" }).notNull().default(false),
    /** 1 for the first version; each revision by the annotator adds one (earlier ones in judgment_revisions). */
    revision: integer("revision").notNull().default(1),
    createdAt: integer("created_at").notNull().default(sql`(unixepoch() * 1000)`),
    updatedAt: integer("updated_at"),
  },
  (t) => [
    uniqueIndex("judgments_item_user_idx").on(t.itemId, t.userId),
    index("judgments_project_item_idx").on(t.projectId, t.itemId),
    // One annotator's judgments in a project (their latest, for undo; their history).
    index("judgments_user_project_idx").on(t.userId, t.projectId),
  ],
);


/**
 * How many judgments each annotator has in each project, kept in step with the judgments: counted
 * when one is recorded (with its lease's close), uncounted when one is undone or a qualification
 * attempt is reset, recounted for the project after an import. A claim reads it (quota, progress)
 * instead of counting the annotator's judgments, whose cost grows with every judgment they make.
 */
export const annotatorTotals = sqliteTable(
  "annotator_totals",
  {
    projectId: integer("project_id").notNull().references(() => projects.id, { onDelete: "cascade" }),
    userId: integer("user_id").notNull().references(() => users.id, { onDelete: "cascade" }),
    judged: integer("judged").notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.projectId, t.userId] })],
);

/** Earlier versions of revised judgments: the audit trail of an annotator's changes. */
export const judgmentRevisions = sqliteTable(
  "judgment_revisions",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    judgmentId: integer("judgment_id").notNull().references(() => judgments.id, { onDelete: "cascade" }),
    revision: integer("revision").notNull(),
    choice: text("choice", { enum: CHOICES }),
    payload: text("payload", { mode: "json" }).$type<StoredJudgment>(),
    rationale: text("rationale"),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [index("judgment_revisions_judgment_idx").on(t.judgmentId)],
);
