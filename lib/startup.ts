// Start-up checks for the server process: environment, database schema, auth secret.
import { getDb, resolveDbPath } from "@/db/client";
import { isMigrated } from "@/db/migrate";
import { resolveAuthSecret } from "@/lib/auth/secret";
import { readEnv } from "@/lib/env";

export async function checkStartup(): Promise<void> {
  try {
    readEnv();
    const db = getDb();
    if (!(await isMigrated(db))) {
      throw new Error(`The database ${resolveDbPath()} has no Arbiter tables: run \`npx arbiter migrate\` (or start with \`npx arbiter start\`).`);
    }
    resolveAuthSecret(db);
  } catch (err) {
    console.error(`\nArbiter cannot start: ${(err as Error).message}\n`);
    process.exit(1);
  }
}
