// Reading flag values into typed input: a required flag, one of a list, a whole number, or a whole
// service input checked by the service's own zod schema. Every error names the flag as typed
// (`--min-votes`), never the service's key (`minVotes`).
import fs from "node:fs";
import { AppError, badRequest } from "@/lib/services/errors";
import { usageError } from "./command";

/** `--name` as the user typed it. */
const flagName = (name: string): string => `--${name}`;

/** The value of a flag the command cannot run without (a usage error when absent). */
export function need(values: Record<string, unknown>, name: string): string {
  const v = values[name];
  if (typeof v !== "string" || v === "") throw usageError(`missing ${flagName(name)}`);
  return v;
}

/** A flag's value when it is one of `allowed`, undefined when absent. */
export function oneOf<const T extends string>(name: string, value: string | undefined, allowed: readonly T[]): T | undefined {
  if (value === undefined) return undefined;
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw badRequest(`${flagName(name)}: must be one of ${allowed.join(", ")} (got "${value}")`);
}

/** A flag's value as a whole number (at least `min`), undefined when absent. */
export function wholeNumber(name: string, value: string | undefined, min = Number.MIN_SAFE_INTEGER): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (value.trim() === "" || !Number.isSafeInteger(n)) throw badRequest(`${flagName(name)}: must be a whole number (got "${value}")`);
  if (n < min) throw badRequest(`${flagName(name)}: must be at least ${min} (got ${n})`);
  return n;
}

interface Schema<T> {
  safeParse(v: unknown): { success: true; data: T } | { success: false; error: { issues: readonly { path: readonly PropertyKey[]; message: string }[] } };
}

/**
 * Checks a service input with the service's own schema before the call, so the values come out
 * typed and a refusal names the flag: `flags` maps the service's keys to CLI flag names (keys
 * missing from it are spelled as they are). A path inside a flag's value follows it
 * (`--schema criteria.0.key: …`).
 */
export function checked<T>(schema: Schema<T>, input: Record<string, unknown>, flags: Record<string, string> = {}): T {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const parts = result.error.issues.map((issue) => {
    const [key, ...inner] = issue.path.map(String);
    if (key === undefined) return issue.message;
    return `${flagName(flags[key] ?? key)}${inner.length ? " " + inner.join(".") : ""}: ${issue.message}`;
  });
  throw badRequest(parts.join("; "));
}

export function readTextFile(file: string): string {
  if (!fs.existsSync(file)) throw new AppError("not_found", `File ${file} not found.`);
  return fs.readFileSync(file, "utf8");
}

/** Reads a judgment-schema JSON file (README "Judgment types"); a syntax error names the file. */
export function readJsonFile(file: string): unknown {
  const text = readTextFile(file);
  try {
    return JSON.parse(text);
  } catch (e) {
    throw usageError(`${file}: not valid JSON (${(e as Error).message})`);
  }
}
