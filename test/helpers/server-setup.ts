// vitest globalSetup for the HTTP and browser suites: builds Arbiter when the build is missing or
// stale, starts the production server on a free port against a fresh database with one account per
// role (each with an API token), and tears it all down afterwards.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import type { TestProject } from "vitest/node";
import { buildIsStale } from "@/lib/cli/start";
import { createToken } from "@/lib/services/tokens";
import { makeUser, tempDb } from "./db";
import type { ServerInfo } from "./server";
import { freePort } from "./net";

const ROOT = path.resolve(__dirname, "../..");
const NEXT_BIN = path.join(ROOT, "node_modules/next/dist/bin/next");


let server: ChildProcess | undefined;

export default async function setup(project: TestProject) {
  if (buildIsStale(ROOT)) {
    const build = spawnSync(process.execPath, [NEXT_BIN, "build"], { cwd: ROOT, stdio: "inherit", env: { ...process.env, NODE_ENV: "production" } });
    if (build.status !== 0) throw new Error("next build failed; see the output above");
  }
  const t = tempDb();
  const users = {} as ServerInfo["users"];
  for (const role of ["admin", "manager", "annotator", "annotator2"] as const) {
    const u = makeUser(t, role === "annotator2" ? "annotator" : role, `${role}@test.local`);
    const { token } = createToken({ ctx: t.system, input: { email: u.caller.email } });
    users[role] = { email: u.caller.email, password: u.password, token, id: u.caller.userId };
  }
  t.db.$client.close();

  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const logFile = path.join(path.dirname(t.file), "server.log");
  const log = fs.openSync(logFile, "w");
  server = spawn(process.execPath, [NEXT_BIN, "start", "-p", String(port), "-H", "127.0.0.1"], {
    cwd: ROOT,
    stdio: ["ignore", log, log],
    env: { ...process.env, NODE_ENV: "production", ARBITER_DB: t.file, NEXTAUTH_URL: baseUrl, NEXTAUTH_SECRET: "test-secret-test-secret-test-secret-0123" },
  });
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (server.exitCode !== null) throw new Error(`server exited early:\n${fs.readFileSync(logFile, "utf8")}`);
    try {
      if ((await fetch(`${baseUrl}/api/health`)).ok) break;
    } catch {
      // not up yet
    }
    if (Date.now() > deadline) throw new Error(`server did not start in 60 s:\n${fs.readFileSync(logFile, "utf8")}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  const info: ServerInfo = { baseUrl, dbFile: t.file, users, logFile };
  project.provide("server", info);

  return async () => {
    server?.kill("SIGTERM");
    await new Promise((r) => setTimeout(r, 300));
    fs.rmSync(path.dirname(t.file), { recursive: true, force: true });
  };
}
