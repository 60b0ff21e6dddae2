// Labeling campaigns and what they contain (PostgreSQL; db/schema/projects.ts documents the columns
// and why each index exists).
import { sql } from "drizzle-orm";
import { boolean, doublePrecision, index, integer, jsonb, pgTable, primaryKey, text, uniqueIndex } from "drizzle-orm/pg-core";
import type { ProjectJudgmentSchema, StoredJudgment } from "../../lib/formats/judgment";
import { ORDER_POLICIES, PROJECT_DEFAULTS, QUALIFICATION_DEFAULTS, PROJECT_STATUSES, PROJECT_VISIBILITIES, ROUTING_RULES, CONTENDER_PAIRINGS } from "../schema/constants";
import { id, stamp } from "./types";
import { users } from "./users";

export const projects = pgTable("projects", {
  id: id(),
  slug: text("slug").notNull().unique(),
  name: text("name").notNull(),
  guidelines: text("guidelines").notNull().default(""),
  overlap: integer("overlap").notNull().default(PROJECT_DEFAULTS.overlap),
  leaseMinutes: integer("lease_minutes").notNull().default(PROJECT_DEFAULTS.leaseMinutes),
  judgmentSchema: jsonb("judgment_schema").$type<ProjectJudgmentSchema>(),
  status: text("status", { enum: PROJECT_STATUSES }).notNull().default("active"),
  visibility: text("visibility", { enum: PROJECT_VISIBILITIES }).notNull().default("everyone"),
  orderPolicy: text("order_policy", { enum: ORDER_POLICIES }).notNull().default("finish_first"),
  quota: integer("quota"),
  goldRate: doublePrecision("gold_rate").notNull().default(0),
  minGoldAccuracy: doublePrecision("min_gold_accuracy"),
  minGoldAfter: integer("min_gold_after"),
  agreementThreshold: doublePrecision("agreement_threshold"),
  minJudgments: integer("min_judgments"),
  maxJudgments: integer("max_judgments"),
  stopAgreement: doublePrecision("stop_agreement"),
  allowRemoteImages: boolean("allow_remote_images").notNull().default(false),
  timeCapSeconds: integer("time_cap_seconds").notNull().default(PROJECT_DEFAULTS.timeCapSeconds),
  qualificationItems: integer("qualification_items"),
  qualificationAccuracy: doublePrecision("qualification_accuracy").notNull().default(QUALIFICATION_DEFAULTS.accuracy),
  trainingMode: boolean("training_mode").notNull().default(false),
  routing: text("routing", { enum: ROUTING_RULES }).notNull().default("open"),
  tagsFrom: text("tags_from"),
  contenderPairing: text("contender_pairing", { enum: CONTENDER_PAIRINGS }).notNull().default("uniform"),
  tagKeys: jsonb("tag_keys").$type<string[]>().notNull().default(sql`'[]'::jsonb`),
  createdAt: stamp("created_at").notNull().defaultNow(),
});

export const items = pgTable(
  "items",
  {
    id: id(),
    projectId: integer("project_id").notNull().references(() => projects.id, { onDelete: "cascade" }),
    externalId: text("external_id").notNull(),
    prompt: jsonb("prompt").notNull().$type<string | { role: string; content: string }[]>(),
    metadata: jsonb("metadata").$type<Record<string, unknown>>(),
    priority: integer("priority").notNull().default(0),
    gold: jsonb("gold").$type<{ choice: string; explanation?: string } & Record<string, unknown>>(),
    batchId: integer("batch_id").references(() => importBatches.id, { onDelete: "set null" }),
    extraOverlap: integer("extra_overlap").notNull().default(0),
    judgmentCount: integer("judgment_count").notNull().default(0),
    judgmentTarget: integer("judgment_target"),
    tags: jsonb("tags").$type<string[]>(),
    tagKey: text("tag_key").notNull().default(""),
    createdAt: stamp("created_at").notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("items_project_external_idx").on(t.projectId, t.externalId),
    index("items_project_priority_idx").on(t.projectId, t.priority),
    index("items_claim_idx")
      .on(t.projectId, t.priority, t.judgmentCount, t.id.desc())
      .where(sql`${t.judgmentTarget} is null or ${t.judgmentCount} < ${t.judgmentTarget} + ${t.extraOverlap}`),
    index("items_project_extra_idx").on(t.projectId, t.extraOverlap),
    index("items_batch_priority_idx").on(t.batchId, t.priority),
    index("items_tag_claim_idx").on(t.projectId, t.tagKey, t.priority, t.judgmentCount, t.id.desc()),
    // SQLite's version ends at priority and gets id order from the implicit rowid; PostgreSQL needs the id spelled out.
    index("items_tag_priority_idx").on(t.projectId, t.tagKey, t.priority, t.id),
    index("items_project_gold_idx").on(t.projectId, t.id).where(sql`${t.gold} is not null`),
  ],
);

export const candidates = pgTable(
  "candidates",
  {
    id: id(),
    itemId: integer("item_id").notNull().references(() => items.id, { onDelete: "cascade" }),
    position: integer("position").notNull(),
    content: text("content").notNull(),
    model: text("model"),
    metadata: jsonb("metadata").$type<Record<string, unknown>>(),
  },
  (t) => [uniqueIndex("candidates_item_position_idx").on(t.itemId, t.position)],
);

export const importBatches = pgTable("import_batches", {
  id: id(),
  projectId: integer("project_id").notNull().references(() => projects.id, { onDelete: "cascade" }),
  source: text("source"),
  inserted: integer("inserted").notNull().default(0),
  createdAt: stamp("created_at").notNull(),
});

export const projectMembers = pgTable(
  "project_members",
  {
    projectId: integer("project_id").notNull().references(() => projects.id, { onDelete: "cascade" }),
    userId: integer("user_id").notNull().references(() => users.id, { onDelete: "cascade" }),
  },
  (t) => [primaryKey({ columns: [t.projectId, t.userId] })],
);

export const adjudications = pgTable("adjudications", {
  id: id(),
  itemId: integer("item_id").notNull().unique().references(() => items.id, { onDelete: "cascade" }),
  userId: integer("user_id").references(() => users.id, { onDelete: "set null" }),
  choice: text("choice").notNull(),
  winnerCandidateId: integer("winner_candidate_id"),
  payload: jsonb("payload").$type<StoredJudgment>(),
  note: text("note"),
  createdAt: stamp("created_at").notNull(),
});
