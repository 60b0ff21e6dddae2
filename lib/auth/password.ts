// Password hashing with scrypt (node:crypto); only the hash is ever stored. Hashing runs on libuv's
// thread pool (async scrypt), never on the request thread, at OWASP's current scrypt parameters
// (N=2^17, r=8, p=1). Hashes made with weaker parameters are re-made at the next successful sign-in.
import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from "node:crypto";
import os from "node:os";
import pLimit from "p-limit";

const LOG_N = 17;
const R = 8;
const P = 1;
const KEYLEN = 32;

/** log2 of scrypt's N for new hashes; a stored hash below it is outdated. */
export function targetLogN(): number {
  return LOG_N;
}

// At most (cores − 1) hashes run at once and the rest wait their turn without using the CPU, so a
// flood of sign-ins (each a 128 MiB, ~0.2 s scrypt) leaves a core to the request thread and caps
// the memory hashing takes; annotators' requests stay fast while sign-ins queue.
const hashing = pLimit(Math.max(1, os.availableParallelism() - 1));

function scryptAsync(password: string, salt: Buffer, keylen: number, options: ScryptOptions): Promise<Buffer> {
  // scrypt needs 128·N·r bytes; node refuses above 32 MiB unless maxmem allows it.
  const maxmem = 256 * (options.N ?? 0) * (options.r ?? R) + 1024 * 1024;
  return hashing(
    () => new Promise<Buffer>((resolve, reject) => scrypt(password, salt, keylen, { ...options, maxmem }, (err, key) => (err ? reject(err) : resolve(key)))),
  );
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
