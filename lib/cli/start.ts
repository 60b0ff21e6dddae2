// `arbiter start`: everything between a fresh clone and a running Arbiter. Migrates, seeds the demo
// (with --demo) and first accounts, makes sure an auth secret exists, builds when the build is
// missing or older than the sources, then runs `next start` and prints where and how to log in.
import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import path from "node:path";
import { getDb, resolveDbPath } from "@/db/client";
import { runMigrations } from "@/db/migrate";
import { isPostgresUrl } from "@/db/postgres";
import { ADMIN_EMAIL, ensureAccounts, seedDemo } from "@/lib/services/seed";
import { ensureStoredSecret } from "@/lib/auth/secret";
import { readEnv } from "@/lib/env";

const ROOT = path.resolve(__dirname, "../..");
const NEXT_BIN = require.resolve("next/dist/bin/next", { paths: [ROOT] });
const SOURCE_DIRS = ["app", "lib", "db", "types"];
const SOURCE_FILES = ["next.config.ts", "package.json", "tsconfig.json"];

interface StartOptions {
  dbPath?: string;
  demo: boolean;
  port: number;
  host: string;
  forceBuild: boolean;
  io: { out: (s: string) => void; err: (s: string) => void };
}

function newestMtime(target: string): number {
  if (!fs.existsSync(target)) return 0;
  const stat = fs.statSync(target);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const entry of fs.readdirSync(target)) newest = Math.max(newest, newestMtime(path.join(target, entry)));
  return newest;
}

/** True when there is no production build or a source file changed after it was made. */
export function buildIsStale(root = ROOT): boolean {
  const buildId = path.join(root, ".next", "BUILD_ID");
  if (!fs.existsSync(buildId)) return true;
  const built = fs.statSync(buildId).mtimeMs;
  return [...SOURCE_DIRS, ...SOURCE_FILES].some((p) => newestMtime(path.join(root, p)) > built);
}

export async function startServer(options: StartOptions): Promise<number> {
  const { io } = options;
  const env = readEnv();
  const dbFile = resolveDbPath(options.dbPath);
  const db = getDb(dbFile);
  await runMigrations(db);
  const ctx = { db, caller: null };

  if (options.demo) {
    const seeded = await seedDemo(ctx);
    if (seeded.project) io.out(`Seeded the demo project "${seeded.project.slug}" with ${seeded.project.import.inserted} items.\n`);
  }
  const accounts = await ensureAccounts(ctx, { demo: options.demo });
  if (!env.NEXTAUTH_SECRET) {
    const { created } = ensureStoredSecret(db);
    if (created) io.out("Generated an auth secret and stored it in the database (set NEXTAUTH_SECRET to use your own).\n");
  }

  if (!(await portIsFree(options.port, options.host))) {
    io.err(`arbiter: port ${options.port} on ${options.host} is already in use (another Arbiter?). Stop it or pass --port.\n`);
    return 1;
  }

  if (options.forceBuild || buildIsStale()) {
    io.out("Building Arbiter (next build)…\n");
    const build = spawnSync(process.execPath, [NEXT_BIN, "build"], { cwd: ROOT, stdio: "inherit", env: { ...process.env, NODE_ENV: "production" } });
    if (build.status !== 0) {
      io.err("arbiter: the build failed; see the output above.\n");
      return 1;
    }
  }

  const url = `http://${options.host}:${options.port}`;
  const child = spawn(process.execPath, [NEXT_BIN, "start", "-p", String(options.port), "-H", options.host], {
    cwd: ROOT,
    stdio: ["ignore", "inherit", "inherit"],
    // The database chosen here, whatever the environment names: a URL wins over ARBITER_DB, so a file clears it.
    env: { ...process.env, NODE_ENV: "production", ...(isPostgresUrl(dbFile) ? { ARBITER_DATABASE_URL: dbFile } : { ARBITER_DB: dbFile, ARBITER_DATABASE_URL: "" }), NEXTAUTH_URL: env.NEXTAUTH_URL ?? url },
  });
  const stop = () => child.kill("SIGTERM");
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);

  if (await waitForServer(`${url}/api/health`, child)) {
    io.out(`\nArbiter is running at ${url}  (database: ${db.location})\n`);
    if (accounts.length) {
      io.out("Log in with one of these accounts (passwords are shown only this once):\n");
      for (const a of accounts) io.out(`  ${a.role.padEnd(9)} ${a.email.padEnd(28)} password: ${a.password}\n`);
    } else {
      io.out(`Log in with your existing accounts (the admin is ${ADMIN_EMAIL} unless you changed it).\n`);
      io.out(`Forgot a password? npx arbiter user password --email ${ADMIN_EMAIL}\n`);
    }
  }
  return await new Promise<number>((resolve) => child.on("exit", (code) => resolve(code ?? 0)));
}

function portIsFree(port: number, host: string): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = net.createServer();
    probe.once("error", () => resolve(false));
    probe.listen(port, host, () => probe.close(() => resolve(true)));
  });
}

async function waitForServer(url: string, child: ReturnType<typeof spawn>): Promise<boolean> {
  for (let i = 0; i < 600; i++) {
    if (child.exitCode !== null) return false;
    try {
      const res = await fetch(url);
      if (res.ok) return true;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return false;
}
