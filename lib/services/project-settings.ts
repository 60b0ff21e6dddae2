// A project's assignment and quality-control settings as one table of data: each setting's key,
// CLI flag, form field, allowed values and help. The service's zod schema (projects.ts), the flags
// and help of `arbiter project set`, and the admin settings form are all built from it.
// Pure (zod and constants only), so the client-side form can import it.
import { z } from "zod";
import { CONTENDER_PAIRINGS, ORDER_POLICIES, PROJECT_STATUSES, PROJECT_VISIBILITIES, ROUTING_RULES } from "@/db/schema/constants";

interface SettingText {
  /** The flag of `arbiter project set`, without the dashes. */
  flag: string;
  /** The value's name in the CLI's usage line (`--overlap K`). */
  value: string;
  /** The id (and test id) of the form control. */
  field: string;
  /** The form's label. */
  label: string;
  /** What the CLI's help says about the flag. */
  help: string;
  /** Which row of the form it sits in. */
  group: "assignment" | "overlap" | "quality" | "qualification" | "display" | "report";
}

export interface ChoiceSetting<V extends string = string> extends SettingText {
  kind: "choice";
  /** Stored values with the form's label for each; the CLI spells `_` as `-` (finish-first). */
  options: readonly { value: V; label: string }[];
  nullable: false;
}

export interface NumberSetting extends SettingText {
  kind: "number";
  min: number;
  /** The value must be above `min` rather than at least `min`. */
  exclusiveMin?: boolean;
  max?: number;
  whole: boolean;
  /** A limit that can be cleared: `none` on the CLI, a blank field in the form, null when stored. */
  nullable: boolean;
}

/** A short text that can be cleared (`none` on the CLI, a blank field, null when stored). */
export interface TextSetting extends SettingText {
  kind: "text";
  maxLength: number;
  nullable: true;
}

export type ProjectSetting = ChoiceSetting | NumberSetting | TextSetting;

/** How a choice's stored value is spelled on the command line. */
export const cliSpelling = (value: string): string => value.replaceAll("_", "-");

function choice<const V extends readonly [string, ...string[]]>(values: V, labels: { [K in V[number]]: string }, text: SettingText, refusal: string) {
  const setting: ChoiceSetting<V[number]> = { kind: "choice", ...text, options: values.map((value: V[number]) => ({ value, label: labels[value] })), nullable: false };
  // The CLI's dashed spelling and the stored one are both accepted.
  const schema = z.preprocess((v) => (typeof v === "string" ? v.replaceAll("-", "_") : v), z.enum(values, { message: refusal }));
  return { ...setting, schema };
}

type Limits = Pick<NumberSetting, "min" | "exclusiveMin" | "max" | "whole">;

function numberSchema(s: Limits) {
  const message = s.whole ? "must be a whole number" : "must be a number";
  const range = s.exclusiveMin
    ? s.max === undefined ? `must be above ${s.min}` : `must be above ${s.min} and at most ${s.max}`
    : s.max === undefined ? `must be at least ${s.min}` : `must be between ${s.min} and ${s.max}`;
  let n = s.exclusiveMin ? z.number({ message }).gt(s.min, range) : z.number({ message }).min(s.min, range);
  if (s.max !== undefined) n = n.max(s.max, range);
  if (s.whole) n = n.int(message);
  // Numbers and numeric strings (form fields, CLI flags) only: plain coercion would read "" as 0.
  return z.preprocess((v) => (typeof v === "string" && v.trim() !== "" ? Number(v) : v), n);
}

function number(text: SettingText, limits: Limits) {
  const setting: NumberSetting = { kind: "number", ...text, ...limits, nullable: false };
  return { ...setting, schema: numberSchema(limits) };
}

/** A limit that can be cleared: "none" (CLI), a blank field (form) and null all clear it. */
function limit(text: SettingText, limits: Limits) {
  const setting: NumberSetting = { kind: "number", ...text, ...limits, nullable: true };
  const cleared = (v: unknown) => v === null || v === "none" || (typeof v === "string" && v.trim() === "");
  // nullable() rather than a union with null, so a bad number gets the number's own message.
  return { ...setting, schema: z.preprocess((v) => (cleared(v) ? null : v), numberSchema(limits).nullable()) };
}

/** A boolean shown as a `no|yes` choice: the schema takes either spelling (or a boolean) and stores a boolean. */
function yesNo(text: SettingText) {
  const setting: ChoiceSetting<"no" | "yes"> = { kind: "choice", ...text, options: [{ value: "no", label: "no" }, { value: "yes", label: "yes" }], nullable: false };
  const spelled = (v: unknown) => (typeof v === "boolean" ? (v ? "yes" : "no") : v);
  const schema = z.preprocess(spelled, z.enum(["no", "yes"], { message: "must be no or yes" })).transform((v) => v === "yes");
  return { ...setting, schema };
}

/** A clearable short text: "none" (CLI), a blank field (form) and null all clear it; otherwise trimmed and bounded. */
function text(text: SettingText, maxLength: number) {
  const setting: TextSetting = { kind: "text", ...text, maxLength, nullable: true };
  const cleared = (v: unknown) => v === null || v === "none" || (typeof v === "string" && v.trim() === "");
  const schema = z.preprocess(
    (v) => (cleared(v) ? null : typeof v === "string" ? v.trim() : v),
    z.union([z.null(), z.string({ message: "must be text" }).max(maxLength, `must be at most ${maxLength} characters`)]),
  );
  return { ...setting, schema };
}

/** How a stored setting is spelled as a choice's value: booleans as `yes`/`no`, the rest as they are. */
export const choiceValue = (value: unknown): string => (typeof value === "boolean" ? (value ? "yes" : "no") : String(value));

const ratio = { min: 0, max: 1, whole: false } as const;

/** The settings, keyed by their name in the service and the database row, in the form's order. */
export const PROJECT_SETTINGS = {
  status: choice(
    PROJECT_STATUSES,
    { draft: "draft (hidden from annotators)", active: "active", paused: "paused (serves nothing)", archived: "archived" },
    { flag: "status", value: "S", field: "settings-status", label: "Status", help: "draft (hidden from annotators), active, paused (serves nothing) or archived", group: "assignment" },
    `must be one of ${PROJECT_STATUSES.join(", ")}`,
  ),
  visibility: choice(
    PROJECT_VISIBILITIES,
    { members: "members only", everyone: "every annotator" },
    {
      flag: "visibility",
      value: "V",
      field: "settings-visibility",
      label: "Who may work on it",
      help: "members (only the project's members; with none, nobody) or everyone (every annotator)",
      group: "assignment",
    },
    `must be one of ${PROJECT_VISIBILITIES.join(", ")}`,
  ),
  orderPolicy: choice(
    ORDER_POLICIES,
    { finish_first: "finish started items first", random: "random", import: "import order" },
    { flag: "order", value: "O", field: "settings-order", label: "Order", help: "finish-first (items with the most judgments first), random or import", group: "assignment" },
    "must be finish-first, random or import",
  ),
  overlap: number({ flag: "overlap", value: "K", field: "settings-overlap", label: "Overlap (judgments per item)", help: "judgments wanted per item (1–100)", group: "assignment" }, { min: 1, max: 100, whole: true }),
  minJudgments: limit(
    {
      flag: "min-judgments",
      value: "N",
      field: "settings-min-judgments",
      label: "Adaptive: min judgments (blank: fixed overlap)",
      help: "adaptive overlap: ask at least N judgments per item (1–20; goes with --max-judgments; replaces --overlap), or none for the fixed overlap (clearing max and stop agreement too)",
      group: "overlap",
    },
    { min: 1, max: 20, whole: true },
  ),
  maxJudgments: limit(
    {
      flag: "max-judgments",
      value: "N",
      field: "settings-max-judgments",
      label: "…max judgments",
      help: "adaptive overlap: ask at most N judgments per item while they disagree (min–20)",
      group: "overlap",
    },
    { min: 1, max: 20, whole: true },
  ),
  stopAgreement: limit(
    {
      flag: "stop-agreement",
      value: "R",
      field: "settings-stop-agreement",
      label: "…also stop at agreement (0.5–1, blank: only when unanimous)",
      help: "adaptive overlap: also stop an item once its leading verdict's share reaches R (above 0.5, at most 1), or none (only the first min agreeing stops early)",
      group: "overlap",
    },
    { min: 0.5, exclusiveMin: true, max: 1, whole: false },
  ),
  leaseMinutes: number(
    { flag: "lease-minutes", value: "M", field: "settings-lease", label: "Lease (minutes)", help: "how long an annotator holds an item (1–1440 minutes)", group: "assignment" },
    { min: 1, max: 24 * 60, whole: true },
  ),
  routing: choice(
    ROUTING_RULES,
    { open: "open (anyone)", required: "required (annotators holding all its tags)", preferred: "preferred (matching annotators first)" },
    {
      flag: "routing",
      value: "R",
      field: "settings-routing",
      label: "Routing by skill",
      help: "open (any annotator gets any item), required (an item goes only to annotators holding all of its tags; untagged items to anyone) or preferred (annotators get items matching their skills first, then the rest)",
      group: "assignment",
    },
    `must be one of ${ROUTING_RULES.join(", ")}`,
  ),
  tagsFrom: text(
    {
      flag: "tags-from",
      value: "KEY",
      field: "settings-tags-from",
      label: "Tags from metadata key (blank: none)",
      help: "a metadata key whose value (a list, or text separated by ; or |) becomes each item's tags, at import and at once for existing items that have the key; or none",
      group: "assignment",
    },
    100,
  ),
  contenderPairing: choice(
    CONTENDER_PAIRINGS,
    { uniform: "uniform (every pair alike)", adaptive: "adaptive (undecided pairs first)" },
    {
      flag: "contender-pairing",
      value: "P",
      field: "settings-contender-pairing",
      label: "Contender pairing",
      help: "uniform (default: generate makes every pair, items are served by the order policy) or adaptive (generate draws, and serving puts first, the contender pairs the judgments have not yet told apart)",
      group: "assignment",
    },
    `must be one of ${CONTENDER_PAIRINGS.join(", ")}`,
  ),
  quota: limit({ flag: "quota", value: "N", field: "settings-quota", label: "Quota per annotator (blank: none)", help: "most judgments one annotator may make, or none", group: "assignment" }, { min: 1, whole: true }),
  goldRate: number({ flag: "gold-rate", value: "R", field: "settings-gold-rate", label: "Gold rate (0–1)", help: "share of served items that are gold items (0–1)", group: "quality" }, ratio),
  minGoldAccuracy: limit(
    { flag: "min-gold-accuracy", value: "A", field: "settings-min-gold", label: "Min gold accuracy (0–1, blank: none)", help: "serve nothing more to annotators below this gold accuracy (0–1), or none", group: "quality" },
    ratio,
  ),
  minGoldAfter: limit({ flag: "after", value: "N", field: "settings-min-gold-after", label: "…after N gold judgments", help: "…once they have judged N gold items (goes with --min-gold-accuracy)", group: "quality" }, { min: 1, whole: true }),
  agreementThreshold: limit(
    { flag: "agreement-threshold", value: "R", field: "settings-agreement", label: "Agreement threshold (0–1, blank: majority only)", help: "send items whose agreement is below this to adjudication (0–1), or none", group: "quality" },
    ratio,
  ),
  qualificationItems: limit(
    {
      flag: "qualification-items",
      value: "N",
      field: "settings-qualification-items",
      label: "Qualification: gold items to judge first (blank: none)",
      help: "gold items an annotator must judge (seeing each answer) before real items are served, or none",
      group: "qualification",
    },
    { min: 1, max: 1000, whole: true },
  ),
  qualificationAccuracy: number(
    {
      flag: "qualification-accuracy",
      value: "A",
      field: "settings-qualification-accuracy",
      label: "…accuracy that passes (0–1)",
      help: "share of those gold items judged correctly that passes the qualification (0–1, default 0.8); below it, no items",
      group: "qualification",
    },
    ratio,
  ),
  trainingMode: yesNo({
    flag: "training-mode",
    value: "Y",
    field: "settings-training-mode",
    label: "Training mode: show gold answers after qualifying too",
    help: "no (default: the gold answer is shown only during the qualification) or yes (after every gold item)",
    group: "qualification",
  }),
  allowRemoteImages: yesNo({
    flag: "remote-images",
    value: "Y",
    field: "settings-remote-images",
    label: "Load remote images in prompts and responses",
    help: "no (default: a remote image shows as a placeholder naming its host, and nothing is fetched) or yes (annotators' browsers load it)",
    group: "display",
  }),
  timeCapSeconds: number(
    {
      flag: "time-cap-seconds",
      value: "S",
      field: "settings-time-cap",
      label: "Time cap per judgment (seconds)",
      help: "the most seconds one judgment counts as active time in the time report (1–86400, default 600)",
      group: "report",
    },
    { min: 1, max: 24 * 3600, whole: true },
  ),
};

export type ProjectSettingKey = keyof typeof PROJECT_SETTINGS;
export const PROJECT_SETTING_KEYS = Object.keys(PROJECT_SETTINGS) as ProjectSettingKey[];

/** The settings' zod shape, every setting optional (a partial update). */
export function projectSettingsShape(): { [K in ProjectSettingKey]: z.ZodOptional<(typeof PROJECT_SETTINGS)[K]["schema"]> } {
  const shape = Object.fromEntries(PROJECT_SETTING_KEYS.map((k) => [k, PROJECT_SETTINGS[k].schema.optional()]));
  // Object.fromEntries loses the per-key types that the mapped return type restores.
  return shape as { [K in ProjectSettingKey]: z.ZodOptional<(typeof PROJECT_SETTINGS)[K]["schema"]> };
}

/** One setting without its schema: plain data, so a server component can hand it to the client-side form. */
export type ProjectSettingRow = ProjectSetting & { key: ProjectSettingKey };

/** The table without its schemas: what the settings form and the CLI's flags and help read. */
export function projectSettingRows(): ProjectSettingRow[] {
  return PROJECT_SETTING_KEYS.map((key) => {
    const { schema: _schema, ...row } = PROJECT_SETTINGS[key];
    return { key, ...row };
  });
}
