// The `arbiter` command: finds the command module (lib/cli/commands/*.ts) and its subcommand,
// parses the flags, runs it, and turns errors into messages and exit codes (the one place that does).
import { AppError } from "@/lib/services/errors";
import { COMMON_FLAGS, isUsageError, parseFlags, usageError, type Command, type Flags, type Io, type Verb } from "./command";
import { backup } from "./commands/backup";
import { batch } from "./commands/batch";
import { db } from "./commands/db";
import { contender } from "./commands/contender";
import { endpoint } from "./commands/endpoint";
import { judge } from "./commands/judge";
import { exportCommand } from "./commands/export";
import { generate } from "./commands/generate";
import { importCommand } from "./commands/import";
import { item } from "./commands/item";
import { member } from "./commands/member";
import { migrate } from "./commands/migrate";
import { project } from "./commands/project";
import { report } from "./commands/report";
import { qualification } from "./commands/qualification";
import { restore } from "./commands/restore";
import { seed } from "./commands/seed";
import { simulate } from "./commands/simulate";
import { start } from "./commands/start";
import { stats } from "./commands/stats";
import { token } from "./commands/token";
import { user } from "./commands/user";

/** Every command, in the order `arbiter help` lists them. */
export const COMMANDS: readonly Command[] = [start, migrate, seed, user, token, project, member, qualification, item, batch, importCommand, endpoint, contender, generate, judge, exportCommand, stats, simulate, report, backup, restore, db];

const stdio: Io = { out: (s) => process.stdout.write(s), err: (s) => process.stderr.write(s) };

const USAGE_WIDTH = 40;

/** One verb's lines in a help text: its usage (continued lines indented) and, where it fits, its summary. */
const LINE_WIDTH = 96;

/** Breaks a long usage line between options (a bracketed group stays whole). */
function wrap(line: string): string[] {
  const lines: string[] = [];
  for (const token of line.match(/\[[^\]]*\]|\S+/g) ?? []) {
    if (lines.length && lines[lines.length - 1].length + 1 + token.length <= LINE_WIDTH) lines[lines.length - 1] += " " + token;
    else lines.push(token);
  }
  return lines.length ? lines : [""];
}

function usageLines(command: Command, v: Verb): string[] {
  const [first, ...more] = v.usage.split("\n").flatMap((l, i) => (i === 0 ? wrap([command.name, v.name, l].filter(Boolean).join(" ")) : [l]));
  const head = first;
  const lines = head.length < USAGE_WIDTH && more.length === 0 ? [`  ${head.padEnd(USAGE_WIDTH)}${v.summary}`] : [`  ${head}`, ...more.map((l) => `      ${l}`), `      ${v.summary}`];
  return lines;
}

function flagLines(flags: Flags, indent = "  "): string[] {
  const entries = Object.entries(flags).map(([name, f]) => [`${f.short ? `-${f.short}, ` : ""}--${name}${f.value ? " " + f.value : ""}`, f.help] as const);
  const width = Math.max(...entries.map(([left]) => left.length)) + 2;
  return entries.map(([left, help]) => `${indent}${left.padEnd(width)}${help}`);
}

/** `arbiter help`: every command's usage, built from the command modules. */
export function helpText(): string {
  return [
    "arbiter — collect human preference data for RLHF and DPO",
    "",
    "Usage: arbiter <command> [options]        (every command takes --db PATH or --database-url URL, and --json)",
    "",
    ...COMMANDS.flatMap((c) => c.verbs.flatMap((v) => usageLines(c, v))),
    "",
    "Options:",
    ...flagLines(COMMON_FLAGS),
    "",
    'Run "arbiter <command> --help" for a command\'s options.',
    "",
  ].join("\n");
}

/** `arbiter <command> --help`: each subcommand's usage and what each of its flags does. */
export function commandHelp(command: Command): string {
  const sections = command.verbs.map((v) => [...usageLines(command, v), ...(Object.keys(v.flags).length ? flagLines(v.flags, "      ") : [])].join("\n"));
  return [`arbiter ${command.name} — ${command.summary}`, "", ...sections.flatMap((s) => [s, ""]), "Every command also takes:", ...flagLines(COMMON_FLAGS), ""].join("\n");
}

const orList = (names: string[]): string => (names.length > 1 ? `${names.slice(0, -1).join(", ")} or ${names.at(-1)}` : names[0]);

export async function main(argv: string[], io: Io = stdio): Promise<number> {
  const [name, ...rest] = argv;
  const json = rest.includes("--json");
  let jsonErrors = json;
  try {
    if (name === undefined || name === "help" || name === "--help" || name === "-h") {
      const topic = name === "help" ? COMMANDS.find((c) => c.name === rest[0]) : undefined;
      io.out(topic ? commandHelp(topic) : helpText());
      return 0;
    }
    const command = COMMANDS.find((c) => c.name === name);
    if (!command) throw usageError(`unknown command "${name}"`);
    const wantsHelp = rest.includes("--help") || rest.includes("-h");
    const named = command.verbs.some((v) => v.name);
    const sub = named && rest[0] && !rest[0].startsWith("-") ? rest[0] : undefined;
    const v = named ? command.verbs.find((x) => x.name === sub) : command.verbs[0];
    if (wantsHelp) {
      io.out(commandHelp(command));
      return 0;
    }
    if (!v) throw usageError(`${command.name} needs a subcommand: ${orList(command.verbs.map((x) => x.name ?? ""))}`);
    const { values, positionals } = parseFlags(named ? rest.slice(1) : rest, v.flags, v.positionals?.length ?? 0);
    const print = (human: string, data: unknown) => io.out(json ? JSON.stringify(data) + "\n" : human + "\n");
    return await v.run({ values, positionals, io, json, print, streaming: () => (jsonErrors = false) });
  } catch (err) {
    if (isUsageError(err)) {
      io.err(`arbiter: ${err.message}\nRun "arbiter help" for usage.\n`);
      return 2;
    }
    if (err instanceof AppError) {
      io.err(`arbiter: ${err.message}\n`);
      if (jsonErrors) io.out(JSON.stringify({ error: { code: err.code, message: err.message } }) + "\n");
      return 1;
    }
    throw err;
  }
}
