// `arbiter generate`: every contender answers every prompt of a file, then the answers become items
// by the pairing rule. Killed, it resumes on the next identical command, calling only for what it lacks.
import fs from "node:fs";
import { AppError } from "@/lib/services/errors";
import { PAIR_RULE_HELP, readPromptFile, runGeneration, startGeneration } from "@/lib/services/generation";
import { countBar } from "../progress";
import { systemCtx, verb, type Command } from "../command";
import { need } from "../flags";

export const generate: Command = {
  name: "generate",
  summary: "generate items: every contender answers every prompt",
  verbs: [
    verb({
      usage: "--project S --prompts FILE --contenders a,b[,…] [--pairs all|baseline:NAME|random:K|adaptive[:K]]",
      summary: "call the contenders for each prompt, then create items by the pairing rule",
      flags: {
        project: { type: "string", value: "S", help: "the project's slug" },
        prompts: { type: "string", value: "FILE", help: "JSONL or JSON of prompts ({\"prompt\": text or [{role, content}], \"id\"?, \"metadata\"?})" },
        contenders: { type: "string", value: "a,b", help: "two or more contenders, comma-separated" },
        pairs: { type: "string", value: "RULE", help: `which responses to a prompt become items: ${PAIR_RULE_HELP} (default: all, or adaptive when the project's contender pairing is adaptive)` },
      },
      async run({ values, io, json, print }) {
        const file = need(values, "prompts");
        if (!fs.existsSync(file)) throw new AppError("not_found", `File ${file} not found.`);
        const prompts = await readPromptFile(fs.createReadStream(file));
        const ctx = await systemCtx(values);
        const { run, resumed } = await startGeneration({ ctx, input: { slug: need(values, "project"), prompts, contenders: need(values, "contenders"), pairs: values.pairs } });
        if (!json) io.err(`${resumed ? "Resuming" : "Starting"} generation ${run.id}: ${run.prompts} prompt(s) × ${run.contenders.length} contender(s)\n`);
        const bar = !json && process.stderr.isTTY ? countBar("generating") : undefined;
        const summary = await runGeneration({ ctx, input: { id: run.id, onProgress: bar ? (p) => bar.update(p) : undefined } });
        bar?.done();
        const out = { prompts: summary.prompts, responses: summary.responses, failed: summary.failed, items: summary.items };
        const failures = summary.failed.map((f) => `  prompt ${f.prompt}, ${f.contender}: ${f.error}`).join("\n");
        if (summary.status === "cancelled") {
          io.err(`arbiter: generation ${run.id} was cancelled; no items were created.\n`);
          if (json) io.out(JSON.stringify(out) + "\n");
          return 1;
        }
        print(
          `Generation ${run.id}: ${summary.responses} response(s), ${summary.failed.length} failed, ${summary.items} item(s) created` + (failures ? `\nFailed (no items were made from these):\n${failures}` : ""),
          out,
        );
        return 0;
      },
    }),
  ],
};
