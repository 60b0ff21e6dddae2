// Labeling campaigns and what they contain: projects, items and the candidates of each item.
import { sql } from "drizzle-orm";
import { index, integer, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { PROJECT_DEFAULTS } from "./constants";

export const projects = sqliteTable("projects", {
  id: integer("id").primaryKey({ autoIncrement: true }),
  slug: text("slug").notNull().unique(),
  name: text("name").notNull(),
  guidelines: text("guidelines").notNull().default(""),
  overlap: integer("overlap").notNull().default(PROJECT_DEFAULTS.overlap),
  leaseMinutes: integer("lease_minutes").notNull().default(PROJECT_DEFAULTS.leaseMinutes),
  createdAt: integer("created_at").notNull().default(sql`(unixepoch() * 1000)`),
});

export const items = sqliteTable(
  "items",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    projectId: integer("project_id").notNull().references(() => projects.id, { onDelete: "cascade" }),
    /** The import record's id, or a content hash when it had none: re-imports are skipped by it. */
    externalId: text("external_id").notNull(),
    /** JSON: a string, or a list of {role, content} messages. */
    prompt: text("prompt", { mode: "json" }).notNull().$type<string | { role: string; content: string }[]>(),
    metadata: text("metadata", { mode: "json" }).$type<Record<string, unknown>>(),
    /** Submitted judgments, kept in step by the judgment service so claiming needs no aggregate. */
    judgmentCount: integer("judgment_count").notNull().default(0),
    createdAt: integer("created_at").notNull().default(sql`(unixepoch() * 1000)`),
  },
  (t) => [
    uniqueIndex("items_project_external_idx").on(t.projectId, t.externalId),
    index("items_project_count_idx").on(t.projectId, t.judgmentCount),
  ],
);

export const candidates = sqliteTable(
  "candidates",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    itemId: integer("item_id").notNull().references(() => items.id, { onDelete: "cascade" }),
    /** Order in the import record: 0 is the record's first response. */
    position: integer("position").notNull(),
    content: text("content").notNull(),
    model: text("model"),
    metadata: text("metadata", { mode: "json" }).$type<Record<string, unknown>>(),
  },
  (t) => [uniqueIndex("candidates_item_position_idx").on(t.itemId, t.position)],
);
