// The zod schema of the export options, built from the table in options.ts, with the checks that
// span options; and checkExportOptions, which names each problem as the caller named the option.
import { z } from "zod";
import { parseSplit } from "@/lib/stats/aggregate";
import { EXPORT_OPTION_KEYS, EXPORT_OPTIONS, appliesTo, optionName, specs, type BooleanOption, type ChoiceOption, type ExportOptionKey, type ExportOptionSpec, type NumberOption, type OptionNaming } from "./options";
import { parquetColumns } from "./parquet";

type ChoiceValues<S> = S extends ChoiceOption<infer V> ? V : never;
type SchemaOf<S> = S extends ChoiceOption
  ? z.ZodDefault<z.ZodEnum<{ [V in ChoiceValues<S>]: V }>>
  : S extends NumberOption
    ? S extends { default: number }
      ? z.ZodDefault<z.ZodCoercedNumber>
      : z.ZodOptional<z.ZodCoercedNumber>
    : S extends BooleanOption
      ? z.ZodDefault<typeof bool>
      : z.ZodOptional<z.ZodString>;

const TRUE = ["1", "true", "on"];
const bool = z.union([z.boolean(), z.enum(["1", "0", "true", "false", "on", "off", ""]).transform((v) => TRUE.includes(v))], {
  error: "must be on or off (1, 0, true, false)",
});

function listed(values: readonly string[]): string {
  return values.length === 2 ? `${values[0]} or ${values[1]}` : `one of ${values.join(", ")}`;
}

function schemaOf(spec: ExportOptionSpec): z.ZodType {
  switch (spec.kind) {
    case "choice": {
      const values = spec.values.map((v) => v.value) as [string, ...string[]];
      return z.enum(values, { error: `must be ${listed(values)}` }).default(spec.default);
    }
    case "integer":
    case "number": {
      const range = spec.kind === "integer" ? `a whole number from ${spec.min} to ${spec.max}` : `between ${spec.min} and ${spec.max}`;
      let n = z.coerce.number({ error: `must be ${range}` }).min(spec.min, `must be ${range}`).max(spec.max, `must be ${range}`);
      if (spec.kind === "integer") n = n.int(`must be ${range}`);
      return spec.default === undefined ? n.optional() : n.default(spec.default);
    }
    case "boolean":
      return bool.default(false);
    case "text":
      return z.string().max(spec.max, `must be at most ${spec.max} characters`).optional();
  }
}

type Shape = { [K in ExportOptionKey]: SchemaOf<(typeof EXPORT_OPTIONS)[K]> };
const shape = Object.fromEntries(EXPORT_OPTION_KEYS.map((k) => [k, schemaOf(specs[k])])) as unknown as Shape;

/**
 * The export options with every default filled in, and the checks that span options: Parquet needs
 * a format with Parquet columns, a split must parse, and `part` must name one of its parts.
 */
export const exportOptionsSchema = z.object(shape).superRefine((o, ctx) => {
  // zod runs this even when a field failed: check only what parsed (a bad format is named once).
  const knownFormat = EXPORT_OPTIONS.format.values.some((v) => v.value === o.format);
  if (o.fileFormat === "parquet" && knownFormat && !parquetColumns(o.format, false)) {
    ctx.addIssue({ code: "custom", path: ["fileFormat"], message: `${o.format} has no Parquet form (OpenAI takes JSONL); use jsonl` });
  }
  if (typeof o.split !== "string" || o.split === "" || o.split.length > EXPORT_OPTIONS.split.max) return;
  let parts: string[];
  try {
    parts = parseSplit(o.split, o.seed).parts.map((p) => p.name);
  } catch (e) {
    ctx.addIssue({ code: "custom", path: ["split"], message: (e as Error).message });
    return;
  }
  if (o.part !== undefined && o.part !== "train" && !parts.includes(o.part)) {
    ctx.addIssue({ code: "custom", path: ["part"], message: `"${o.part}" is not one of the splits (train, ${parts.join(", ")})` });
  }
});

/** What code may pass, keyed by option key (numbers may come as text; defaults fill the rest). */
export type ExportOptionsInput = z.input<typeof exportOptionsSchema>;
export type ExportOptions = z.output<typeof exportOptionsSchema>;

export type OptionsCheck = { ok: true; options: ExportOptions } | { ok: false; message: string; fields: Record<string, string> };

/**
 * Checks raw options (keyed by option key) and names each problem as the surface names the option:
 * `fields` maps that name to its problem, `message` joins them ("min_votes: must be …").
 */
export function checkExportOptions(raw: unknown, naming: OptionNaming): OptionsCheck {
  const parsed = exportOptionsSchema.safeParse(raw);
  if (parsed.success) return { ok: true, options: parsed.data };
  const fields: Record<string, string> = {};
  for (const issue of parsed.error.issues) {
    const name = issue.path.length ? optionName(String(issue.path[0]), naming) : "";
    fields[name] ??= issue.message;
  }
  return { ok: false, fields, message: Object.entries(fields).map(([name, m]) => (name ? `${name}: ${m}` : m)).join("; ") };
}

/** The settings as they go into a dataset card: query names, the options that apply, set values only. */
export function settingsOf(options: ExportOptions): Record<string, string | number | boolean> {
  const settings: Record<string, string | number | boolean> = {};
  for (const key of EXPORT_OPTION_KEYS) {
    if (key === "fileFormat" || key === "part" || key === "revealAnnotators" || !appliesTo(key, options.format)) continue;
    if (key === "seed" && !options.split) continue;
    const value = options[key];
    if (value !== undefined && value !== "") settings[specs[key].query] = value;
  }
  return settings;
}
