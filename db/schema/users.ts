// People and the credentials they act with: accounts (with a role) and API tokens.
import { sql } from "drizzle-orm";
import { index, integer, sqliteTable, text } from "drizzle-orm/sqlite-core";
import { ROLES, USER_STATUSES } from "./constants";

export const users = sqliteTable("users", {
  id: integer("id").primaryKey({ autoIncrement: true }),
  email: text("email").notNull().unique(),
  name: text("name").notNull(),
  role: text("role", { enum: ROLES }).notNull(),
  /** scrypt hash; null for external annotators, whose judgments were imported and who cannot log in. */
  passwordHash: text("password_hash"),
  external: integer("external", { mode: "boolean" }).notNull().default(false),
  status: text("status", { enum: USER_STATUSES }).notNull().default("active"),
  /**
   * Carried in the session's JWT and compared on every request: bumped by sign-out, a password
   * change, deactivation and a role change, so every session issued before stops working at once.
   */
  sessionVersion: integer("session_version").notNull().default(0),
  lastSignInAt: integer("last_sign_in_at"),
  /** What the user knows (lib/formats/tags.ts): sorted, lowercase tags that routing matches to items' tags. */
  skills: text("skills", { mode: "json" }).$type<string[]>().notNull().default(sql`'[]'`),
  createdAt: integer("created_at").notNull().default(sql`(unixepoch() * 1000)`),
});

export const apiTokens = sqliteTable(
  "api_tokens",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    userId: integer("user_id").notNull().references(() => users.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    /** sha256 of the token; the token itself is shown once and never stored. */
    tokenHash: text("token_hash").notNull().unique(),
    prefix: text("prefix").notNull(),
    createdAt: integer("created_at").notNull().default(sql`(unixepoch() * 1000)`),
    lastUsedAt: integer("last_used_at"),
    revokedAt: integer("revoked_at"),
  },
  (t) => [index("api_tokens_user_idx").on(t.userId)],
);

/** Instance-wide settings, e.g. the generated auth secret. */
export const settings = sqliteTable("settings", {
  key: text("key").primaryKey(),
  value: text("value").notNull(),
});

/**
 * Failed sign-in counters of rate-limiter-flexible's Drizzle store (lib/auth/throttle.ts), one row
 * per throttled key (an account or a client address), shared by every server on the database.
 */
export const signInLimits = sqliteTable("sign_in_limits", {
  key: text("key").primaryKey(),
  points: integer("points").notNull().default(0),
  expire: integer("expire", { mode: "timestamp_ms" }),
});
