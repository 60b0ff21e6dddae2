// What the HTTP benchmarks need besides the server test helpers: `next start` against either engine
// (a SQLite file or a PostgreSQL URL), databases that can be copied for a second server under test,
// and a built copy of another git revision to measure in the same run (`--baseline REV`).
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import pg from "pg";
import type { EngineKind } from "@/db/engine";
import { buildIsStale } from "@/lib/cli/start";
import { createTestDatabase, TEST_SERVER_URL, testDatabaseUrl } from "./postgres";
import { freePort } from "./net";

export interface BenchServer {
  baseUrl: string;
  process: ChildProcess;
  logFile: string;
}

/** Next must come from the same node_modules as React: the served folder's own. */
export const nextBin = (dir: string) => path.join(dir, "node_modules/next/dist/bin/next");

/**
 * `next start` of the build in `dir` on a free loopback port, on `database` (a SQLite file or a
 * postgres:// URL), logging to `logFile`; resolves once /api/health answers.
 */
export async function startBenchServer(options: { dir: string; database: string; logFile: string; env?: Record<string, string>; nodeArgs?: string[] }): Promise<BenchServer> {
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const fd = fs.openSync(options.logFile, "w");
  const isUrl = /^postgres(ql)?:\/\//i.test(options.database);
  const env: NodeJS.ProcessEnv = { ...process.env, NODE_ENV: "production", NEXTAUTH_URL: baseUrl, ...options.env };
  // One database setting only: ARBITER_DATABASE_URL wins over ARBITER_DB (db/client.ts), so neither may leak in from this shell.
  delete env.ARBITER_DATABASE_URL;
  delete env.ARBITER_DB;
  if (isUrl) env.ARBITER_DATABASE_URL = options.database;
  else env.ARBITER_DB = options.database;
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), nextBin(options.dir), "start", "-p", String(port), "-H", "127.0.0.1"], {
    cwd: options.dir,
    stdio: ["ignore", fd, fd],
    env,
  });
  fs.closeSync(fd);
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server in ${options.dir} exited early:\n${fs.readFileSync(options.logFile, "utf8")}`);
    try {
      if ((await fetch(`${baseUrl}/api/health`)).ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(`server in ${options.dir} did not answer in 60 s:\n${fs.readFileSync(options.logFile, "utf8")}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return { baseUrl, process: child, logFile: options.logFile };
}

export async function stopBenchServer(s: BenchServer): Promise<void> {
  if (s.process.exitCode !== null) return;
  const exited = new Promise((r) => s.process.once("exit", r));
  s.process.kill("SIGTERM");
  await exited;
}

/** Builds `dir` with `next build` when its sources are newer than its build. */
export function buildIfStale(dir: string): void {
  if (!buildIsStale(dir)) return;
  const r = spawnSync(process.execPath, [nextBin(dir), "build"], { cwd: dir, stdio: "inherit", env: { ...process.env, NODE_ENV: "production" } });
  if (r.status !== 0) throw new Error(`next build failed in ${dir}`);
}

function git(root: string, args: string[]): string {
  const r = spawnSync("git", args, { cwd: root, encoding: "utf8" });
  if (r.status !== 0) throw new Error(`git ${args.join(" ")}: ${r.stderr.trim()}`);
  return r.stdout.trim();
}

/**
 * The sources of git revision `rev` of the repository at `root`, built, in a folder of their own
 * (os.tmpdir()/arbiter-bench-rev-<commit>, kept, so a second run reuses the build). Exported with
 * `git archive`, so the repository's worktree list is left alone; node_modules is a hard-linked copy
 * of `root`'s (Turbopack resolves nothing outside the project folder).
 */
export function buildRevision(root: string, rev: string): { dir: string; commit: string } {
  const commit = git(root, ["rev-parse", "--verify", `${rev}^{commit}`]);
  const dir = path.join(os.tmpdir(), `arbiter-bench-rev-${commit}`);
  if (!fs.existsSync(path.join(dir, "package.json"))) {
    const partial = `${dir}.partial`;
    fs.rmSync(partial, { recursive: true, force: true });
    fs.mkdirSync(partial, { recursive: true });
    const archive = spawnSync("sh", ["-c", `git archive --format=tar ${commit} | tar -x -C '${partial}'`], { cwd: root, stdio: "inherit" });
    if (archive.status !== 0) throw new Error(`exporting ${rev} (${commit}) failed`);
    const link = spawnSync("cp", ["-al", path.join(root, "node_modules"), path.join(partial, "node_modules")], { stdio: "inherit" });
    if (link.status !== 0) throw new Error("linking node_modules failed");
    fs.renameSync(partial, dir);
  }
  // git archive sets every file's time to the commit's, so a build made after it stays fresh.
  buildIfStale(dir);
  return { dir, commit };
}

/**
 * Whether `rev` has the same migrations of `engine` as the working tree of `root`: a baseline is
 * served on a copy of the database this checkout generated, which is only fair when the schemas agree.
 */
export function sameMigrations(root: string, rev: string, engine: EngineKind): boolean {
  const folder = engine === "sqlite" ? "db/migrations" : "db/migrations-pg";
  return spawnSync("git", ["diff", "--quiet", rev, "--", folder], { cwd: root }).status === 0 && !git(root, ["status", "--porcelain", "--", folder]);
}

/** A database for the benchmark: a SQLite file under `dir`, or a fresh database on the PostgreSQL test server. */
export interface BenchDatabase {
  /** The file path or URL the engine and the servers open. */
  target: string;
  /** A copy of it as it is now (nothing may be connected to a PostgreSQL source while it is copied). */
  copy(label: string): Promise<BenchDatabase>;
  drop(): Promise<void>;
}

async function admin<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: TEST_SERVER_URL });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

function postgresDatabase(url: string, name: string): BenchDatabase {
  return {
    target: url,
    async copy(label) {
      const copyName = `${name}_${label.replace(/[^a-z0-9]/gi, "").toLowerCase()}`.slice(0, 63);
      await admin((c) => c.query(`create database "${copyName}" template "${name}"`));
      return postgresDatabase(testDatabaseUrl(copyName), copyName);
    },
    drop: () => admin((c) => c.query(`drop database if exists "${name}" with (force)`)).then(() => undefined),
  };
}

function sqliteDatabase(file: string): BenchDatabase {
  return {
    target: file,
    async copy(label) {
      const to = path.join(path.dirname(file), label.replace(/[^a-z0-9-]/gi, "_"), "bench.db");
      fs.mkdirSync(path.dirname(to), { recursive: true });
      // A consistent copy even with the WAL not yet checkpointed.
      const from = new Database(file, { readonly: true, fileMustExist: true });
      try {
        from.prepare("vacuum into ?").run(to);
      } finally {
        from.close();
      }
      return sqliteDatabase(to);
    },
    async drop() {
      // The files stay under the run's temporary folder with the server logs.
    },
  };
}

export async function createBenchDatabase(engine: EngineKind, dir: string): Promise<BenchDatabase> {
  if (engine === "sqlite") return sqliteDatabase(path.join(dir, "bench.db"));
  const { url, name } = await createTestDatabase();
  return postgresDatabase(url, name);
}
