// What the HTTP benchmarks need besides the server test helpers (next-server.ts starts and stops
// `next start`, build.ts builds): databases on either engine that can be copied for a second server
// under test, and a built copy of another git revision to measure in the same run (`--baseline REV`).
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import pg from "pg";
import type { EngineKind } from "@/db/engine";
import { createTestDatabase, TEST_SERVER_URL, testDatabaseUrl } from "./postgres";
import { ensureBuilt } from "./build";

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
export async function buildRevision(root: string, rev: string): Promise<{ dir: string; commit: string }> {
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
  await ensureBuilt(dir);
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
