// Qualification: each annotator's attempts at a project's qualification (gold items judged before real
// items are served), and the answers that counted towards each attempt's decision.
import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { CHOICES, QUALIFICATION_STATUSES } from "./constants";
import { judgments } from "./judgments";
import { items, projects } from "./projects";
import { users } from "./users";

/**
 * One attempt of one annotator in one project; the highest `attempt` is the current one. A reset
 * ends the current attempt (reset_at, reset_by) and starts the next one, pending.
 */
export const qualificationAttempts = sqliteTable(
  "qualification_attempts",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    projectId: integer("project_id").notNull().references(() => projects.id, { onDelete: "cascade" }),
    userId: integer("user_id").notNull().references(() => users.id, { onDelete: "cascade" }),
    /** 1 for the first attempt; each reset adds one. */
    attempt: integer("attempt").notNull(),
    status: text("status", { enum: QUALIFICATION_STATUSES }).notNull().default("pending"),
    /** Gold items judged in this attempt, and how many of them correctly (kept in step by the judgment service). */
    judged: integer("judged").notNull().default(0),
    correct: integer("correct").notNull().default(0),
    startedAt: integer("started_at").notNull(),
    /** When the attempt passed or failed; null while pending. */
    decidedAt: integer("decided_at"),
    /** When and by whom this attempt was reset (ended to start the next); null for the current attempt. */
    resetAt: integer("reset_at"),
    resetBy: integer("reset_by").references(() => users.id, { onDelete: "set null" }),
  },
  (t) => [uniqueIndex("qualification_attempts_project_user_idx").on(t.projectId, t.userId, t.attempt)],
);

/**
 * The gold judgments that counted towards an attempt (its first N), kept after a reset removes the
 * judgments themselves: the choice as shown, its verdict in item order and whether it matched gold.
 */
export const qualificationAnswers = sqliteTable(
  "qualification_answers",
  {
    attemptId: integer("attempt_id").notNull().references(() => qualificationAttempts.id, { onDelete: "cascade" }),
    itemId: integer("item_id").notNull().references(() => items.id, { onDelete: "cascade" }),
    /** The judgment while it exists; a reset deletes it (so the item can be served again) and this becomes null. */
    judgmentId: integer("judgment_id").references(() => judgments.id, { onDelete: "set null" }),
    choice: text("choice", { enum: CHOICES }),
    verdict: text("verdict", { enum: CHOICES }),
    correct: integer("correct", { mode: "boolean" }).notNull(),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.attemptId, t.itemId] }), index("qualification_answers_judgment_idx").on(t.judgmentId)],
);
