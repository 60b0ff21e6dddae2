// `arbiter seed --demo`: adds the demo project and the demo accounts if they are missing.
import { ensureAccounts, seedDemo } from "@/lib/services/seed";
import { systemCtx, usageError, verb, type Command } from "../command";

export const seed: Command = {
  name: "seed",
  summary: "add the demo project and accounts if missing",
  verbs: [
    verb({
      usage: "--demo",
      summary: "add the demo project and accounts if missing",
      flags: { demo: { type: "boolean", help: "the demo project and accounts (the only seed there is)" } },
      async run({ values, print }) {
        if (!values.demo) throw usageError("seed needs --demo (the only seed there is)");
        const ctx = await systemCtx(values);
        const seeded = await seedDemo(ctx);
        const accounts = await ensureAccounts(ctx, { demo: true });
        const lines = [
          seeded.project ? `Created project "${seeded.project.slug}" with ${seeded.project.import.inserted} items.` : "The demo project already exists; nothing added.",
          ...accounts.map((a) => `Created ${a.role} ${a.email} with password ${a.password}`),
        ];
        print(lines.join("\n"), { project: seeded.project ?? null, accounts });
        return 0;
      },
    }),
  ],
};
