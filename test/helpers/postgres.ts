// PostgreSQL for the test suites: the server at ARBITER_TEST_DATABASE_URL (default: the local one,
// trust auth), one throwaway database per test. Where no server answers, suites that need one are
// skipped with a message saying how to start one, and fail when CI=true, like the browser suites.
import pg from "pg";

export const TEST_SERVER_URL = process.env.ARBITER_TEST_DATABASE_URL || "postgres://postgres@127.0.0.1:5432/postgres";

export const START_HINT =
  "PostgreSQL suites skipped: no server answers at " +
  TEST_SERVER_URL +
  ". Start one (Debian: apt-get install -y postgresql && pg_ctlcluster 15 main start) or set ARBITER_TEST_DATABASE_URL.";

let reachable: boolean | undefined;

/** Whether the test server answers (asked once per process). */
export async function postgresAvailable(): Promise<boolean> {
  if (reachable !== undefined) return reachable;
  const client = new pg.Client({ connectionString: TEST_SERVER_URL, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    await client.query("select 1");
    reachable = true;
  } catch {
    reachable = false;
  } finally {
    await client.end().catch(() => {});
  }
  if (!reachable) {
    if (process.env.CI === "true") throw new Error(START_HINT.replace("suites skipped", "suites cannot run under CI=true"));
    console.warn(START_HINT);
  }
  return reachable;
}

/** Whether to run PostgreSQL suites (top-level await in a test file: `describe.skipIf(!(await withPostgres()))`). */
export async function withPostgres(): Promise<boolean> {
  return postgresAvailable();
}

let counter = 0;

/** Database names made by this helper; `arbiter_t_` prefixes them so a crashed run's leftovers are easy to find. */
function databaseName(): string {
  return `arbiter_t_${process.pid}_${Date.now().toString(36)}_${++counter}`;
}

/** The URL of database `name` on the test server. */
export function testDatabaseUrl(name: string): string {
  const u = new URL(TEST_SERVER_URL);
  u.pathname = "/" + name;
  return u.toString();
}

async function admin<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: TEST_SERVER_URL });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** A new empty database (C collation, UTF-8, so text sorts as on SQLite); `drop` removes it. */
export async function createTestDatabase(): Promise<{ url: string; name: string; drop(): Promise<void> }> {
  const name = databaseName();
  await admin((c) => c.query(`create database "${name}" template template0 encoding 'UTF8' lc_collate 'C' lc_ctype 'C'`));
  return {
    url: testDatabaseUrl(name),
    name,
    drop: () => admin((c) => c.query(`drop database if exists "${name}" with (force)`)).then(() => undefined),
  };
}
