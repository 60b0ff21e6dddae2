// Runs a worker module (test/helpers/*-worker.ts, through run-ts.mjs) in its own process, for the
// concurrency suites, and answers the JSON line it prints last.
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";

const ROOT = path.resolve(__dirname, "../..");

/**
 * Settles on 'close', once the worker's output pipes are drained: 'exit' may come before the last of
 * its output has been read, and a worker that did print its result then looked as if it printed none.
 * `env` replaces this process's environment for the worker; `children` holds the worker while it
 * runs, so a suite that fails early can kill what is left.
 */
export function runWorkerProcess<T>(worker: string, args: string[], options: { env?: NodeJS.ProcessEnv; children?: Set<ChildProcess> } = {}): Promise<T> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["test/helpers/run-ts.mjs", worker, ...args], { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"], env: options.env ?? process.env });
    options.children?.add(child);
    let out = "";
    let err = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (err += d));
    child.on("error", reject);
    child.on("close", (code, signal) => {
      options.children?.delete(child);
      const last = out.trim().split("\n").pop();
      if (code === 0 && last) return resolve(JSON.parse(last) as T);
      reject(new Error(`${worker} ${code === null ? `was killed by ${signal}` : `exited with code ${code}`}${last ? "" : " and printed no result"}:\n${err}`));
    });
  });
}
