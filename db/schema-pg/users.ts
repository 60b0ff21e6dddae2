// People and the credentials they act with (PostgreSQL; db/schema/users.ts documents the columns).
import { sql } from "drizzle-orm";
import { boolean, index, integer, jsonb, pgTable, text } from "drizzle-orm/pg-core";
import { ROLES, USER_STATUSES } from "../schema/constants";
import { id, stamp } from "./types";

export const users = pgTable("users", {
  id: id(),
  email: text("email").notNull().unique(),
  name: text("name").notNull(),
  role: text("role", { enum: ROLES }).notNull(),
  passwordHash: text("password_hash"),
  external: boolean("external").notNull().default(false),
  status: text("status", { enum: USER_STATUSES }).notNull().default("active"),
  sessionVersion: integer("session_version").notNull().default(0),
  lastSignInAt: stamp("last_sign_in_at"),
  skills: jsonb("skills").$type<string[]>().notNull().default(sql`'[]'::jsonb`),
  createdAt: stamp("created_at").notNull().defaultNow(),
});

export const apiTokens = pgTable(
  "api_tokens",
  {
    id: id(),
    userId: integer("user_id").notNull().references(() => users.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    tokenHash: text("token_hash").notNull().unique(),
    prefix: text("prefix").notNull(),
    createdAt: stamp("created_at").notNull().defaultNow(),
    lastUsedAt: stamp("last_used_at"),
    revokedAt: stamp("revoked_at"),
  },
  (t) => [index("api_tokens_user_idx").on(t.userId)],
);

export const settings = pgTable("settings", {
  key: text("key").primaryKey(),
  value: text("value").notNull(),
});

export const signInLimits = pgTable("sign_in_limits", {
  key: text("key").primaryKey(),
  points: integer("points").notNull().default(0),
  expire: stamp("expire"),
});
