// `arbiter restore`: puts a backup in place of the database of a stopped installation.
import { resolveDbPath } from "@/db/client";
import { refusePostgres, restoreDatabase } from "@/lib/services/backup";
import { dbTarget, verb, type Command } from "../command";
import { need } from "../flags";
import { countLines } from "./backup";

export const restore: Command = {
  name: "restore",
  summary: "restore a backup into a stopped installation",
  verbs: [
    verb({
      usage: "--from FILE [--force]",
      summary: "restore a backup into a stopped installation",
      flags: {
        from: { type: "string", value: "FILE", help: "the backup file (checked before anything is replaced)" },
        force: { type: "boolean", help: "replace an existing database" },
      },
      async run({ values, print }) {
        const from = need(values, "from");
        const target = dbTarget(values);
        refusePostgres(target ?? process.env.ARBITER_DATABASE_URL, "restore");
        const result = await restoreDatabase({ input: { from, db: resolveDbPath(target), force: values.force } });
        const migrated = result.migrated ? `, ${result.migrated} migration${result.migrated > 1 ? "s" : ""} applied` : "";
        print([`Restored ${result.from} into ${result.file} (integrity ok${migrated})`, ...countLines(result.tables)].join("\n"), result);
        return 0;
      },
    }),
  ],
};
