// The settings table: one value per key (the stored auth secret today). Plain key/value reads and
// writes; what a key means belongs to its caller (lib/auth/secret.ts).
import { eq } from "drizzle-orm";
import type { Db } from "../client";
import { settings } from "../schema";

export function readSetting(db: Db, key: string): string | undefined {
  return db.select({ value: settings.value }).from(settings).where(eq(settings.key, key)).get()?.value;
}

/** Stores `value` under `key` unless a value is already there (a concurrent first start keeps one). */
export function insertSettingIfAbsent(db: Db, key: string, value: string): void {
  db.insert(settings).values({ key, value }).onConflictDoNothing().run();
}
