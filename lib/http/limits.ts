// How large a request body each kind of route accepts (README "Security"): a body over its limit is
// refused with 413 from its Content-Length, or, without one, as soon as the count passes the limit
// while it streams in. Nothing reads a body whole before knowing it fits.
import { readEnv } from "@/lib/env";

const KiB = 1024;
const MiB = 1024 * KiB;

export const BODY_LIMITS = {
  /** Small JSON bodies: claims, skips, adjudications, requeues, item edits. */
  json: 1 * MiB,
  /**
   * A judgment: a rewrite and a demonstration of up to 100,000 characters each and a 20,000-character
   * rationale (lib/formats/judgment.ts) can take ~1.3 MB as JSON with escapes.
   */
  judgment: 2 * MiB,
  /** The sign-in form (e-mail, password, next-auth's CSRF token). */
  login: 16 * KiB,
} as const;

export const DEFAULT_MAX_UPLOAD_MB = 1024;

/** The import upload limit in bytes: `ARBITER_MAX_UPLOAD_MB` (default 1024 MiB). */
export function uploadLimit(): number {
  cachedUploadLimit ??= (readEnv().ARBITER_MAX_UPLOAD_MB ?? DEFAULT_MAX_UPLOAD_MB) * MiB;
  return cachedUploadLimit;
}
let cachedUploadLimit: number | undefined;

/** "1 MiB", "16 KiB": a limit as people read it, for error messages. */
export function formatBytes(bytes: number): string {
  if (bytes % MiB === 0) return `${bytes / MiB} MiB`;
  if (bytes % KiB === 0) return `${bytes / KiB} KiB`;
  return `${bytes} bytes`;
}
