// The shape of one `arbiter` command (lib/cli/commands/*.ts) and what every command shares: the
// common flags, reading the command line into typed values, the system context, and printing.
import { parseArgs } from "node:util";
import { getDb } from "@/db/client";
import { runMigrations } from "@/db/migrate";
import { isPostgresUrl } from "@/db/postgres";
import type { Ctx } from "@/lib/services/context";
import { AppError, badRequest } from "@/lib/services/errors";

export interface Io {
  out: (s: string) => void;
  err: (s: string) => void;
}

/** One command-line flag: its parseArgs type, what its value is called in help, and what it does. */
export interface Flag {
  type: "string" | "boolean";
  /** The value's name in help lines (`--overlap K`); string flags only. */
  value?: string;
  short?: string;
  help: string;
}
export type Flags = Record<string, Flag>;

/** What parsing a command line yields for a table of flags: a string flag may be absent. */
export type FlagValues<F extends Flags> = { -readonly [K in keyof F]: F[K]["type"] extends "boolean" ? boolean : string | undefined };

/** The flags every command takes. */
export const COMMON_FLAGS = {
  db: { type: "string", value: "PATH", help: "SQLite file (default: $ARBITER_DB or ./data/arbiter.db)" },
  "database-url": { type: "string", value: "URL", help: "PostgreSQL database instead of a SQLite file (default: $ARBITER_DATABASE_URL)" },
  json: { type: "boolean", help: "print one JSON object on stdout (for scripts)" },
  help: { type: "boolean", short: "h", help: "show this command's help" },
} as const satisfies Flags;

export interface Run<F extends Flags> {
  values: FlagValues<F & typeof COMMON_FLAGS>;
  positionals: string[];
  io: Io;
  /** True with --json: print prints `data` as one JSON line instead of `human`. */
  json: boolean;
  print(human: string, data: unknown): void;
  /** Says stdout now carries the data itself (an export's rows): a later error is not printed there as JSON. */
  streaming(): void;
}

/** One runnable form of a command: `user add`, or `stats` itself for a command without subcommands. */
export interface Verb<F extends Flags = Flags> {
  /** The subcommand (`add`); absent for a command without subcommands. */
  name?: string;
  /** The rest of the usage line after the command (and subcommand); "\n" continues it on the next help line. */
  usage: string;
  /** One line for `arbiter help`. */
  summary: string;
  flags: F;
  /** Names of the positional arguments it takes (`FILE`). */
  positionals?: readonly string[];
  /** Returns the exit code; errors are thrown (AppError) and mapped to exit codes in main.ts. */
  run(run: Run<F>): Promise<number> | number;
}

export interface Command {
  name: string;
  summary: string;
  verbs: readonly Verb[];
}

/** Keeps each verb's flag types while the command holds a list of them. */
export function verb<F extends Flags>(v: Verb<F>): Verb {
  return v as unknown as Verb;
}

/**
 * A command line that cannot run as written (unknown flag, missing flag or subcommand): exit code 2
 * with a pointer to the help. Values the services refuse stay ordinary bad_request errors (exit 1).
 */
export function usageError(message: string): AppError {
  return badRequest(message, { usage: true });
}

export function isUsageError(err: unknown): err is AppError {
  return err instanceof AppError && err.code === "bad_request" && (err.details as { usage?: unknown } | undefined)?.usage === true;
}

/** Parses `args` against a verb's flags plus the common ones; anything unknown is a usage error. */
export function parseFlags<F extends Flags>(args: string[], flags: F, positionals = 0): { values: FlagValues<F & typeof COMMON_FLAGS>; positionals: string[] } {
  const all: Flags = { ...COMMON_FLAGS, ...flags };
  const options = Object.fromEntries(
    Object.entries(all).map(([name, f]) => [name, { type: f.type, ...(f.short ? { short: f.short } : {}), ...(f.type === "boolean" ? { default: false } : {}) }]),
  );
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({ args, options, allowPositionals: positionals > 0, strict: true });
  } catch (e) {
    throw usageError((e as Error).message);
  }
  if (parsed.positionals.length > positionals) throw usageError(`unexpected argument: ${parsed.positionals[positionals]}`);
  // parseArgs typed the values from `options`, which mirrors `flags`: strings for string flags, booleans for boolean ones.
  return { values: parsed.values as FlagValues<F & typeof COMMON_FLAGS>, positionals: parsed.positionals };
}

/** The flags that name the database. */
export interface DbFlags {
  db?: string;
  "database-url"?: string;
}

/**
 * The database the command line names (`--database-url URL` or `--db PATH`, never both), or
 * undefined for the environment's (db/client.ts `resolveDbPath`).
 */
export function dbTarget(values: DbFlags): string | undefined {
  const url = values["database-url"];
  if (url !== undefined && values.db !== undefined) throw usageError("--db and --database-url both name a database: pass one of them");
  if (url !== undefined && !isPostgresUrl(url)) throw usageError(`--database-url: must start with postgres:// or postgresql:// (got "${url}")`);
  return url ?? values.db;
}

/** The system context the CLI acts in (no caller: the operator may do anything), on a migrated database. */
export async function systemCtx(values: DbFlags): Promise<Ctx> {
  const db = getDb(dbTarget(values));
  await runMigrations(db);
  return { db, caller: null };
}
