// The export options, once: one table of data (key, CLI flag, query name, form label, allowed values,
// default, help) from which the zod schema, the CLI's parseArgs options and help lines, the HTTP
// route's query parsing, the admin form's controls and the dataset card's settings are all built.
// Errors name the option the way the caller wrote it: `--min-votes` (CLI), `min_votes` (HTTP), the
// field's label (form).
// This module is plain data and small functions, so the admin form (a client component) can import
// it; the zod schema built from it is in options-schema.ts.
import { EXPORT_FORMATS, type ExportFormatName } from "./index";

/** Every format an export can be written in: the aggregated formats and `raw`. */
export const EXPORT_FORMAT_NAMES = [...(Object.keys(EXPORT_FORMATS) as ExportFormatName[]), "raw"] as const;
export type ExportFormat = (typeof EXPORT_FORMAT_NAMES)[number];

const RAW_DESCRIPTION = "Every judgment with ids, display order, duration, annotator (pseudonymised) and flags";

/** One allowed value of a choice option: what it is called and what it means. */
export interface OptionValue<V extends string = string> {
  value: V;
  label: string;
  help?: string;
}

interface Common {
  /** CLI flag without the dashes: `--min-votes`. */
  flag: string;
  /** HTTP query parameter: `min_votes`. */
  query: string;
  /** The admin form's label for the control. */
  label: string;
  help: string;
  /** Where the form shows the control: the first row, or under "More options". */
  form: "main" | "more";
  /** Only these formats use the option (the form hides it otherwise; the dataset card leaves it out). */
  formats?: readonly ExportFormat[];
}

export interface ChoiceOption<V extends string = string> extends Common {
  kind: "choice";
  values: readonly OptionValue<V>[];
  default: V;
}
export interface NumberOption extends Common {
  kind: "integer" | "number";
  /** The value's name in CLI help (`--min-votes N`). */
  value: string;
  min: number;
  max: number;
  step?: number;
  default?: number;
}
export interface BooleanOption extends Common {
  kind: "boolean";
}
export interface TextOption extends Common {
  kind: "text";
  /** The value's name in CLI help (`--split SPEC`). */
  value: string;
  max: number;
  placeholder: string;
  /** An HTML pattern for the form's input. */
  pattern?: string;
}
export type ExportOptionSpec = ChoiceOption | NumberOption | BooleanOption | TextOption;

const choice = <const V extends string>(spec: Omit<ChoiceOption<V>, "kind">): ChoiceOption<V> => ({ kind: "choice", ...spec });

/** The table. Its order is the order of the CLI help and of the form. */
export const EXPORT_OPTIONS = {
  format: choice({
    flag: "format",
    query: "format",
    label: "Format",
    help: "what the rows are for (see Export formats)",
    form: "main",
    values: [
      ...Object.entries(EXPORT_FORMATS).map(([name, f]) => ({ value: name as ExportFormatName, label: name, help: f.description })),
      { value: "raw" as const, label: "raw", help: RAW_DESCRIPTION },
    ],
    default: "trl-dpo",
  }),
  fileFormat: choice({
    flag: "file-format",
    query: "file_format",
    label: "File",
    help: "the file's encoding",
    form: "main",
    values: [
      { value: "jsonl", label: "JSONL" },
      { value: "csv", label: "CSV" },
      { value: "parquet", label: "Parquet" },
    ],
    default: "jsonl",
  }),
  policy: choice({
    flag: "policy",
    query: "policy",
    label: "Aggregation",
    help: "majority: the winner has more than half of the counted votes; unanimous: all of them",
    form: "main",
    values: [
      { value: "majority", label: "majority" },
      { value: "unanimous", label: "unanimous" },
    ],
    default: "majority",
  }),
  minVotes: {
    kind: "integer",
    flag: "min-votes",
    query: "min_votes",
    label: "Minimum votes for the winner",
    value: "N",
    help: "the winner needs at least N votes",
    form: "main",
    min: 1,
    max: 1000,
    default: 1,
  },
  minAgreement: {
    kind: "number",
    flag: "min-agreement",
    query: "min_agreement",
    label: "Minimum agreement (0–1)",
    value: "R",
    help: "the winner's share of the counted votes must be at least R",
    form: "main",
    min: 0,
    max: 1,
    step: 0.05,
  },
  ties: choice({
    flag: "ties",
    query: "ties",
    label: "Tie votes",
    help: "include: tie and both-bad votes count in the total; exclude: they are left out (also of margins)",
    form: "more",
    values: [
      { value: "include", label: "count against a majority" },
      { value: "exclude", label: "leave out" },
    ],
    default: "include",
  }),
  split: {
    kind: "text",
    flag: "split",
    query: "split",
    label: "Test share (split by prompt)",
    value: "SPEC",
    help: "NAME=SHARE[,NAME=SHARE]: split by a hash of the prompt; train gets the rest",
    form: "more",
    max: 200,
    placeholder: "test=0.1",
    pattern: "[a-z][a-z0-9_\\-]*=[0-9.]+(,[a-z][a-z0-9_\\-]*=[0-9.]+)*",
  },
  seed: {
    kind: "integer",
    flag: "seed",
    query: "seed",
    label: "Seed",
    value: "N",
    help: "seeds the split and best-vs-random",
    form: "more",
    min: 0,
    max: 2 ** 31 - 1,
    default: 42,
  },
  part: {
    kind: "text",
    flag: "part",
    query: "part",
    label: "Download split",
    value: "NAME",
    help: "with a split, the one part a stream (stdout, HTTP) carries (default train)",
    form: "more",
    max: 40,
    placeholder: "train",
  },
  bothBad: choice({
    flag: "both-bad",
    query: "both_bad",
    label: "Both bad",
    help: "trl-kto: an item most judges called both bad gives a negative row per response, or is left out",
    form: "more",
    formats: ["trl-kto"],
    values: [
      { value: "negatives", label: "negative examples" },
      { value: "drop", label: "leave out" },
    ],
    default: "negatives",
  }),
  ratingPairs: choice({
    flag: "rating-pairs",
    query: "rating_pairs",
    label: "Ratings",
    help: "rated responses: the best mean score against the worst, or a random lower one",
    form: "more",
    values: [
      { value: "best-vs-worst", label: "best vs worst" },
      { value: "best-vs-random", label: "best vs a random lower one" },
    ],
    default: "best-vs-worst",
  }),
  rankingPairs: choice({
    flag: "ranking-pairs",
    query: "ranking_pairs",
    label: "Rankings",
    help: "rankings: every pair a majority of rankings orders, or the best against each other response",
    form: "more",
    values: [
      { value: "all-pairs", label: "all ordered pairs" },
      { value: "best-vs-rest", label: "best vs the rest" },
    ],
    default: "all-pairs",
  }),
  conversational: { kind: "boolean", flag: "conversational", query: "conversational", label: "Conversational (message lists)", help: "write message lists even for single-turn prompts", form: "more" },
  includeGold: { kind: "boolean", flag: "include-gold", query: "include_gold", label: "Include gold items", help: "keep gold items and gold judgments", form: "more" },
  keepEmpty: {
    kind: "boolean",
    flag: "keep-empty",
    query: "keep_empty",
    label: "Keep empty responses",
    help: "keep pairs and rows whose chosen, rejected or completion is empty (by default they are left out and counted)",
    form: "more",
    formats: EXPORT_FORMAT_NAMES.filter((f) => f !== "raw"),
  },
  sftWinners: {
    kind: "boolean",
    flag: "sft-winners",
    query: "sft_winners",
    label: "Add unanimous winners",
    help: "sft: add the winner of every unanimously decided item",
    form: "more",
    formats: ["sft"],
  },
  includeAiJudgments: {
    kind: "boolean",
    flag: "include-ai-judgments",
    query: "include_ai_judgments",
    label: "Include AI judge verdicts",
    help: "raw: a row per AI verdict (source judge); pair formats: each judge's verdict is one more vote in the aggregation, and items only judges judged are exported",
    form: "more",
    formats: EXPORT_FORMAT_NAMES.filter((f) => f !== "sft"),
  },
  revealAnnotators: {
    kind: "boolean",
    flag: "reveal-annotators",
    query: "reveal_annotators",
    label: "Show annotator emails",
    help: "raw: annotators' emails instead of pseudonyms",
    form: "more",
    formats: ["raw"],
  },
} as const satisfies Record<string, ExportOptionSpec>;

export type ExportOptionKey = keyof typeof EXPORT_OPTIONS;
export const EXPORT_OPTION_KEYS = Object.keys(EXPORT_OPTIONS) as ExportOptionKey[];
export const specs = EXPORT_OPTIONS as Record<ExportOptionKey, ExportOptionSpec>;

/** How a surface names an option: the table's key (code), the CLI flag, the query parameter, the form label. */
export type OptionNaming = "key" | "flag" | "query" | "label";

export function optionName(key: string, naming: OptionNaming): string {
  const spec = specs[key as ExportOptionKey];
  if (!spec) return key;
  switch (naming) {
    case "key":
      return key;
    case "flag":
      return `--${spec.flag}`;
    case "query":
      return spec.query;
    case "label":
      return spec.label;
  }
}

// ---------------------------------------------------------------------------------------------
// Surfaces

type RawOptions = Partial<Record<ExportOptionKey, string | boolean>>;

/** The options in an HTTP query, by their query names; an empty parameter counts as absent. */
export function exportOptionsFromQuery(query: URLSearchParams): RawOptions {
  const raw: RawOptions = {};
  for (const key of EXPORT_OPTION_KEYS) {
    const value = query.get(specs[key].query);
    if (value !== null && value !== "") raw[key] = value;
  }
  return raw;
}

/** The value's name in CLI help: the choices (`majority|unanimous`), or N, R, SPEC, NAME. */
function valueName(spec: ExportOptionSpec): string | undefined {
  return spec.kind === "choice" ? spec.values.map((v) => v.value).join("|") : spec.kind === "boolean" ? undefined : spec.value;
}

type CliFlags = {
  [K in ExportOptionKey as (typeof EXPORT_OPTIONS)[K]["flag"]]: (typeof EXPORT_OPTIONS)[K]["kind"] extends "boolean"
    ? { type: "boolean"; help: string }
    : { type: "string"; value: string; help: string };
};

/**
 * The export options as CLI flags, keyed by flag: a parseArgs options object (`--min-votes` takes a
 * string, `--include-gold` is a switch) that also carries each flag's value name and help line.
 */
export const EXPORT_CLI_OPTIONS = Object.fromEntries(
  EXPORT_OPTION_KEYS.map((k) => {
    const s = specs[k];
    const help = s.help + (s.kind === "choice" || ((s.kind === "integer" || s.kind === "number") && s.default !== undefined) ? ` (default ${String(s.default)})` : "");
    return [s.flag, s.kind === "boolean" ? { type: "boolean", help } : { type: "string", value: valueName(s), help }];
  }),
) as CliFlags;

/** The options in parseArgs values, keyed by flag; an absent flag counts as absent. */
export function exportOptionsFromCli(values: Record<string, string | boolean | (string | boolean)[] | undefined>): RawOptions {
  const raw: RawOptions = {};
  for (const key of EXPORT_OPTION_KEYS) {
    const value = values[specs[key].flag];
    if (typeof value === "string" || typeof value === "boolean") raw[key] = value;
  }
  return raw;
}

const byQuery = new Map(EXPORT_OPTION_KEYS.map((k) => [specs[k].query, k]));

/**
 * For the form: an HTTP refusal's `fields` (keyed by query name) as problems keyed by option, to
 * show beside each control, and a message that names each option by its label.
 */
export function formErrors(error: { message?: string; fields?: Record<string, string> } | undefined): {
  fields: Partial<Record<ExportOptionKey, string>>;
  message?: string;
} {
  const fields: Partial<Record<ExportOptionKey, string>> = {};
  const named: string[] = [];
  for (const [query, problem] of Object.entries(error?.fields ?? {})) {
    const key = byQuery.get(query);
    if (key) fields[key] = problem;
    named.push(key ? `${specs[key].label}: ${problem}` : problem);
  }
  return { fields, message: named.length ? named.join("; ") : error?.message };
}

/** Whether an option applies to a format (the form hides it and the dataset card leaves it out). */
export function appliesTo(key: ExportOptionKey, format: ExportFormat): boolean {
  const formats = specs[key].formats;
  return !formats || formats.includes(format);
}
