// The judgment contract: a project's judgment schema (what annotators record) and the payload shapes
// the API accepts (slot terms: A, B, C …) and stores (candidate terms: candidate ids). Pure zod and
// types, shared by the workspace form, the API, the importer, the exporters and the statistics.
import { z } from "zod";
import { CHOICES, type Choice } from "./record";

export { CHOICES, type Choice };

export const JUDGMENT_TYPES = ["pairwise", "ranking", "rating", "demonstration"] as const;
export type JudgmentType = (typeof JUDGMENT_TYPES)[number];

export const RATIONALE_POLICIES = ["hidden", "optional", "required"] as const;
export const REWRITE_POLICIES = ["never", "both_bad", "always"] as const;

const key = z.string().regex(/^[a-z][a-z0-9_]{0,39}$/, "must be a short lowercase key (letters, digits, _)");

export const criterionSchema = z
  .object({
    key,
    label: z.string().min(1).max(100),
    min: z.number().int().default(1),
    max: z.number().int().default(5),
    min_label: z.string().max(60).optional(),
    max_label: z.string().max(60).optional(),
  })
  .refine((c) => c.max > c.min, { message: "max must be greater than min", path: ["max"] });

export const flagSchema = z.object({ key, label: z.string().min(1).max(100) });

/** What a project asks of its annotators. Every field has a default: `{}` is plain pairwise. */
export const projectJudgmentSchema = z
  .object({
    type: z.enum(JUDGMENT_TYPES).default("pairwise"),
    /** Pairwise: a 7-point preference strength −3 (A much better) … +3 (B much better). */
    strength: z.boolean().default(false),
    allow_tie: z.boolean().default(true),
    allow_both_bad: z.boolean().default(true),
    /** Pairwise: when an annotator may write a better response (used by exports as a new chosen). */
    rewrite: z.enum(REWRITE_POLICIES).default("both_bad"),
    /** Ratings per response, on their own (type "rating") or alongside a pairwise or ranking choice. */
    criteria: z.array(criterionSchema).max(12).default([]),
    flags: z.array(flagSchema).max(20).default([]),
    rationale: z.enum(RATIONALE_POLICIES).default("optional"),
  })
  .strict();

export type ProjectJudgmentSchema = z.output<typeof projectJudgmentSchema>;
export const DEFAULT_JUDGMENT_SCHEMA: ProjectJudgmentSchema = projectJudgmentSchema.parse({});

/** A project's stored schema with every default filled in (a null column is plain pairwise). */
export function effectiveSchema(stored: unknown): ProjectJudgmentSchema {
  if (stored == null) return DEFAULT_JUDGMENT_SCHEMA;
  const parsed = projectJudgmentSchema.safeParse(stored);
  return parsed.success ? parsed.data : DEFAULT_JUDGMENT_SCHEMA;
}

export const SLOT_LABELS = ["A", "B", "C", "D", "E", "F", "G", "H"] as const;

/** A judgment as sent to the API, in slot terms (the letters the annotator saw). */
export const judgmentPayloadSchema = z.strictObject({
  choice: z.enum(CHOICES, { message: `must be one of ${CHOICES.join(", ")}` }).optional(),
  strength: z.number().int("must be a whole number from -3 to 3").min(-3, "must be from -3 to 3").max(3, "must be from -3 to 3").optional(),
  /** Best to worst; each inner list is a group of tied slots. */
  ranking: z.array(z.array(z.enum(SLOT_LABELS, { message: "must be a slot letter (A … H)" })).min(1, "a place must hold at least one slot")).optional(),
  /** slot → criterion key → value */
  ratings: z.record(z.string(), z.record(z.string(), z.number())).optional(),
  /** slot → flag keys */
  flags: z.record(z.string(), z.array(z.string())).optional(),
  rewrite: z.string().max(100_000).optional(),
  demonstration: z.string().max(100_000).optional(),
  rationale: z.string().max(20_000).optional(),
});
export type JudgmentPayload = z.infer<typeof judgmentPayloadSchema>;

/**
 * A judgment as stored, in candidate terms (candidate ids), so exports and statistics never need
 * the display order. `choice` and `strength` keep the slot terms the annotator used.
 */
export interface StoredJudgment {
  type: JudgmentType;
  choice?: Choice;
  strength?: number;
  /** The winning candidate of a pairwise judgment; null for tie and both_bad. */
  winner?: number | null;
  /** Best to worst groups of candidate ids. */
  ranking?: number[][];
  /** candidate id → criterion key → value */
  ratings?: Record<string, Record<string, number>>;
  /** candidate id → flag keys */
  flags?: Record<string, string[]>;
  rewrite?: string;
  demonstration?: string;
}

export type PayloadCheck = { ok: true; payload: JudgmentPayload } | { ok: false; error: string };

const FIELDS_BY_TYPE: Record<JudgmentType, (keyof JudgmentPayload)[]> = {
  pairwise: ["choice", "strength", "ratings", "flags", "rewrite", "rationale"],
  ranking: ["ranking", "ratings", "flags", "rationale"],
  rating: ["ratings", "flags", "rationale"],
  demonstration: ["demonstration", "flags", "rationale"],
};

/** The pairwise choice a 7-point strength stands for: below 0 A, above 0 B, 0 a tie. */
export function choiceOfStrength(strength: number): Choice {
  return strength < 0 ? "A" : strength > 0 ? "B" : "tie";
}

/**
 * Checks a payload against a project's judgment schema for an item shown with `slotCount`
 * responses. Returns the payload normalised (trimmed text, choice derived from strength, duplicate
 * flags dropped, empty fields removed) or the first problem, naming the field.
 */
export function validatePayload(schemaInput: z.input<typeof projectJudgmentSchema> | null | undefined, input: unknown, slotCount: number): PayloadCheck {
  const schema = effectiveSchema(schemaInput);
  const parsed = judgmentPayloadSchema.safeParse(input);
  if (!parsed.success) {
    const i = parsed.error.issues[0];
    if (i.code === "unrecognized_keys") return { ok: false, error: `${i.keys[0]}: not a judgment field` };
    return { ok: false, error: i.path.length ? `${i.path.map(String).join(".")}: ${i.message}` : i.message };
  }
  const p: JudgmentPayload = { ...parsed.data };
  const fail = (error: string): PayloadCheck => ({ ok: false, error });
  const slots = SLOT_LABELS.slice(0, slotCount) as readonly string[];
  const slotProblem = (field: string, slot: string) =>
    slots.includes(slot) ? null : `${field}: slot ${slot} does not exist (this item has ${slotCount} responses, ${slots[0]}–${slots[slots.length - 1]})`;

  // Text fields: whitespace only counts as absent.
  for (const k of ["rationale", "rewrite", "demonstration"] as const) {
    const v = p[k]?.trim();
    if (v) p[k] = v;
    else delete p[k];
  }
  if (p.ratings && Object.keys(p.ratings).length === 0) delete p.ratings;
  if (p.flags) {
    for (const [slot, keys] of Object.entries(p.flags)) {
      if (keys.length === 0) delete p.flags[slot];
    }
    if (Object.keys(p.flags).length === 0) delete p.flags;
  }

  const allowed = FIELDS_BY_TYPE[schema.type];
  for (const k of Object.keys(p) as (keyof JudgmentPayload)[]) {
    if (p[k] !== undefined && !allowed.includes(k)) return fail(`${k}: not used in a ${schema.type} project`);
  }

  if (schema.type === "pairwise") {
    if (p.strength !== undefined) {
      if (!schema.strength) return fail("strength: this project does not use a preference strength");
      // A strength says which response is better and by how much: "both bad" has none to give.
      if (p.choice === "both_bad") return fail("strength: a both_bad judgment has no strength (leave strength out)");
      const implied = choiceOfStrength(p.strength);
      if (p.choice === undefined) p.choice = implied;
      else if (p.choice !== implied) {
        return fail(`strength: ${p.strength} does not agree with choice ${p.choice}`);
      }
    }
    if (p.choice === undefined) return fail(schema.strength ? "strength: required (−3 … +3)" : "choice: required (A, B, tie or both_bad)");
    if (schema.strength && p.strength === undefined && p.choice !== "both_bad") return fail("strength: required (−3 … +3)");
    if (p.choice === "tie" && !schema.allow_tie) return fail(p.strength === 0 ? "strength: 0 (a tie) is not allowed in this project" : "choice: ties are not allowed in this project");
    if (p.choice === "both_bad" && !schema.allow_both_bad) return fail("choice: both_bad is not allowed in this project");
    if (p.rewrite !== undefined) {
      if (schema.rewrite === "never") return fail("rewrite: this project does not take rewrites");
      if (schema.rewrite === "both_bad" && p.choice !== "both_bad") return fail("rewrite: only allowed when both responses are bad");
    }
  }

  if (schema.type === "ranking") {
    if (!p.ranking) return fail("ranking: required (best to worst, e.g. [[\"B\"],[\"A\"],[\"C\"]])");
    const seen = new Set<string>();
    for (const group of p.ranking) {
      for (const slot of group) {
        const bad = slotProblem("ranking", slot);
        if (bad) return fail(bad);
        if (seen.has(slot)) return fail(`ranking: slot ${slot} appears twice`);
        seen.add(slot);
      }
      if (group.length > 1 && !schema.allow_tie) return fail(`ranking: ties are not allowed in this project (${group.join(", ")} share a place)`);
    }
    for (const slot of slots) if (!seen.has(slot)) return fail(`ranking: slot ${slot} is missing`);
  }

  if (p.ratings) {
    if (schema.criteria.length === 0) return fail("ratings: this project has no rating criteria");
    for (const [slot, values] of Object.entries(p.ratings)) {
      const bad = slotProblem(`ratings.${slot}`, slot);
      if (bad) return fail(bad);
      for (const [key, value] of Object.entries(values)) {
        const c = schema.criteria.find((x) => x.key === key);
        if (!c) return fail(`ratings.${slot}.${key}: unknown criterion (known: ${schema.criteria.map((x) => x.key).join(", ")})`);
        if (!Number.isInteger(value) || value < c.min || value > c.max) {
          return fail(`ratings.${slot}.${key}: ${value} is out of range (${c.min} … ${c.max})`);
        }
      }
    }
  }
  if (schema.type === "rating") {
    if (schema.criteria.length === 0) return fail("ratings: this project has no rating criteria");
    for (const slot of slots) {
      for (const c of schema.criteria) {
        if (p.ratings?.[slot]?.[c.key] === undefined) return fail(`ratings.${slot}.${c.key}: required`);
      }
    }
  }

  if (p.flags) {
    for (const [slot, keys] of Object.entries(p.flags)) {
      const bad = slotProblem(`flags.${slot}`, slot);
      if (bad) return fail(bad);
      for (const key of keys) {
        if (!schema.flags.some((f) => f.key === key)) {
          return fail(`flags.${slot}: unknown flag "${key}"${schema.flags.length ? ` (known: ${schema.flags.map((f) => f.key).join(", ")})` : " (this project has no flags)"}`);
        }
      }
      p.flags[slot] = [...new Set(keys)];
    }
  }

  if (schema.type === "demonstration" && p.demonstration === undefined) return fail("demonstration: required (the ideal response)");

  if (schema.rationale === "required" && p.rationale === undefined) return fail("rationale: required in this project");
  if (schema.rationale === "hidden" && p.rationale !== undefined) return fail("rationale: this project does not collect a rationale");

  return { ok: true, payload: p };
}

const slotIndex = (slot: string) => SLOT_LABELS.indexOf(slot as (typeof SLOT_LABELS)[number]);

function mapKeys<V>(record: Record<string, V> | undefined, key: (k: string) => string): Record<string, V> | undefined {
  if (!record) return undefined;
  return Object.fromEntries(Object.entries(record).map(([k, v]) => [key(k), v]));
}

/** Turns a validated payload (slot terms) into its stored form (candidate ids); `slotOrder[0]` is slot A. */
export function toStored(type: JudgmentType, payload: JudgmentPayload, slotOrder: number[]): StoredJudgment {
  const id = (slot: string) => slotOrder[slotIndex(slot)];
  const out: StoredJudgment = { type };
  if (payload.choice !== undefined) {
    out.choice = payload.choice;
    out.winner = payload.choice === "A" || payload.choice === "B" ? id(payload.choice) : null;
  }
  if (payload.strength !== undefined) out.strength = payload.strength;
  if (payload.ranking) out.ranking = payload.ranking.map((g) => g.map(id));
  if (payload.ratings) out.ratings = mapKeys(payload.ratings, (s) => String(id(s)));
  if (payload.flags) out.flags = mapKeys(payload.flags, (s) => String(id(s)));
  if (payload.rewrite !== undefined) out.rewrite = payload.rewrite;
  if (payload.demonstration !== undefined) out.demonstration = payload.demonstration;
  return out;
}

/** The reverse of `toStored`: what the annotator saw, for reopening a judgment in the workspace. */
export function fromStored(stored: StoredJudgment, slotOrder: number[], rationale?: string | null): JudgmentPayload {
  const slot = (id: number | string) => SLOT_LABELS[slotOrder.indexOf(Number(id))];
  const out: JudgmentPayload = {};
  if (stored.choice !== undefined) out.choice = stored.choice;
  if (stored.strength !== undefined) out.strength = stored.strength;
  if (stored.ranking) out.ranking = stored.ranking.map((g) => g.map(slot));
  if (stored.ratings) out.ratings = mapKeys(stored.ratings, slot);
  if (stored.flags) out.flags = mapKeys(stored.flags, slot);
  if (stored.rewrite !== undefined) out.rewrite = stored.rewrite;
  if (stored.demonstration !== undefined) out.demonstration = stored.demonstration;
  if (rationale) out.rationale = rationale;
  return out;
}
