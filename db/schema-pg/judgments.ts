// Work and its results (PostgreSQL; db/schema/judgments.ts documents the columns and indexes).
import { bigint, boolean, index, integer, jsonb, pgTable, primaryKey, text, uniqueIndex } from "drizzle-orm/pg-core";
import type { StoredJudgment } from "../../lib/formats/judgment";
import { ASSIGNMENT_STATUSES, CHOICES, JUDGMENT_SOURCES, JUDGMENT_TYPES } from "../schema/constants";
import { id, stamp } from "./types";
import { users } from "./users";
import { candidates, items, projects } from "./projects";

export const assignments = pgTable(
  "assignments",
  {
    id: id(),
    projectId: integer("project_id").notNull().references(() => projects.id, { onDelete: "cascade" }),
    itemId: integer("item_id").notNull().references(() => items.id, { onDelete: "cascade" }),
    userId: integer("user_id").notNull().references(() => users.id, { onDelete: "cascade" }),
    status: text("status", { enum: ASSIGNMENT_STATUSES }).notNull().default("leased"),
    slotOrder: jsonb("slot_order").notNull().$type<number[]>(),
    leasedAt: stamp("leased_at").notNull(),
    expiresAt: stamp("expires_at").notNull(),
    skipReason: text("skip_reason"),
    closedAt: stamp("closed_at"),
  },
  (t) => [
    uniqueIndex("assignments_item_user_idx").on(t.itemId, t.userId),
    index("assignments_user_status_idx").on(t.userId, t.projectId, t.status),
  ],
);

export const judgments = pgTable(
  "judgments",
  {
    id: id(),
    projectId: integer("project_id").notNull().references(() => projects.id, { onDelete: "cascade" }),
    itemId: integer("item_id").notNull().references(() => items.id, { onDelete: "cascade" }),
    userId: integer("user_id").notNull().references(() => users.id, { onDelete: "cascade" }),
    assignmentId: integer("assignment_id").references(() => assignments.id, { onDelete: "set null" }),
    type: text("type", { enum: JUDGMENT_TYPES }).notNull().default("pairwise"),
    choice: text("choice", { enum: CHOICES }),
    winnerCandidateId: integer("winner_candidate_id").references(() => candidates.id, { onDelete: "set null" }),
    slotOrder: jsonb("slot_order").notNull().$type<number[]>(),
    payload: jsonb("payload").$type<StoredJudgment>(),
    rationale: text("rationale"),
    /** bigint: a revision adds its time to the judgment's, so the sum may pass int4's 24.8 days. */
    durationMs: bigint("duration_ms", { mode: "number" }),
    clientId: text("client_id"),
    source: text("source", { enum: JUDGMENT_SOURCES }).notNull().default("app"),
    gold: boolean("gold").notNull().default(false),
    revision: integer("revision").notNull().default(1),
    createdAt: stamp("created_at").notNull().defaultNow(),
    updatedAt: stamp("updated_at"),
  },
  (t) => [
    uniqueIndex("judgments_item_user_idx").on(t.itemId, t.userId),
    index("judgments_project_item_idx").on(t.projectId, t.itemId),
    index("judgments_user_project_idx").on(t.userId, t.projectId),
  ],
);

export const annotatorTotals = pgTable(
  "annotator_totals",
  {
    projectId: integer("project_id").notNull().references(() => projects.id, { onDelete: "cascade" }),
    userId: integer("user_id").notNull().references(() => users.id, { onDelete: "cascade" }),
    judged: integer("judged").notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.projectId, t.userId] })],
);

export const judgmentRevisions = pgTable(
  "judgment_revisions",
  {
    id: id(),
    judgmentId: integer("judgment_id").notNull().references(() => judgments.id, { onDelete: "cascade" }),
    revision: integer("revision").notNull(),
    choice: text("choice", { enum: CHOICES }),
    payload: jsonb("payload").$type<StoredJudgment>(),
    rationale: text("rationale"),
    createdAt: stamp("created_at").notNull(),
  },
  (t) => [index("judgment_revisions_judgment_idx").on(t.judgmentId)],
);
