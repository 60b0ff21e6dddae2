// The fixed statements of the copy between databases (lib/services/db-copy.ts): which migrations a
// database holds and which database it is. The statements on each table are built from db/tables.ts.
import { defineQuery, numOrNull, str } from "../engine";

export interface MigrationsTableRow {
  found: boolean;
}

/** A row when drizzle's migrations bookkeeping table exists (on PostgreSQL it lives in the `drizzle` schema). */
export const MIGRATIONS_TABLE = defineQuery<MigrationsTableRow>(
  "copy.migrationsTable",
  (d) =>
    d.kind === "sqlite"
      ? "select 1 as found from sqlite_master where type = 'table' and name = '__drizzle_migrations'"
      : "select 1 as found where to_regclass('drizzle.__drizzle_migrations') is not null",
  () => ({ found: true }),
);

export interface NewestMigrationRow {
  /** The journal time (`when`) of the newest migration applied, null when none is. */
  createdAt: number | null;
}

/** The newest migration applied: drizzle records each one by its journal time. */
export const NEWEST_MIGRATION = defineQuery<NewestMigrationRow>(
  "copy.newestMigration",
  (d) => `select max(created_at) as created_at from ${d.kind === "sqlite" ? "__drizzle_migrations" : "drizzle.__drizzle_migrations"}`,
  (r) => ({ createdAt: numOrNull(r.created_at) }),
);

export interface DatabaseIdentityRow {
  /**
   * SQLite: the main database's file as opened. PostgreSQL: the database's name and oid and the
   * server's start time, the same whatever address or user a connection came through.
   */
  identity: string;
}

export const DATABASE_IDENTITY = defineQuery<DatabaseIdentityRow>(
  "copy.databaseIdentity",
  (d) =>
    d.kind === "sqlite"
      ? "select file as identity from pragma_database_list where name = 'main'"
      : "select current_database() || ' ' || (select oid from pg_database where datname = current_database())::text || ' ' || pg_postmaster_start_time()::text as identity",
  (r) => ({ identity: str(r.identity) }),
);
