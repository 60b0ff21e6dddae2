// The next-auth signing secret: from NEXTAUTH_SECRET, else the one the start command generated and
// stored in the database. A production server with neither refuses to start rather than use a weak one.
import { randomBytes } from "node:crypto";
import type { Db } from "@/db/client";
import { insertSettingIfAbsent, readSetting } from "@/db/queries/settings";
import { readEnv } from "@/lib/env";

const KEY = "auth_secret";

function storedSecret(db: Db): string | undefined {
  return readSetting(db, KEY);
}

/** Generates and stores a secret when none is stored yet; returns the one in force. */
export function ensureStoredSecret(db: Db): { secret: string; created: boolean } {
  const existing = storedSecret(db);
  if (existing) return { secret: existing, created: false };
  const secret = randomBytes(32).toString("base64url");
  insertSettingIfAbsent(db, KEY, secret);
  return { secret: storedSecret(db)!, created: true };
}

export function resolveAuthSecret(db: Db): string {
  const env = readEnv();
  if (env.NEXTAUTH_SECRET) return env.NEXTAUTH_SECRET;
  const stored = storedSecret(db);
  if (stored) return stored;
  if (env.NODE_ENV === "production") {
    throw new Error(
      "No auth secret is configured: set NEXTAUTH_SECRET (32+ characters) or start Arbiter with `npx arbiter start`, which generates and stores one.",
    );
  }
  return ensureStoredSecret(db).secret;
}
