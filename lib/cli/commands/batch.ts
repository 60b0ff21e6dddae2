// `arbiter batch list|set`: import batches, to raise the priority of every item of one.
import { listBatches, setBatchPriority } from "@/lib/services/items";
import { systemCtx, verb, type Command } from "../command";
import { need, wholeNumber } from "../flags";

export const batch: Command = {
  name: "batch",
  summary: "list import batches and set a batch's priority",
  verbs: [
    verb({
      name: "list",
      usage: "--project S",
      summary: "import batches, to raise one's priority",
      flags: { project: { type: "string", value: "S", help: "the project's slug" } },
      async run({ values, print }) {
        const batches = await listBatches({ ctx: await systemCtx(values), input: { slug: need(values, "project") } });
        print(batches.map((b) => `${b.id}\t${b.created_at}\t${b.inserted} item(s)\tpriority ${b.priority}\t${b.source ?? ""}`).join("\n"), { batches });
        return 0;
      },
    }),
    verb({
      name: "set",
      usage: "--id N --priority P",
      summary: "set the priority of every item of a batch",
      flags: {
        id: { type: "string", value: "N", help: "the batch's id (batch list)" },
        priority: { type: "string", value: "P", help: "higher is served first" },
      },
      async run({ values, print }) {
        const batchId = wholeNumber("id", need(values, "id"), 1)!;
        const priority = wholeNumber("priority", need(values, "priority"))!;
        const r = await setBatchPriority({ ctx: await systemCtx(values), input: { batchId, priority } });
        print(`Set priority ${r.priority} on ${r.items} item(s) of batch ${r.batchId}`, { batch_id: r.batchId, priority: r.priority, items: r.items });
        return 0;
      },
    }),
  ],
};
