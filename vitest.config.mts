import { defineConfig } from "vitest/config";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.dirname(fileURLToPath(import.meta.url));

// Four suites: pure code (unit), services on a real SQLite file (integration), and HTTP plus
// Chromium against one production server started by globalSetup (server).
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
          globalSetup: ["test/helpers/server-setup.ts"],
          testTimeout: 120_000,
          hookTimeout: 300_000,
          fileParallelism: false,
          // expect.poll here waits for what a real server and browser show after a request: a
          // server action that hashes a password (scrypt in a low-priority thread) or re-renders a
          // page takes seconds on a loaded machine, past vitest's one-second default. A wrong value
          // that stays wrong still fails; Playwright's own expect waits 5 s by default for the same
          // reason.
          expect: { poll: { timeout: 10_000 } },
        },
      },
    ],
  },
});
