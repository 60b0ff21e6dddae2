// vitest globalSetup for the HTTP and browser suites on SQLite (the `server` project); the `server-pg`
// project runs the HTTP suites through server-setup-pg.ts. `setupServer` builds Arbiter when the
// build is missing or stale (test/helpers/build.ts), starts the production server on a free port
// against a fresh migrated database on the engine asked for, with one account per role (each with an
// API token), and tears it all down afterwards.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { TestProject } from "vitest/node";
import type { EngineKind } from "@/db/engine";
import { runMigrations } from "@/db/migrate";
import { openPostgres } from "@/db/postgres";
import { openDatabase, type Db } from "@/db/client";
import { createToken } from "@/lib/services/tokens";
import { ensureBuilt } from "./build";
import { makeUser, tempDbFile, tempDbOf, type TempDb } from "./db";
import { startNextServer, stopNextServer } from "./next-server";
import { createTestDatabase } from "./postgres";
import type { ServerInfo } from "./server";

const ROOT = path.resolve(__dirname, "../..");
const MAX_UPLOAD_MB = 16;

/**
 * A fresh migrated database on `kind` that the server will own: made here, its connection closed
 * before the server starts (`t.db.close()`), and removed by `drop` at teardown.
 */
async function freshDatabase(kind: EngineKind): Promise<{ t: TempDb; drop(): Promise<void> }> {
  if (kind === "sqlite") {
    const file = tempDbFile();
    const db = openDatabase(file);
    await runMigrations(db);
    const t = tempDbOf(db, file, () => db.close());
    return { t, drop: async () => fs.rmSync(path.dirname(file), { recursive: true, force: true }) };
  }
  const created = await createTestDatabase();
  const db: Db = openPostgres(created.url, { max: 2 });
  try {
    await runMigrations(db);
  } catch (e) {
    await db.close();
    await created.drop();
    throw e;
  }
  const t = tempDbOf(db, created.url, () => db.close());
  return { t, drop: created.drop };
}

/**
 * Starts the server for `project` on a fresh database on `kind`, provides its `ServerInfo` to the
 * tests, and returns the teardown (stop the server, then remove the database and the log).
 */
export async function setupServer(project: TestProject, kind: EngineKind): Promise<() => Promise<void>> {
  await ensureBuilt(ROOT);
  const { t, drop } = await freshDatabase(kind);
  const logDir = fs.mkdtempSync(path.join(os.tmpdir(), "arbiter-server-"));
  let running: Awaited<ReturnType<typeof startNextServer>> | undefined;
  const teardown = async () => {
    // The database is dropped only once the server has let go of it.
    if (running) await stopNextServer(running);
    await drop();
    fs.rmSync(logDir, { recursive: true, force: true });
  };
  try {
    const users = {} as ServerInfo["users"];
    for (const role of ["admin", "manager", "annotator", "annotator2"] as const) {
      const u = await makeUser(t, role === "annotator2" ? "annotator" : role, `${role}@test.local`);
      const { token } = await createToken({ ctx: t.system, input: { email: u.caller.email } });
      users[role] = { email: u.caller.email, password: u.password, token, id: u.caller.userId };
    }
    await t.db.close();

    running = await startNextServer({
      dir: ROOT,
      database: t.file,
      logFile: path.join(logDir, "server.log"),
      env: { NEXTAUTH_SECRET: "test-secret-test-secret-test-secret-0123", ARBITER_MAX_UPLOAD_MB: String(MAX_UPLOAD_MB) },
    });
    const info: ServerInfo = {
      baseUrl: running.baseUrl,
      database: t.file,
      engine: kind,
      users,
      logFile: running.logFile,
      pid: running.server.pid!,
      maxUploadMb: MAX_UPLOAD_MB,
    };
    project.provide("server", info);
  } catch (e) {
    await teardown();
    throw e;
  }
  return teardown;
}

export default function setup(project: TestProject) {
  return setupServer(project, "sqlite");
}
