// The settings table: one value per key (the stored auth secret today). Plain key/value reads and
// writes; what a key means belongs to its caller (lib/auth/secret.ts).
import { defineQuery, str, type Engine } from "../engine";

const READ = defineQuery("settings.read", "select value from settings where key = ?", (r) => str(r.value));
const INSERT_IF_ABSENT = defineQuery("settings.insertIfAbsent", "insert into settings (key, value) values (?, ?) on conflict (key) do nothing");

export async function readSetting(db: Engine, key: string): Promise<string | undefined> {
  return db.first(READ, [key]);
}

/** Stores `value` under `key` unless a value is already there (a concurrent first start keeps one). */
export async function insertSettingIfAbsent(db: Engine, key: string, value: string): Promise<void> {
  await db.exec(INSERT_IF_ABSENT, [key, value]);
}
