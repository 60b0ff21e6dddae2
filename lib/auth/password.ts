// Password hashing with scrypt (node:crypto); only the hash is ever stored. Hashing runs in
// low-priority worker threads, never on the request thread, at OWASP's current scrypt parameters
// (N=2^17, r=8, p=1). Hashes made with weaker parameters are re-made at the next successful sign-in.
import { randomBytes, timingSafeEqual, type ScryptOptions } from "node:crypto";
import os from "node:os";
import { Worker } from "node:worker_threads";

const LOG_N = 17;
const R = 8;
const P = 1;
const KEYLEN = 32;

/** log2 of scrypt's N for new hashes; a stored hash below it is outdated. */
export function targetLogN(): number {
  return LOG_N;
}

// Hashing runs in worker threads at the lowest CPU priority (nice 19, which Linux applies to the
// calling thread only), one hash at a time per worker and at most (cores − 1) workers: a flood of
// sign-ins (each a 128 MiB, ~0.2 s scrypt) can neither block the request thread nor take CPU from
// it, and the memory hashing takes stays bounded. Annotators' requests stay fast while sign-ins queue.
const WORKER_SOURCE = `
const { parentPort } = require("node:worker_threads");
const { scryptSync } = require("node:crypto");
try { require("node:os").setPriority(19); } catch {}
parentPort.on("message", ({ id, password, salt, keylen, options }) => {
  try {
    const key = scryptSync(password, Buffer.from(salt), keylen, options);
    parentPort.postMessage({ id, key });
  } catch (error) {
    parentPort.postMessage({ id, error: String(error && error.message || error) });
  }
});`;

interface HashWorker {
  worker: Worker;
  pending: Map<number, { resolve: (key: Buffer) => void; reject: (err: Error) => void }>;
}

const workers: HashWorker[] = [];
let nextId = 0;

function startWorker(): HashWorker {
  const hw: HashWorker = { worker: new Worker(WORKER_SOURCE, { eval: true }), pending: new Map() };
  hw.worker.unref(); // an idle hashing worker never keeps the CLI alive
  hw.worker.on("message", ({ id, key, error }: { id: number; key?: Uint8Array; error?: string }) => {
    const job = hw.pending.get(id);
    hw.pending.delete(id);
    if (!job) return;
    if (error || !key) job.reject(new Error(error ?? "scrypt failed"));
    else job.resolve(Buffer.from(key));
  });
  hw.worker.on("error", (err) => {
    for (const job of hw.pending.values()) job.reject(err);
    hw.pending.clear();
    workers.splice(workers.indexOf(hw), 1);
  });
  return hw;
}

/** The least busy worker, starting one while fewer than (cores − 1) run. */
function hashWorker(): HashWorker {
  const idle = workers.find((w) => w.pending.size === 0);
  if (idle) return idle;
  if (workers.length < Math.max(1, os.availableParallelism() - 1)) {
    const hw = startWorker();
    workers.push(hw);
    return hw;
  }
  return workers.reduce((a, b) => (b.pending.size < a.pending.size ? b : a));
}

function scryptAsync(password: string, salt: Buffer, keylen: number, options: ScryptOptions): Promise<Buffer> {
  // scrypt needs 128·N·r bytes; node refuses above 32 MiB unless maxmem allows it.
  const maxmem = 256 * (options.N ?? 0) * (options.r ?? R) + 1024 * 1024;
  const hw = hashWorker();
  const id = nextId++;
  return new Promise<Buffer>((resolve, reject) => {
    hw.pending.set(id, { resolve, reject });
    hw.worker.ref(); // busy: keep the process alive until the answer comes
    hw.worker.postMessage({ id, password, salt, keylen, options: { ...options, maxmem } });
  }).finally(() => {
    if (hw.pending.size === 0) hw.worker.unref();
  });
}

export async function hashPassword(password: string, logN = targetLogN()): Promise<string> {
  const N = 2 ** logN;
  const salt = randomBytes(16);
  const hash = await scryptAsync(password, salt, KEYLEN, { N, r: R, p: P });
  return `scrypt$${N}$${R}$${P}$${salt.toString("base64")}$${hash.toString("base64")}`;
}

export interface PasswordCheck {
  ok: boolean;
  /** The stored hash uses weaker parameters than new hashes: re-hash the password now that it is known. */
  outdated: boolean;
}

export async function verifyPassword(password: string, stored: string): Promise<PasswordCheck> {
  const [algo, n, r, p, salt, hash] = stored.split("$");
  const N = Number(n);
  if (algo !== "scrypt" || !salt || !hash || !Number.isInteger(N) || N > 2 ** 20) return { ok: false, outdated: false };
  const expected = Buffer.from(hash, "base64");
  const actual = await scryptAsync(password, Buffer.from(salt, "base64"), expected.length, { N, r: Number(r), p: Number(p) });
  const ok = timingSafeEqual(expected, actual);
  return { ok, outdated: ok && (N < 2 ** targetLogN() || Number(r) < R) };
}

/** A readable random password for generated accounts. */
export function generatePassword(): string {
  return randomBytes(12).toString("base64url");
}
