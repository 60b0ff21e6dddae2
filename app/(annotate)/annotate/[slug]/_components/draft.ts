// The judgment being filled in on screen, and the pure steps that change it (ranking moves, flags,
// ratings). Turned into an API payload by `toPayload` and checked with the same zod contract as the server.
import {
  SLOT_LABELS,
  validatePayload,
  type Choice,
  type JudgmentPayload,
  type PayloadCheck,
  type ProjectJudgmentSchema,
} from "@/lib/formats/judgment";

export interface Draft {
  choice?: Choice;
  strength?: number;
  /** Best to worst groups of slots; every slot appears once. */
  ranking: string[][];
  /** Whether the annotator has touched the ranking (an untouched one is only the random display order). */
  ranked: boolean;
  /** The slot picked for keyboard moves. */
  selected?: string;
  ratings: Record<string, Record<string, number>>;
  /** The rating scale the annotator moved to with [ and ] (an index into `ratingScales`); unset, digits rate the first unrated one. */
  scale?: number;
  flags: Record<string, string[]>;
  rationale: string;
  rewrite: string;
  demonstration: string;
}

/** The pairwise choices, their button labels and their keys (number, then letter). */
export const PAIRWISE_CHOICES: { value: Choice; label: string; keys: [string, string] }[] = [
  { value: "A", label: "A is better", keys: ["1", "a"] },
  { value: "B", label: "B is better", keys: ["2", "b"] },
  { value: "tie", label: "Tie", keys: ["3", "t"] },
  { value: "both_bad", label: "Both bad", keys: ["4", "x"] },
];

/** The pairwise choices a project allows. */
export function pairwiseChoices(schema: ProjectJudgmentSchema): typeof PAIRWISE_CHOICES {
  return PAIRWISE_CHOICES.filter((c) => (c.value !== "tie" || schema.allow_tie) && (c.value !== "both_bad" || schema.allow_both_bad));
}

export function slotsOf(count: number): string[] {
  return SLOT_LABELS.slice(0, count) as unknown as string[];
}

export function emptyDraft(slotCount: number): Draft {
  return { ranking: slotsOf(slotCount).map((s) => [s]), ranked: false, ratings: {}, flags: {}, rationale: "", rewrite: "", demonstration: "" };
}

/** Rebuilds a draft from a stored payload (history → revise, undo). */
export function draftOf(payload: JudgmentPayload, slotCount: number): Draft {
  const d = emptyDraft(slotCount);
  return {
    ...d,
    choice: payload.choice,
    strength: payload.strength,
    ranking: payload.ranking ?? d.ranking,
    ranked: !!payload.ranking,
    ratings: payload.ratings ?? {},
    flags: payload.flags ?? {},
    rationale: payload.rationale ?? "",
    rewrite: payload.rewrite ?? "",
    demonstration: payload.demonstration ?? "",
  };
}

export function rewriteOpen(schema: ProjectJudgmentSchema, draft: Draft): boolean {
  return schema.type === "pairwise" && (schema.rewrite === "always" || (schema.rewrite === "both_bad" && draft.choice === "both_bad"));
}

/** The payload the API takes, with only the fields this project's type uses. */
function toPayload(schema: ProjectJudgmentSchema, d: Draft): JudgmentPayload {
  const p: JudgmentPayload = {};
  if (schema.type === "pairwise") {
    if (d.choice) p.choice = d.choice;
    if (schema.strength && d.strength !== undefined && d.choice !== "both_bad") p.strength = d.strength;
    if (rewriteOpen(schema, d) && d.rewrite.trim()) p.rewrite = d.rewrite;
  }
  if (schema.type === "ranking" && d.ranked) p.ranking = d.ranking as JudgmentPayload["ranking"];
  if (schema.type === "demonstration") p.demonstration = d.demonstration;
  if (schema.criteria.length && Object.keys(d.ratings).length) p.ratings = d.ratings;
  const flags = Object.fromEntries(Object.entries(d.flags).filter(([, v]) => v.length));
  if (Object.keys(flags).length) p.flags = flags;
  if (schema.rationale !== "hidden" && d.rationale.trim()) p.rationale = d.rationale;
  return p;
}

export function checkDraft(schema: ProjectJudgmentSchema, d: Draft, slotCount: number): PayloadCheck {
  if (schema.type === "ranking" && !d.ranked) {
    return { ok: false, error: "ranking: put the responses in order first (select with 1–8, move with ↑ ↓, or drag)" };
  }
  // Nothing chosen yet: say so in words, with the keys (the API's field error stays technical).
  if (schema.type === "pairwise" && d.choice === undefined && d.strength === undefined) return { ok: false, error: nothingChosenMessage(schema) };
  return validatePayload(schema, toPayload(schema, d), slotCount);
}

/** Moves a slot one place up (-1) or down (+1); a tied slot first leaves its group. */
export function moveSlot(ranking: string[][], slot: string, dir: -1 | 1): string[][] {
  const out = ranking.map((g) => g.slice());
  const gi = out.findIndex((g) => g.includes(slot));
  if (gi < 0) return ranking;
  if (out[gi].length > 1) {
    out[gi] = out[gi].filter((s) => s !== slot);
    out.splice(dir < 0 ? gi : gi + 1, 0, [slot]);
    return out;
  }
  const target = gi + dir;
  if (target < 0 || target >= out.length) return ranking;
  [out[gi], out[target]] = [out[target], out[gi]];
  return out;
}

/** Puts a slot alone at a place in the order (drag and drop onto another response's place). */
export function placeSlot(ranking: string[][], slot: string, beforeSlot: string): string[][] {
  if (slot === beforeSlot) return ranking;
  const fromIndex = ranking.findIndex((g) => g.includes(slot));
  const toIndex = ranking.findIndex((g) => g.includes(beforeSlot));
  const without = ranking.map((g) => g.filter((s) => s !== slot)).filter((g) => g.length);
  let at = without.findIndex((g) => g.includes(beforeSlot));
  // Dragging downwards drops below the target, upwards above it.
  if (fromIndex < toIndex) at += 1;
  without.splice(at, 0, [slot]);
  return without;
}

/** Ties a slot with the place above it, or unties it when it already shares a place. */
export function toggleTie(ranking: string[][], slot: string): string[][] {
  const out = ranking.map((g) => g.slice());
  const gi = out.findIndex((g) => g.includes(slot));
  if (gi < 0) return ranking;
  if (out[gi].length > 1) {
    out[gi] = out[gi].filter((s) => s !== slot);
    out.splice(gi + 1, 0, [slot]);
    return out;
  }
  if (gi === 0) return ranking;
  out[gi - 1].push(slot);
  out.splice(gi, 1);
  return out;
}

export function toggleFlag(flags: Record<string, string[]>, slot: string, key: string): Record<string, string[]> {
  const now = flags[slot] ?? [];
  return { ...flags, [slot]: now.includes(key) ? now.filter((k) => k !== key) : [...now, key] };
}

/** One rating scale on screen: a criterion of one response. */
export interface RatingScale {
  slot: string;
  criterion: ProjectJudgmentSchema["criteria"][number];
}

/** Every rating scale in keyboard order: response A's criteria, then B's, and so on. */
export function ratingScales(schema: ProjectJudgmentSchema, slotCount: number): RatingScale[] {
  return slotsOf(slotCount).flatMap((slot) => schema.criteria.map((criterion) => ({ slot, criterion })));
}

/**
 * The scale a digit rates in a rating project: the one the annotator moved to, else the first one
 * still without a rating; none once every scale is rated (Enter then submits).
 */
export function currentScale(schema: ProjectJudgmentSchema, draft: Draft, slotCount: number): RatingScale | undefined {
  if (schema.type !== "rating") return undefined;
  const scales = ratingScales(schema, slotCount);
  if (draft.scale !== undefined) return scales[draft.scale];
  return scales.find((s) => draft.ratings[s.slot]?.[s.criterion.key] === undefined);
}

/** The value a digit key gives on a scale: the digit itself when in range, 0 meaning 10 on a scale that has 10 but not 0. */
export function digitValue(key: string, criterion: { min: number; max: number }): number | undefined {
  if (!/^[0-9]$/.test(key)) return undefined;
  const d = Number(key);
  if (d >= criterion.min && d <= criterion.max) return d;
  if (d === 0 && criterion.min > 0 && criterion.max >= 10 && criterion.min <= 10) return 10;
  return undefined;
}

/** Moves the keyboard's scale by one (wrapping around), starting from the current one. */
export function moveScale(schema: ProjectJudgmentSchema, draft: Draft, slotCount: number, dir: -1 | 1): number | undefined {
  const scales = ratingScales(schema, slotCount);
  if (!scales.length) return undefined;
  const now = currentScale(schema, draft, slotCount);
  const at = now ? scales.findIndex((s) => s.slot === now.slot && s.criterion.key === now.criterion.key) : dir > 0 ? -1 : 0;
  return (at + dir + scales.length) % scales.length;
}

export function setRating(ratings: Draft["ratings"], slot: string, key: string, value: number): Draft["ratings"] {
  return { ...ratings, [slot]: { ...ratings[slot], [key]: value } };
}

export const STRENGTH_LABELS: Record<number, string> = {
  [-3]: "A much better",
  [-2]: "A better",
  [-1]: "A slightly better",
  0: "About the same",
  1: "B slightly better",
  2: "B better",
  3: "B much better",
};

/** Upper-cased as on the key badges. */
const keyOf = (value: Choice) => PAIRWISE_CHOICES.find((c) => c.value === value)!.keys[1].toUpperCase();

/**
 * What Enter with nothing chosen says, from the same key data as the shortcuts and the help overlay:
 * "Choose a response first: press A or B, T for a tie, or X if both are bad."
 */
export function nothingChosenMessage(schema: ProjectJudgmentSchema): string {
  const bothBad = schema.allow_both_bad ? `X if both are bad` : null;
  if (schema.strength) {
    const scale = `press 1 to 7 (1: ${STRENGTH_LABELS[-3]}, 7: ${STRENGTH_LABELS[3]})`;
    return `Choose how the responses compare first: ${bothBad ? `${scale}, or ${bothBad}` : scale}.`;
  }
  const extras = pairwiseChoices(schema)
    .filter((c) => c.value === "tie" || c.value === "both_bad")
    .map((c) => (c.value === "tie" ? `${keyOf("tie")} for a tie` : `${keyOf("both_bad")} if both are bad`));
  const ab = `${keyOf("A")} or ${keyOf("B")}`;
  const keys = extras.length === 0 ? ab : `${[ab, ...extras.slice(0, -1)].join(", ")}, or ${extras[extras.length - 1]}`;
  return `Choose a response first: press ${keys}.`;
}
