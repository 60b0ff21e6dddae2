// `arbiter contender add|edit|list`: ways of answering, each an endpoint with a system prompt, a
// template and parameters. An edit makes a new version; responses keep the version that made them.
import { addContender, contenderEdit, contenderInput, editContender, listContenders, type ContenderView } from "@/lib/services/contenders";
import { systemCtx, verb, type Command, type Flags } from "../command";
import { checked, need, readTextFile } from "../flags";

const SETTINGS = {
  endpoint: { type: "string", value: "E", help: "the endpoint it calls" },
  system: { type: "string", value: "FILE", help: "a file holding the system prompt (few-shot examples may go here)" },
  template: { type: "string", value: "FILE", help: "a file holding the user message, with {prompt} where the prompt goes" },
  temperature: { type: "string", value: "T", help: "sampling temperature, 0-2" },
  "max-tokens": { type: "string", value: "K", help: "most tokens to generate" },
  seed: { type: "string", value: "S", help: "sampling seed, for servers that honour one" },
} as const satisfies Flags;

type SettingValues = { endpoint?: string; system?: string; template?: string; temperature?: string; "max-tokens"?: string; seed?: string };

/** The given settings as service input: files read, absent flags left out (an edit keeps them). */
function settingsOf(values: SettingValues): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (values.endpoint !== undefined) out.endpoint = values.endpoint;
  if (values.system !== undefined) out.system = readTextFile(values.system);
  if (values.template !== undefined) out.template = readTextFile(values.template);
  if (values.temperature !== undefined) out.temperature = values.temperature;
  if (values["max-tokens"] !== undefined) out.max_tokens = values["max-tokens"];
  if (values.seed !== undefined) out.seed = values.seed;
  return out;
}

function describe(c: ContenderView): string {
  const params = [c.temperature != null ? `temperature ${c.temperature}` : "", c.max_tokens != null ? `max ${c.max_tokens} tokens` : "", c.seed != null ? `seed ${c.seed}` : ""].filter(Boolean);
  return `${c.name} v${c.version}\t${c.endpoint}\t${c.system ? "system prompt" : "no system prompt"}\t${c.template ? "template" : "prompt as given"}${params.length ? "\t" + params.join(", ") : ""}`;
}

export const contender: Command = {
  name: "contender",
  summary: "add, edit and list contenders (ways of answering)",
  verbs: [
    verb({
      name: "add",
      usage: "--name N --endpoint E [--system FILE] [--template FILE] [--temperature T] [--max-tokens K] [--seed S]",
      summary: "add a contender (version 1)",
      flags: { name: { type: "string", value: "N", help: "the contender's name" }, ...SETTINGS },
      async run({ values, print }) {
        const input = checked(contenderInput, { name: need(values, "name"), ...settingsOf({ ...values, endpoint: need(values, "endpoint") }) }, { max_tokens: "max-tokens" });
        const view = await addContender({ ctx: await systemCtx(values), input });
        print(`Contender added: ${describe(view)}`, { contender: view });
        return 0;
      },
    }),
    verb({
      name: "edit",
      usage: "--name N [--endpoint E] [--system FILE] [--template FILE] [--temperature T] [--max-tokens K] [--seed S]",
      summary: "make a new version with the given settings changed",
      flags: { name: { type: "string", value: "N", help: "the contender's name" }, ...SETTINGS },
      async run({ values, print }) {
        const input = checked(contenderEdit, { name: need(values, "name"), ...settingsOf(values) }, { max_tokens: "max-tokens" });
        const view = await editContender({ ctx: await systemCtx(values), input });
        print(`Contender edited: ${describe(view)}`, { contender: view });
        return 0;
      },
    }),
    verb({
      name: "list",
      usage: "",
      summary: "list contenders with their current versions",
      flags: {},
      async run({ values, print }) {
        const list = await listContenders({ ctx: await systemCtx(values) });
        print(list.map(describe).join("\n") || "No contenders.", { contenders: list });
        return 0;
      },
    }),
  ],
};
