// Starts the production build (`next start`) on a free loopback port against a database file and
// waits until /api/health answers; shared by the server test suite and the benchmarks.
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { freePort } from "./net";

export interface RunningServer {
  baseUrl: string;
  server: ChildProcess;
  logFile: string;
}

export async function startNextServer(options: {
  /** The folder whose .next build and node_modules are served. */
  dir: string;
  dbFile: string;
  env?: Record<string, string>;
  nodeArgs?: string[];
}): Promise<RunningServer> {
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const logFile = path.join(path.dirname(options.dbFile), "server.log");
  const fd = fs.openSync(logFile, "w");
  const server = spawn(
    process.execPath,
    [...(options.nodeArgs ?? []), path.join(options.dir, "node_modules/next/dist/bin/next"), "start", "-p", String(port), "-H", "127.0.0.1"],
    {
      cwd: options.dir,
      stdio: ["ignore", fd, fd],
      env: { ...process.env, NODE_ENV: "production", ARBITER_DB: options.dbFile, NEXTAUTH_URL: baseUrl, ...options.env },
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
