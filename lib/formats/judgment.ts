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

export const SLOT_LABELS = ["A", "B", "C", "D", "E", "F", "G", "H"] as const;

/** A judgment as sent to the API, in slot terms (the letters the annotator saw). */
export const judgmentPayloadSchema = z.object({
  choice: z.enum(CHOICES).optional(),
  strength: z.number().int().min(-3).max(3).optional(),
  /** Best to worst; each inner list is a group of tied slots. */
  ranking: z.array(z.array(z.enum(SLOT_LABELS)).min(1)).optional(),
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
