// Work and its results: an assignment is one annotator's lease on one item, a judgment what they recorded.
import { sql } from "drizzle-orm";
import { index, integer, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { ASSIGNMENT_STATUSES, CHOICES, JUDGMENT_SOURCES } from "./constants";
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
    index("assignments_item_status_idx").on(t.itemId, t.status, t.expiresAt),
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
    /** The choice as shown on screen (slot terms). */
    choice: text("choice", { enum: CHOICES }).notNull(),
    /** The candidate that won, resolved through the slot order; null for tie and both_bad. */
    winnerCandidateId: integer("winner_candidate_id").references(() => candidates.id, { onDelete: "set null" }),
    /** Candidate ids in the order shown (copied from the assignment so the judgment stands alone). */
    slotOrder: text("slot_order", { mode: "json" }).notNull().$type<number[]>(),
    rationale: text("rationale"),
    durationMs: integer("duration_ms"),
    clientId: text("client_id"),
    source: text("source", { enum: JUDGMENT_SOURCES }).notNull().default("app"),
    createdAt: integer("created_at").notNull().default(sql`(unixepoch() * 1000)`),
  },
  (t) => [
    uniqueIndex("judgments_item_user_idx").on(t.itemId, t.userId),
    uniqueIndex("judgments_user_client_idx").on(t.userId, t.clientId),
    index("judgments_project_item_idx").on(t.projectId, t.itemId),
  ],
);

