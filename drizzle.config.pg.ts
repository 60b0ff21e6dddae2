// drizzle-kit for the PostgreSQL schema (db/schema-pg); drizzle.config.ts does SQLite's. `npm run
// db:generate` runs both, so a schema change gets a migration on each engine.
import { defineConfig } from "drizzle-kit";

export default defineConfig({
  dialect: "postgresql",
  schema: "./db/schema-pg/index.ts",
  out: "./db/migrations-pg",
  dbCredentials: { url: process.env.ARBITER_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/arbiter" },
});
