// Who did what to what, and when: every import, export, user, token and judgment change.
import { integer, sqliteTable, text } from "drizzle-orm/sqlite-core";
import { users } from "./users";

export const auditLog = sqliteTable(
  "audit_log",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    /** Null when the system itself acted (seeding, the CLI without a user). */
    actorId: integer("actor_id").references(() => users.id, { onDelete: "set null" }),
    action: text("action").notNull(),
    targetType: text("target_type").notNull(),
    targetId: text("target_id"),
    /** The project the action concerns, when it concerns one (the audit page filters by it); no foreign key, so the record outlives it. */
    projectId: integer("project_id"),
    detail: text("detail", { mode: "json" }).$type<Record<string, unknown>>(),
    createdAt: integer("created_at").notNull(),
  },
  // No index on the target: the log is appended on every mutation (a new judgment excepted: its own
  // row records it) and read rarely, by hand; an index would cost a page write per mutation.
);
