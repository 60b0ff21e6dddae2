// Who did what to what, and when (PostgreSQL; db/schema/audit.ts documents the columns).
import { integer, jsonb, pgTable, text } from "drizzle-orm/pg-core";
import { id, stamp } from "./types";
import { users } from "./users";

export const auditLog = pgTable("audit_log", {
  id: id(),
  actorId: integer("actor_id").references(() => users.id, { onDelete: "set null" }),
  action: text("action").notNull(),
  targetType: text("target_type").notNull(),
  targetId: text("target_id"),
  projectId: integer("project_id"),
  detail: jsonb("detail").$type<Record<string, unknown>>(),
  createdAt: stamp("created_at").notNull(),
});
