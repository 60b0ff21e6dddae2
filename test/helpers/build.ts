// The production build the server suites and benchmarks start: built when missing or stale, and
// never by two processes at once. Vitest runs each project's globalSetup in turn, but two vitest
// runs (or a benchmark beside a test run) in one checkout would otherwise race on .next; a lock file
// created with O_EXCL beside .next makes the second wait and then find the build fresh.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { buildIsStale } from "@/lib/cli/start";

/** A holder that has not finished in this long is taken to be gone (a build takes minutes, not this). */
const STALE_LOCK_MS = 30 * 60_000;

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Takes the lock at `file` (waiting for a live holder), and returns its release. */
async function lock(file: string): Promise<() => void> {
  for (;;) {
    try {
      const fd = fs.openSync(file, "wx");
      fs.writeSync(fd, String(process.pid));
      fs.closeSync(fd);
      return () => fs.rmSync(file, { force: true });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
    }
    let holder = NaN;
    let age = 0;
    try {
      holder = Number(fs.readFileSync(file, "utf8"));
      age = Date.now() - fs.statSync(file).mtimeMs;
    } catch {
      continue; // released between our attempt and this read
    }
    // A holder that died (or a file too old to be a running build) leaves the lock to be broken.
    if ((Number.isInteger(holder) && holder > 0 && !processAlive(holder)) || age > STALE_LOCK_MS) {
      fs.rmSync(file, { force: true });
      continue;
    }
    await new Promise((r) => setTimeout(r, 500));
  }
}

/** Runs `next build` in `root` when its build is missing or older than the sources, under the lock. */
export async function ensureBuilt(root: string): Promise<void> {
  if (!buildIsStale(root)) return;
  const release = await lock(path.join(root, ".next-build.lock"));
  try {
    // Another process may have built while this one waited.
    if (!buildIsStale(root)) return;
    const build = spawnSync(process.execPath, [path.join(root, "node_modules/next/dist/bin/next"), "build"], {
      cwd: root,
      stdio: "inherit",
      env: { ...process.env, NODE_ENV: "production" },
    });
    if (build.status !== 0) throw new Error("next build failed; see the output above");
  } finally {
    release();
  }
}
