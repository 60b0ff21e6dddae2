// Applies the committed drizzle-kit migrations of the database's engine (db/migrations for SQLite,
// db/migrations-pg for PostgreSQL); run by `arbiter migrate`, every other CLI command and the start command.
import path from "node:path";
import { defineQuery, type Engine, type OpenEngine } from "./engine";

export const MIGRATIONS_DIR = path.resolve(__dirname, "migrations");
export const PG_MIGRATIONS_DIR = path.resolve(__dirname, "migrations-pg");

/** The migrations folder of an engine. */
export function migrationsDir(kind: Engine["kind"]): string {
  return kind === "sqlite" ? MIGRATIONS_DIR : PG_MIGRATIONS_DIR;
}

export async function runMigrations(db: OpenEngine): Promise<void> {
  await db.migrate(migrationsDir(db.kind));
}

const PROJECTS_TABLE = defineQuery("schema.projectsTable", (d) =>
  d.kind === "sqlite"
    ? "select 1 as found from sqlite_master where type = 'table' and name = 'projects'"
    : "select 1 as found from information_schema.tables where table_schema = current_schema() and table_name = 'projects'",
);

/** True once the migrations have created Arbiter's tables in this database. */
export async function isMigrated(db: Engine): Promise<boolean> {
  return (await db.first(PROJECTS_TABLE)) !== undefined;
}
