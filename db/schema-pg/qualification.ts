// Qualification attempts and the answers that counted (PostgreSQL; db/schema/qualification.ts
// documents the columns).
import { boolean, index, integer, pgTable, primaryKey, text, uniqueIndex } from "drizzle-orm/pg-core";
import { CHOICES, QUALIFICATION_STATUSES } from "../schema/constants";
import { judgments } from "./judgments";
import { items, projects } from "./projects";
import { id, stamp } from "./types";
import { users } from "./users";

export const qualificationAttempts = pgTable(
  "qualification_attempts",
  {
    id: id(),
    projectId: integer("project_id").notNull().references(() => projects.id, { onDelete: "cascade" }),
    userId: integer("user_id").notNull().references(() => users.id, { onDelete: "cascade" }),
    attempt: integer("attempt").notNull(),
    status: text("status", { enum: QUALIFICATION_STATUSES }).notNull().default("pending"),
    judged: integer("judged").notNull().default(0),
    correct: integer("correct").notNull().default(0),
    startedAt: stamp("started_at").notNull(),
    decidedAt: stamp("decided_at"),
    resetAt: stamp("reset_at"),
    resetBy: integer("reset_by").references(() => users.id, { onDelete: "set null" }),
  },
  (t) => [uniqueIndex("qualification_attempts_project_user_idx").on(t.projectId, t.userId, t.attempt)],
);

export const qualificationAnswers = pgTable(
  "qualification_answers",
  {
    attemptId: integer("attempt_id").notNull().references(() => qualificationAttempts.id, { onDelete: "cascade" }),
    itemId: integer("item_id").notNull().references(() => items.id, { onDelete: "cascade" }),
    judgmentId: integer("judgment_id").references(() => judgments.id, { onDelete: "set null" }),
    choice: text("choice", { enum: CHOICES }),
    verdict: text("verdict", { enum: CHOICES }),
    correct: boolean("correct").notNull(),
    createdAt: stamp("created_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.attemptId, t.itemId] }), index("qualification_answers_judgment_idx").on(t.judgmentId)],
);
