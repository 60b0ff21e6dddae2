// Starts the production build (`next start`) on a free loopback port against a database (a SQLite
// file or a PostgreSQL URL) and waits until /api/health answers; shared by the server test suites
// and the benchmarks.
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { isPostgresUrl } from "@/db/postgres";
import { freePort } from "./net";

export interface RunningServer {
  baseUrl: string;
  server: ChildProcess;
  logFile: string;
}

/**
 * The environment that points a server at `database`, whatever the environment already names: a URL
 * wins over ARBITER_DB, so a file clears ARBITER_DATABASE_URL.
 */
export function databaseEnv(database: string): Record<string, string> {
  return isPostgresUrl(database) ? { ARBITER_DATABASE_URL: database } : { ARBITER_DB: database, ARBITER_DATABASE_URL: "" };
}

export async function startNextServer(options: {
  /** The folder whose .next build and node_modules are served. */
  dir: string;
  /** A SQLite file path (served as ARBITER_DB) or a postgres:// URL (as ARBITER_DATABASE_URL). */
  database: string;
  /** Where the server's output goes; by default server.log beside a SQLite file, or in a new temporary folder for a URL. */
  logFile?: string;
  env?: Record<string, string>;
  nodeArgs?: string[];
}): Promise<RunningServer> {
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const postgres = isPostgresUrl(options.database);
  const logFile =
    options.logFile ?? path.join(postgres ? fs.mkdtempSync(path.join(os.tmpdir(), "arbiter-server-")) : path.dirname(options.database), "server.log");
  const fd = fs.openSync(logFile, "w");
  const server = spawn(
    process.execPath,
    [...(options.nodeArgs ?? []), path.join(options.dir, "node_modules/next/dist/bin/next"), "start", "-p", String(port), "-H", "127.0.0.1"],
    {
      cwd: options.dir,
      stdio: ["ignore", fd, fd],
      env: {
        ...process.env,
        NODE_ENV: "production",
        ...databaseEnv(options.database),
        NEXTAUTH_URL: baseUrl,
        ...options.env,
      },
    },
  );
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (server.exitCode !== null) throw new Error(`server exited early:\n${fs.readFileSync(logFile, "utf8")}`);
    try {
      if ((await fetch(`${baseUrl}/api/health`)).ok) break;
    } catch {
      // not up yet
    }
    if (Date.now() > deadline) {
      server.kill("SIGKILL");
      throw new Error(`server did not start in 60 s:\n${fs.readFileSync(logFile, "utf8")}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return { baseUrl, server, logFile };
}

/** Stops a server (SIGTERM, then SIGKILL if it has not exited in 10 s); resolves once it is gone, so its database may be dropped. */
export async function stopNextServer({ server }: RunningServer): Promise<void> {
  if (server.exitCode !== null || server.signalCode !== null) return;
  const exited = new Promise((r) => server.once("exit", r));
  server.kill("SIGTERM");
  await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
  if (server.exitCode === null && server.signalCode === null) {
    server.kill("SIGKILL");
    await exited;
  }
}
