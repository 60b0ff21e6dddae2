// The next-auth signing secret: from NEXTAUTH_SECRET, else the one the start command generated and
// stored in the database (so every instance on one database signs and checks sessions alike). A
// production server with neither refuses to start rather than use a weak one.
import { randomBytes } from "node:crypto";
import type { Engine } from "@/db/engine";
import { insertSettingIfAbsent, readSetting } from "@/db/queries/settings";
import { readEnv } from "@/lib/env";

const KEY = "auth_secret";

/** Generates and stores a secret when none is stored yet; returns the one in force. */
export async function ensureStoredSecret(db: Engine): Promise<{ secret: string; created: boolean }> {
  const existing = await readSetting(db, KEY);
  if (existing) return { secret: existing, created: false };
  await insertSettingIfAbsent(db, KEY, randomBytes(32).toString("base64url"));
  // Another instance starting at the same time may have stored its own first: the stored one wins.
  return { secret: (await readSetting(db, KEY))!, created: true };
}

export async function resolveAuthSecret(db: Engine): Promise<string> {
  const env = readEnv();
  if (env.NEXTAUTH_SECRET) return env.NEXTAUTH_SECRET;
  const stored = await readSetting(db, KEY);
  if (stored) return stored;
  if (env.NODE_ENV === "production") {
    throw new Error(
      "No auth secret is configured: set NEXTAUTH_SECRET (32+ characters) or start Arbiter with `npx arbiter start`, which generates and stores one.",
    );
  }
  return (await ensureStoredSecret(db)).secret;
}
