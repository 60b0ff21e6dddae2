// `arbiter migrate`: applies the database migrations (every other command applies them too).
import { resolveDbPath } from "@/db/client";
import { systemCtx, verb, type Command } from "../command";

export const migrate: Command = {
  name: "migrate",
  summary: "apply database migrations",
  verbs: [
    verb({
      usage: "",
      summary: "apply database migrations",
      flags: {},
      run({ values, print }) {
        const file = resolveDbPath(values.db);
        systemCtx(values.db);
        print(`Migrated ${file}`, { ok: true, db: file });
        return 0;
      },
    }),
  ],
};
