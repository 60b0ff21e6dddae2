// `arbiter judge add|list|run`: AI judges, an endpoint comparing the two responses of pairwise items
// in both orders. Their verdicts are kept apart from human judgments (README "AI judges").
import { addJudge, judgeInput, judgeRunInput, listJudges, runJudge } from "@/lib/services/judges";
import { countBar } from "../progress";
import { systemCtx, verb, type Command } from "../command";
import { checked, need, readTextFile } from "../flags";

export const judge: Command = {
  name: "judge",
  summary: "add, list and run AI judges (verdicts kept apart from human judgments)",
  verbs: [
    verb({
      name: "add",
      usage: "--name J --endpoint E [--prompt FILE]",
      summary: "add a judge",
      flags: {
        name: { type: "string", value: "J", help: "what the judge is called" },
        endpoint: { type: "string", value: "E", help: "the endpoint asked (arbiter endpoint add)" },
        prompt: { type: "string", value: "FILE", help: "the judge's prompt, with {prompt}, {response_a} and {response_b}, asking for a final [[A]], [[B]] or [[C]] (tie); default: Arbiter's own" },
      },
      async run({ values, print }) {
        const prompt = values.prompt === undefined ? undefined : readTextFile(values.prompt);
        const input = checked(judgeInput, { name: need(values, "name"), endpoint: need(values, "endpoint"), prompt });
        const view = await addJudge({ ctx: await systemCtx(values), input });
        print(`Judge ${view.name} added: asks endpoint ${view.endpoint}`, { judge: view });
        return 0;
      },
    }),
    verb({
      name: "list",
      usage: "",
      summary: "list judges",
      flags: {},
      async run({ values, print }) {
        const list = await listJudges({ ctx: await systemCtx(values) });
        print(list.map((j) => `${j.name}\tendpoint ${j.endpoint}\tadded ${j.created_at}`).join("\n") || "No judges.", { judges: list });
        return 0;
      },
    }),
    verb({
      name: "run",
      usage: "--project S --judge J [--limit N]",
      summary: "ask the judge about the project's pairwise items it has not judged yet, in both orders",
      flags: {
        project: { type: "string", value: "S", help: "the project's slug" },
        judge: { type: "string", value: "J", help: "the judge" },
        limit: { type: "string", value: "N", help: "judge at most N items this run (the next run takes the rest)" },
      },
      async run({ values, json, print }) {
        const input = checked(judgeRunInput, { slug: need(values, "project"), judge: need(values, "judge"), limit: values.limit }, { slug: "project" });
        const bar = !json && process.stderr.isTTY ? countBar("judging") : undefined;
        const summary = await runJudge({ ctx: await systemCtx(values), input, options: { onProgress: bar ? (p) => bar.update(p) : undefined } });
        bar?.done();
        const failures = summary.failures.map((f) => `  item ${f.item}: ${f.error}`).join("\n");
        print(
          `Judge ${input.judge} on ${input.slug}: ${summary.items} item(s), ${summary.judged} judged, ${summary.failed} failed` +
            (failures ? `\nFailed (not stored; the next run asks again):\n${failures}` : ""),
          { items: summary.items, judged: summary.judged, failed: summary.failed },
        );
        return 0;
      },
    }),
  ],
};
