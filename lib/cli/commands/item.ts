// `arbiter item set`: an item's priority and gold answer; `arbiter item reprioritise`: adaptive serving's priorities now.
import { CHOICES } from "@/db/schema/constants";
import { updateItem } from "@/lib/services/items";
import { PAIRING_LEVELS, reprioritiseItems } from "@/lib/services/pairing";
import { systemCtx, usageError, verb, type Command } from "../command";
import { need, oneOf, wholeNumber } from "../flags";

export const item: Command = {
  name: "item",
  summary: "set an item's priority or gold answer, or recompute adaptive serving's priorities",
  verbs: [
    verb({
      name: "set",
      usage: `--id N [--priority P] [--gold ${CHOICES.join("|")}|none]`,
      summary: "set an item's priority and/or gold answer",
      flags: {
        id: { type: "string", value: "N", help: "the item's id" },
        priority: { type: "string", value: "P", help: "higher is served first" },
        gold: { type: "string", value: "G", help: `the gold answer in the item's own order (A = its first response): ${CHOICES.join(", ")}, or none` },
      },
      async run({ values, print }) {
        const id = need(values, "id");
        if (values.priority === undefined && values.gold === undefined) throw usageError("item set needs --priority P and/or --gold CHOICE");
        const itemId = wholeNumber("id", id, 1)!;
        const goldFlag = oneOf("gold", values.gold, [...CHOICES, "none"]);
        const gold = goldFlag === undefined ? undefined : goldFlag === "none" ? null : goldFlag;
        // One call, so a bad --gold does not leave a new --priority behind.
        const item = await updateItem({ ctx: await systemCtx(values), input: { itemId, priority: wholeNumber("priority", values.priority), gold } });
        const out: Record<string, unknown> = { item: item.id };
        if (values.priority !== undefined) out.priority = item.priority;
        if (values.gold !== undefined) out.gold = item.gold ? { choice: item.gold } : null;
        print(`Updated item ${itemId}: ${Object.entries(out).slice(1).map(([k, v]) => `${k} ${JSON.stringify(v)}`).join(", ")}`, out);
        return 0;
      },
    }),
    verb({
      name: "reprioritise",
      usage: "--project S",
      summary: `under adaptive contender pairing, set the priorities (0–${PAIRING_LEVELS}) of the project's generated items from its judgments now`,
      flags: { project: { type: "string", value: "S", help: "the project's slug (its contender pairing must be adaptive)" } },
      async run({ values, print }) {
        const summary = await reprioritiseItems({ ctx: await systemCtx(values), input: { slug: need(values, "project") } });
        const lines = summary.pairs.map((p) => `  ${p.a} vs ${p.b}: level ${p.level} (weight ${p.weight.toFixed(3)}), ${p.open_items} open item(s)`);
        const pinned = summary.pinned ? `; ${summary.pinned} item(s) with a priority set outside 0–${PAIRING_LEVELS} left alone` : "";
        print(
          [`Reprioritised ${summary.project}: ${summary.open_items} open generated item(s), ${summary.changed} changed${pinned}`, ...(lines.length ? ["Pairs, served first to last:", ...lines] : [])].join("\n"),
          summary,
        );
        return 0;
      },
    }),
  ],
};
