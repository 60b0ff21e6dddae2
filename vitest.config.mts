import { defineConfig } from "vitest/config";
import path from "node:path";
import { fileURLToPath } from "node:url";
import pg from "pg";

const root = path.dirname(fileURLToPath(import.meta.url));

/**
 * Whether the PostgreSQL test server (test/helpers/postgres.ts) answers, asked once per process (vitest
 * loads this file more than once). Asked here, quietly, only to choose what `server-pg` runs; the
 * message and the CI=true failure come from test/helpers/postgres.ts itself.
 */
async function postgresAnswers(): Promise<boolean> {
  const known = process.env.ARBITER_TEST_POSTGRES_ANSWERS;
  if (known) return known === "1";
  const client = new pg.Client({
    connectionString: process.env.ARBITER_TEST_DATABASE_URL || "postgres://postgres@127.0.0.1:5432/postgres",
    connectionTimeoutMillis: 2000,
  });
  const answers = await client.connect().then(
    () => client.query("select 1").then(() => true),
    () => false,
  );
  await client.end().catch(() => {});
  process.env.ARBITER_TEST_POSTGRES_ANSWERS = answers ? "1" : "0";
  return answers;
}

// The HTTP suites run on both engines. Where no PostgreSQL answers, `server-pg` runs only
// test/helpers/postgres-missing.test.ts: one skipped test named with the message saying how to start
// one, which fails instead under CI=true.
const withPostgres = await postgresAnswers();

// What the two server projects share: one production server started by globalSetup, files one at a
// time against it.
const serverProject = {
  testTimeout: 120_000,
  hookTimeout: 300_000,
  fileParallelism: false,
  // expect.poll here waits for what a real server and browser show after a request: a
  // server action that hashes a password (scrypt in a low-priority thread) or re-renders a
  // page takes seconds on a loaded machine, past vitest's one-second default. A wrong value
  // that stays wrong still fails; Playwright's own expect waits 5 s by default for the same
  // reason.
  expect: { poll: { timeout: 10_000 } },
};

// Suites: pure code (unit), services on real databases (integration), and HTTP plus Chromium
// against a production server on SQLite (server), and HTTP against one on PostgreSQL (server-pg).
// The server projects run one after the other (sequence.groupOrder), after unit and integration:
// two production servers under load at once would starve each other on a small machine.
export default defineConfig({
  resolve: { alias: { "@": root } },
  test: {
    reporters: ["default", "./test/helpers/summary-reporter.ts"],
    projects: [
      { extends: true, test: { name: "unit", include: ["test/unit/**/*.test.ts"], testTimeout: 60_000 } },
      {
        extends: true,
        test: { name: "integration", include: ["test/integration/**/*.test.ts"], testTimeout: 60_000 },
      },
      {
        extends: true,
        test: {
          name: "server",
          include: ["test/http/**/*.test.ts", "test/e2e/**/*.test.ts"],
          // A *.pg.test.ts file needs PostgreSQL whatever the project's server runs on: server-pg has it.
          exclude: ["**/*.pg.test.ts", "**/node_modules/**"],
          globalSetup: ["test/helpers/server-setup.ts"],
          sequence: { groupOrder: 1 },
          ...serverProject,
        },
      },
      {
        extends: true,
        test: {
          name: "server-pg",
          include: withPostgres ? ["test/http/**/*.test.ts"] : ["test/helpers/postgres-missing.test.ts"],
          globalSetup: withPostgres ? ["test/helpers/server-setup-pg.ts"] : [],
          sequence: { groupOrder: 2 },
          ...serverProject,
        },
      },
    ],
  },
});
