// `arbiter migrate`: applies the database migrations (every other command applies them too).
import { systemCtx, verb, type Command } from "../command";

export const migrate: Command = {
  name: "migrate",
  summary: "apply database migrations",
  verbs: [
    verb({
      usage: "",
      summary: "apply database migrations",
      flags: {},
      async run({ values, print }) {
        const { db } = await systemCtx(values);
        print(`Migrated ${db.location}`, { ok: true, db: db.location });
        return 0;
      },
    }),
  ],
};
