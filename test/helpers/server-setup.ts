// vitest globalSetup for the HTTP and browser suites: builds Arbiter when the build is missing or
// stale, starts the production server on a free port against a fresh database with one account per
// role (each with an API token), and tears it all down afterwards.
import { spawnSync, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import type { TestProject } from "vitest/node";
import { buildIsStale } from "@/lib/cli/start";
import { createToken } from "@/lib/services/tokens";
import { makeUser, tempDb } from "./db";
import type { ServerInfo } from "./server";
import { startNextServer } from "./next-server";

const ROOT = path.resolve(__dirname, "../..");
const NEXT_BIN = path.join(ROOT, "node_modules/next/dist/bin/next");


let server: ChildProcess | undefined;
const MAX_UPLOAD_MB = 16;

export default async function setup(project: TestProject) {
  if (buildIsStale(ROOT)) {
    const build = spawnSync(process.execPath, [NEXT_BIN, "build"], { cwd: ROOT, stdio: "inherit", env: { ...process.env, NODE_ENV: "production" } });
    if (build.status !== 0) throw new Error("next build failed; see the output above");
  }
  const t = tempDb();
  const users = {} as ServerInfo["users"];
  for (const role of ["admin", "manager", "annotator", "annotator2"] as const) {
    const u = await makeUser(t, role === "annotator2" ? "annotator" : role, `${role}@test.local`);
    const { token } = await createToken({ ctx: t.system, input: { email: u.caller.email } });
    users[role] = { email: u.caller.email, password: u.password, token, id: u.caller.userId };
  }
  t.db.$client.close();

  const running = await startNextServer({
    dir: ROOT,
    dbFile: t.file,
    env: { NEXTAUTH_SECRET: "test-secret-test-secret-test-secret-0123", ARBITER_MAX_UPLOAD_MB: String(MAX_UPLOAD_MB) },
  });
  server = running.server;
  const { baseUrl, logFile } = running;
  const info: ServerInfo = { baseUrl, dbFile: t.file, users, logFile, pid: running.server.pid!, maxUploadMb: MAX_UPLOAD_MB };
  project.provide("server", info);

  return async () => {
    server?.kill("SIGTERM");
    await new Promise((r) => setTimeout(r, 300));
    fs.rmSync(path.dirname(t.file), { recursive: true, force: true });
  };
}
