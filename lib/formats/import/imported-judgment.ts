// Judgments made elsewhere, carried by import records: checked against the judgment API's payload
// (lib/formats/judgment.ts) with A, B, C … naming the record's responses in its own order, then
// turned into the stored form in candidate terms.
import { FormatError } from "../errors";
import { choiceOfStrength, judgmentPayloadSchema, SLOT_LABELS, toStored, type JudgmentPayload, type JudgmentType, type StoredJudgment } from "../judgment";
import type { Choice, ImportedJudgment } from "../record";

/** Throws a FormatError at `field`, the path inside the annotation (e.g. `ranking[0][1]`; "" = the annotation). */
function fail(field: string, detail: string): never {
  throw new FormatError(detail, { field });
}

const PAYLOAD_KEYS = ["choice", "strength", "ranking", "ratings", "flags", "rewrite", "demonstration", "rationale"] as const;

/**
 * Checks one annotation: the payload as the judgment API takes it, slots within the record's
 * responses, a strength that agrees with the choice, and at least one judgment in it. Returns the
 * annotation with its payload parsed; unknown keys stay (they are kept in nothing but the file).
 */
export function readImportedJudgment(a: Record<string, unknown> & { annotator: string }, responseCount: number): ImportedJudgment {
  const payload: Record<string, unknown> = {};
  for (const key of PAYLOAD_KEYS) if (a[key] !== undefined && a[key] !== null) payload[key] = a[key];
  const parsed = judgmentPayloadSchema.safeParse(payload);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    fail(issue.path.map((p) => (typeof p === "number" ? `[${p}]` : `.${String(p)}`)).join("").replace(/^\./, ""), issue.message);
  }
  const p = parsed.data;
  const slots = SLOT_LABELS.slice(0, responseCount) as readonly string[];
  const checkSlot = (slot: string, field: string) => {
    if (!slots.includes(slot)) fail(field, `slot ${slot} does not exist: the record has ${responseCount} responses (${slots.join(", ")})`);
  };
  if (p.choice && (p.choice === "A" || p.choice === "B")) checkSlot(p.choice, "choice");
  p.ranking?.forEach((group, i) => group.forEach((slot, j) => checkSlot(slot, `ranking[${i}][${j}]`)));
  if (p.ranking) {
    const seen = p.ranking.flat();
    if (new Set(seen).size !== seen.length) fail("ranking", "a response appears twice in the ranking");
  }
  for (const slot of Object.keys(p.ratings ?? {})) checkSlot(slot, `ratings.${slot}`);
  for (const slot of Object.keys(p.flags ?? {})) checkSlot(slot, `flags.${slot}`);
  if (p.strength !== undefined && p.choice) {
    const agrees = p.choice === "A" ? p.strength < 0 : p.choice === "B" ? p.strength > 0 : p.choice === "both_bad" || p.strength === 0;
    if (!agrees) {
      fail("strength", `${p.strength} disagrees with choice ${p.choice} (negative: A is better, positive: B is better, 0: tie)`);
    }
  }
  if (p.choice === undefined && p.strength === undefined && !p.ranking && !p.ratings && !p.demonstration) {
    fail("", "carries no judgment: give a choice, strength, ranking, ratings or demonstration");
  }
  if (a.duration_ms !== undefined && (typeof a.duration_ms !== "number" || !Number.isInteger(a.duration_ms) || a.duration_ms < 0)) {
    fail("duration_ms", "expected a whole number of milliseconds");
  }
  return { ...a, ...p } as ImportedJudgment;
}

export interface StoredImportedJudgment {
  type: JudgmentType;
  /** The pairwise choice in the record's terms (A = its first response), or null. */
  choice: Choice | null;
  winnerCandidateId: number | null;
  payload: StoredJudgment;
  rationale: string | null;
  durationMs: number | null;
}

/** An annotation in stored form; `candidateIds` are the record's responses in order (= the slot order). */
export function storedImportedJudgment(a: ImportedJudgment, candidateIds: readonly number[]): StoredImportedJudgment {
  const p = a as ImportedJudgment & JudgmentPayload & { duration_ms?: number };
  let choice: Choice | null = p.choice ?? null;
  if (!choice && p.strength !== undefined) choice = choiceOfStrength(p.strength);
  const type: JudgmentType = p.ranking ? "ranking" : choice ? "pairwise" : p.ratings ? "rating" : "demonstration";
  const { rationale: _r, ...rest } = pick(p);
  const payload = toStored(type, choice ? { ...rest, choice } : rest, [...candidateIds]);
  const winner = payload.winner ?? null;
  return {
    type,
    choice: type === "pairwise" ? choice : null,
    winnerCandidateId: type === "pairwise" ? winner : null,
    payload,
    rationale: p.rationale?.trim() || null,
    durationMs: typeof p.duration_ms === "number" ? p.duration_ms : null,
  };
}

function pick(a: Record<string, unknown>): JudgmentPayload {
  const out: Record<string, unknown> = {};
  for (const key of PAYLOAD_KEYS) if (a[key] !== undefined && a[key] !== null) out[key] = a[key];
  return out as JudgmentPayload;
}
