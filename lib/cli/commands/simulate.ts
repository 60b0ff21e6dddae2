// `arbiter simulate`: replays a project's judgments under an adaptive-overlap rule, so a team can
// choose min, max and a stopping agreement from its own data before switching (README "Adaptive overlap").
import { simulateOverlap } from "@/lib/services/adaptive";
import { systemCtx, verb, type Command } from "../command";
import { need } from "../flags";

const pct = (part: number, whole: number): string => (whole ? `${((100 * part) / whole).toFixed(1)}%` : "n/a");

export const simulate: Command = {
  name: "simulate",
  summary: "replay a project's judgments under an adaptive-overlap rule",
  verbs: [
    verb({
      usage: "--project S --min N --max M [--threshold R]",
      summary: "judgments saved and labels changed by an adaptive-overlap rule",
      flags: {
        project: { type: "string", value: "S", help: "the project's slug" },
        min: { type: "string", value: "N", help: "judgments every item gets (1–20)" },
        max: { type: "string", value: "M", help: "most judgments an item gets while they disagree (min–20)" },
        threshold: { type: "string", value: "R", help: "also stop once the leading verdict's share reaches R (above 0.5, at most 1)" },
      },
      async run({ values, print }) {
        const r = simulateOverlap({
          ctx: await systemCtx(values),
          input: { slug: need(values, "project"), min: need(values, "min"), max: need(values, "max"), threshold: values.threshold ?? null },
        });
        const rule = `min ${r.rule.min}, max ${r.rule.max}, ${r.rule.stopAgreement === null ? "stop when the first min agree" : `stop when the first min agree or at agreement ${r.rule.stopAgreement}`}`;
        const text = [
          `Replayed ${r.items} item(s) of ${values.project} in recorded order under ${rule}:`,
          `  judgments      ${r.judgments_used} used of ${r.judgments_full} recorded`,
          `  saved          ${r.saved} (${pct(r.saved, r.judgments_full)})`,
          `  labels changed ${r.labels_changed} of ${r.items} (${pct(r.labels_changed, r.items)}): majority of the judgments used vs of all, "no majority" counting as a label`,
        ].join("\n");
        const { rule: _rule, ...json } = r;
        print(text, json);
        return 0;
      },
    }),
  ],
};
