// Applies the committed drizzle-kit migrations; run by `arbiter migrate` and by the start command.
import { migrate } from "drizzle-orm/better-sqlite3/migrator";
import path from "node:path";
import type { Db } from "./client";

export const MIGRATIONS_DIR = path.resolve(__dirname, "migrations");

export function runMigrations(db: Db): void {
  migrate(db, { migrationsFolder: MIGRATIONS_DIR });
}
