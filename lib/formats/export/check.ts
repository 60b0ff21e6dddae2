// Checks an exported row against TRL's documented dataset types before it reaches a trainer, so a
// malformed export fails in our tests rather than in someone's training run.
//
// Rules followed, from TRL's "Dataset formats and types" guide (https://huggingface.co/docs/trl/dataset_formats):
// - the *format* is standard (plain strings) or conversational (lists of {role, content} messages),
//   and one row uses one format across all its fields;
// - *preference*: "prompt", "chosen", "rejected" (explicit prompt, recommended for DPO), or only
//   "chosen" and "rejected" with the prompt inside them (implicit prompt); in conversational rows
//   with an explicit prompt the completions are assistant turns, and with an implicit prompt each
//   side is the whole conversation ending with the assistant turn;
// - *unpaired preference* (KTO): "prompt", "completion" and a boolean "label".
// - RewardTrainer accepts implicit and explicit prompts (reward_trainer docs) and an optional numeric
//   "margin" column (huggingface/trl#719).
// A conversational prompt must end with a user turn (what the completion answers); that is the
// shape every example in the guide has and what chat templates with a generation prompt expect.

export type TrlKind = "trl-dpo" | "trl-reward" | "trl-kto";

const ROLES = ["system", "user", "assistant", "tool"];

type FieldFormat = "standard" | "conversational" | "invalid";

interface Msg {
  role: string;
  content: string;
}

/** Problems with `row` as a TRL row of `kind`; an empty list means the row is valid. */
export function checkTrlRow(kind: TrlKind, row: unknown): string[] {
  if (typeof row !== "object" || row === null || Array.isArray(row)) return ["row: expected an object"];
  const fields = row as Record<string, unknown>;
  return kind === "trl-kto" ? checkUnpaired(fields) : checkPreference(kind, fields);
}

function checkPreference(kind: TrlKind, row: Record<string, unknown>): string[] {
  const problems: string[] = [];
  for (const key of ["chosen", "rejected"]) if (!(key in row)) problems.push(`${key}: missing`);
  if (problems.length) return problems;
  const explicit = "prompt" in row;
  const names = explicit ? ["prompt", "chosen", "rejected"] : ["chosen", "rejected"];
  const format = sameFormat(row, names, problems);
  if (kind === "trl-reward" && "margin" in row && (typeof row.margin !== "number" || !Number.isFinite(row.margin))) {
    problems.push("margin: expected a number");
  }
  if (!format) return problems;

  if (format === "standard") {
    if (explicit && (row.prompt as string).trim() === "") problems.push("prompt: empty");
    if (!explicit && commonPrefix(row.chosen as string, row.rejected as string) === 0) {
      problems.push("chosen, rejected: no common start, so the implicit prompt cannot be extracted");
    }
    return problems;
  }

  const chosen = row.chosen as Msg[];
  const rejected = row.rejected as Msg[];
  if (explicit) {
    checkPrompt(row.prompt as Msg[], "prompt", problems);
    for (const [name, messages] of [["chosen", chosen], ["rejected", rejected]] as const) {
      checkCompletion(messages, name, problems);
    }
  } else {
    for (const [name, messages] of [["chosen", chosen], ["rejected", rejected]] as const) {
      if (messages.length === 0 || messages[messages.length - 1].role !== "assistant") {
        problems.push(`${name}: an implicit-prompt conversation must end with the assistant turn`);
      }
      if (!messages.some((m) => m.role === "user")) problems.push(`${name}: no user turn, so there is no prompt`);
    }
    let shared = 0;
    while (shared < chosen.length && shared < rejected.length && sameMessage(chosen[shared], rejected[shared])) shared++;
    if (!chosen.slice(0, shared).some((m) => m.role === "user")) {
      problems.push("chosen, rejected: they share no user turn, so the implicit prompt cannot be extracted");
    }
  }
  return problems;
}

function checkUnpaired(row: Record<string, unknown>): string[] {
  const problems: string[] = [];
  for (const key of ["prompt", "completion", "label"]) if (!(key in row)) problems.push(`${key}: missing`);
  if ("chosen" in row || "rejected" in row) problems.push("chosen/rejected: an unpaired row has one completion and a label");
  if ("label" in row && typeof row.label !== "boolean") problems.push(`label: expected true or false, got ${JSON.stringify(row.label)}`);
  if (!("prompt" in row) || !("completion" in row)) return problems;
  const format = sameFormat(row, ["prompt", "completion"], problems);
  if (format === "standard" && (row.prompt as string).trim() === "") problems.push("prompt: empty");
  if (format === "conversational") {
    checkPrompt(row.prompt as Msg[], "prompt", problems);
    checkCompletion(row.completion as Msg[], "completion", problems);
  }
  return problems;
}

/** The format shared by all `names`, or undefined (with problems added) when they differ or are invalid. */
function sameFormat(row: Record<string, unknown>, names: string[], problems: string[]): "standard" | "conversational" | undefined {
  const formats = names.map((name) => fieldFormat(row[name], name, problems));
  if (formats.includes("invalid")) return undefined;
  if (new Set(formats).size > 1) {
    const described = names.map((name, i) => `${name} is ${formats[i]}`).join(", ");
    problems.push(`mixed formats (${described}): a row is all standard (text) or all conversational (messages)`);
    return undefined;
  }
  return formats[0] as "standard" | "conversational";
}

function fieldFormat(value: unknown, name: string, problems: string[]): FieldFormat {
  if (typeof value === "string") return "standard";
  if (!Array.isArray(value)) {
    problems.push(`${name}: expected text or a list of {role, content} messages`);
    return "invalid";
  }
  let ok = true;
  value.forEach((m, i) => {
    if (typeof m !== "object" || m === null || typeof m.role !== "string" || typeof m.content !== "string") {
      problems.push(`${name}[${i}]: expected {"role": string, "content": string}`);
      ok = false;
    } else if (!ROLES.includes(m.role)) {
      problems.push(`${name}[${i}].role: unknown role ${JSON.stringify(m.role)}`);
      ok = false;
    }
  });
  return ok ? "conversational" : "invalid";
}

function checkPrompt(messages: Msg[], name: string, problems: string[]): void {
  if (messages.length === 0) problems.push(`${name}: empty conversation`);
  else if (messages[messages.length - 1].role !== "user") problems.push(`${name}: a conversational prompt must end with a user turn`);
}

function checkCompletion(messages: Msg[], name: string, problems: string[]): void {
  if (messages.length === 0) problems.push(`${name}: empty; expected the assistant turn`);
  messages.forEach((m, i) => {
    if (m.role !== "assistant") problems.push(`${name}[${i}].role: completions are assistant turns, got ${JSON.stringify(m.role)}`);
  });
}

function sameMessage(a: Msg, b: Msg): boolean {
  return a.role === b.role && a.content === b.content;
}

function commonPrefix(a: string, b: string): number {
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  return i;
}
