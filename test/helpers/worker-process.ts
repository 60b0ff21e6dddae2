// Runs a worker module (test/helpers/*-worker.ts, through run-ts.mjs) in its own process, for the
// concurrency suites, and answers the JSON line it prints last.
import { spawn } from "node:child_process";
import path from "node:path";

const ROOT = path.resolve(__dirname, "../..");

/**
 * Settles on 'close', once the worker's output pipes are drained: 'exit' may come before the last of
 * its output has been read, and a worker that did print its result then looked as if it printed none.
 */
export function runWorkerProcess<T>(worker: string, args: string[]): Promise<T> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["test/helpers/run-ts.mjs", worker, ...args], { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (err += d));
    child.on("error", reject);
    child.on("close", (code, signal) => {
      const last = out.trim().split("\n").pop();
      if (code === 0 && last) return resolve(JSON.parse(last) as T);
      reject(new Error(`${worker} ${code === null ? `was killed by ${signal}` : `exited with code ${code}`}${last ? "" : " and printed no result"}:\n${err}`));
    });
  });
}
