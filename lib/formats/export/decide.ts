// The middle step of an export: one item with its candidates and judgments (as the reader in
// lib/services/exporter.ts decoded it) and the options in, the rows of the chosen format out, with
// what the item adds to the run's counts. Pure: every decision goes through lib/stats/aggregate.ts,
// and every pairwise outcome is put in the item's own order by lib/formats/verdict.ts.
import type { JudgmentType, StoredJudgment } from "../judgment";
import type { Choice, Prompt } from "../record";
import { verdictOfChoice, type Verdict } from "../verdict";
import { percentAgreement } from "@/lib/stats/agreement";
import { aggregateItem, DROP_REASONS, ratingScore, splitOf, unitHash, type DropReason, type SplitSpec, type Vote } from "@/lib/stats/aggregate";
import { EXPORT_FORMATS, formatPair, sftRow, trlKtoRow, type PairFormatName } from "./index";
import type { ExportOptions } from "./options-schema";

export interface ExportCandidate {
  id: number;
  content: string;
  model: string | null;
}

export interface ExportJudgment {
  id: number;
  annotatorId: number;
  /** The annotator as the export names them: a pseudonym, or the email with revealAnnotators. */
  annotator: string;
  type: JudgmentType;
  /** Slot terms: what the annotator picked on screen. */
  choice: Choice | null;
  winnerId: number | null;
  /** Candidate ids in the order shown (slot A first). */
  slotOrder: number[];
  payload: StoredJudgment | null;
  gold: boolean;
  imported: boolean;
  durationMs: number | null;
  rationale: string | null;
  createdAt: number;
}

/** An AI judge's verdict on the item (read only with includeAiJudgments). */
export interface ExportAiJudgment {
  id: number;
  judge: string;
  /** In the item's own order. */
  verdict: Verdict;
  positionConsistent: boolean;
  /** The judge's full answers with the item shown as it is and swapped. */
  answers: { as_shown: string; swapped: string };
  latencyMs: number;
  createdAt: number;
}

/** One item as an export reads it. */
export interface ExportItem {
  id: number;
  externalId: string;
  prompt: Prompt;
  /** The prompt as stored (JSON text): what a split hashes. */
  promptKey: string;
  gold: boolean;
  /** In the item's own order (position 0 first). */
  candidates: ExportCandidate[];
  judgments: ExportJudgment[];
  /** A manager's label, in the item's order (a verdict), with its winning candidate. */
  adjudication: { verdict: Verdict; winnerId: number | null } | null;
  /** With includeAiJudgments: the judges' verdicts, by judge name. */
  aiJudgments?: ExportAiJudgment[];
}

/** What decide needs beside the options: the split, and the scale of each rating criterion. */
export interface DecideContext {
  options: ExportOptions;
  split?: SplitSpec;
  /** criterion key → its scale, from the project's judgment schema. */
  scales?: Readonly<Record<string, { min: number; max: number }>>;
  /** Pooled agreement is measured only when a dataset card will show it. */
  withAgreement?: boolean;
}

export interface ExportRow {
  split: string;
  row: Record<string, unknown>;
}

/** What one export run kept and dropped, by rule; the dry run prints it, the dataset card uses it. */
export interface ExportCounts {
  items: number;
  /** Items written (at least one row). */
  kept_items: number;
  rows: number;
  dropped: Record<DropReason, number>;
  gold_items_excluded: number;
  gold_judgments_excluded: number;
  adjudicated_items: number;
  judgments: number;
  splits: Record<string, number>;
  /** Rows (pairs, KTO or SFT rows) left out because a side was empty; keepEmpty keeps them. */
  left_out_empty: number;
  agreement: { percent: number | null; n_pairs: number; n_items: number };
}

export function emptyCounts(): ExportCounts {
  return {
    items: 0,
    kept_items: 0,
    rows: 0,
    dropped: Object.fromEntries(DROP_REASONS.map((r) => [r, 0])) as Record<DropReason, number>,
    gold_items_excluded: 0,
    gold_judgments_excluded: 0,
    adjudicated_items: 0,
    judgments: 0,
    splits: {},
    left_out_empty: 0,
    agreement: { percent: null, n_pairs: 0, n_items: 0 },
  };
}

/** The rows of one item, and what it adds to the counts. */
export interface ItemOutcome {
  rows: ExportRow[];
  goldItem: boolean;
  goldJudgments: number;
  judgments: number;
  adjudicated: boolean;
  dropped?: DropReason;
  /** Rows left out because a side was empty. */
  leftOutEmpty: number;
  agreement?: { percent: number | null; n_pairs: number; n_items: number };
}

/** Adds one item's outcome to the run's counts. */
export function count(counts: ExportCounts, outcome: ItemOutcome): void {
  counts.items++;
  if (outcome.goldItem) {
    counts.gold_items_excluded++;
    return;
  }
  counts.gold_judgments_excluded += outcome.goldJudgments;
  counts.judgments += outcome.judgments;
  if (outcome.adjudicated) counts.adjudicated_items++;
  if (outcome.dropped) counts.dropped[outcome.dropped]++;
  if (outcome.rows.length) counts.kept_items++;
  counts.left_out_empty += outcome.leftOutEmpty;
  for (const { split } of outcome.rows) {
    counts.rows++;
    counts.splits[split] = (counts.splits[split] ?? 0) + 1;
  }
  const a = outcome.agreement;
  if (a && a.n_pairs) {
    const agreeing = (counts.agreement.percent ?? 0) * counts.agreement.n_pairs + (a.percent ?? 0) * a.n_pairs;
    counts.agreement.n_pairs += a.n_pairs;
    counts.agreement.n_items += a.n_items;
    counts.agreement.percent = agreeing / counts.agreement.n_pairs;
  }
}

/** The verdict of a pairwise judgment (item order), or null for other types. */
function judgmentVerdict(j: ExportJudgment, candidateIds: readonly number[]): Verdict | null {
  return j.choice ? verdictOfChoice(j.choice, j.slotOrder, candidateIds) : null;
}

/**
 * A stored payload in the item's frame, as the raw export writes it: `choice` (slot terms) becomes
 * `verdict`, and `strength` takes the item's sign (negative: the item's first candidate is better),
 * flipped where the annotator saw the two candidates in the other order. Stored data is unchanged.
 */
function payloadInItemOrder(payload: StoredJudgment | null, verdict: Verdict | null): Record<string, unknown> | null {
  if (!payload) return null;
  const { choice, strength, ...rest } = payload;
  const out: Record<string, unknown> = { ...rest };
  if (choice !== undefined) out.verdict = verdict;
  if (strength !== undefined) {
    const flipped = (choice === "A" || choice === "B") && verdict !== null && verdict !== choice;
    out.strength = flipped ? -strength : strength;
  }
  return out;
}

/** A judgment reduced to what aggregation needs. */
function voteOf(j: ExportJudgment, scales: DecideContext["scales"]): Vote<number> {
  const p = j.payload;
  if (j.type === "ranking" && p?.ranking) return { kind: "ranking", ranking: p.ranking };
  if (j.type === "rating" && p?.ratings) return { kind: "rating", scores: scoresOf(p.ratings, scales) };
  if (j.type === "pairwise" || (j.type !== "demonstration" && j.choice)) {
    if (!j.choice && p?.ratings) return { kind: "rating", scores: scoresOf(p.ratings, scales) };
    const vote: Vote<number> = { kind: "pairwise", winner: j.winnerId, pair: [j.slotOrder[0], j.slotOrder[1]], bothBad: j.choice === "both_bad" };
    if (p?.strength !== undefined) vote.strength = Math.abs(p.strength);
    return vote;
  }
  return { kind: "none" };
}

function scoresOf(ratings: Record<string, Record<string, number>>, scales: DecideContext["scales"]): Map<number, number> {
  const scores = new Map<number, number>();
  for (const [candidate, byCriterion] of Object.entries(ratings)) {
    const score = ratingScore(byCriterion, scales);
    if (score !== null) scores.set(Number(candidate), score);
  }
  return scores;
}

/** Pairwise percent agreement among the item's judgments, on verdicts (lib/stats/agreement.ts). */
function agreementOf(item: ExportItem, judgments: readonly ExportJudgment[], ids: readonly number[]): ItemOutcome["agreement"] {
  const pairwise = judgments
    .filter((j) => j.choice !== null)
    .map((j) => ({ item: String(item.id), annotator: String(j.annotatorId), verdict: judgmentVerdict(j, ids) ?? "tie" }));
  if (pairwise.length < 2) return undefined;
  return percentAgreement(pairwise);
}

/** Decides one item: its rows in the chosen format and what it adds to the counts. */
export function decideItem(item: ExportItem, ctx: DecideContext): ItemOutcome {
  const outcome = decideRows(item, ctx);
  // An item that would have had rows but for empty responses is dropped for that reason.
  if (outcome.rows.length === 0 && outcome.leftOutEmpty > 0 && !outcome.dropped) outcome.dropped = "empty_response";
  return outcome;
}

function decideRows(item: ExportItem, ctx: DecideContext): ItemOutcome {
  const { options } = ctx;
  const outcome: ItemOutcome = { rows: [], goldItem: false, goldJudgments: 0, judgments: 0, adjudicated: false, leftOutEmpty: 0 };
  /** True (and counted) when a row would carry an empty text, which an export leaves out unless keepEmpty. */
  const leftOut = (...texts: string[]): boolean => {
    if (options.keepEmpty || texts.every((t) => t.trim() !== "")) return false;
    outcome.leftOutEmpty++;
    return true;
  };
  if (item.gold && !options.includeGold) return { ...outcome, goldItem: true };
  const judgments = options.includeGold ? item.judgments : item.judgments.filter((j) => !j.gold);
  outcome.goldJudgments = item.judgments.length - judgments.length;
  // AI verdicts only when asked for, and only on an item of two candidates (the pair a judge compares).
  const ai = options.includeAiJudgments && item.candidates.length === 2 ? (item.aiJudgments ?? []) : [];
  if (judgments.length === 0 && ai.length === 0) return { ...outcome, dropped: "no_votes" };
  outcome.judgments = judgments.length;
  outcome.adjudicated = item.adjudication !== null;
  const ids = item.candidates.map((c) => c.id);
  if (ctx.withAgreement) outcome.agreement = agreementOf(item, judgments, ids);
  const split = ctx.split ? splitOf(item.promptKey, ctx.split) : "train";
  const emit = (row: object) => outcome.rows.push({ split, row: row as Record<string, unknown> });

  if (options.format === "raw") {
    const modelOf = new Map(item.candidates.map((c) => [c.id, c.model]));
    for (const j of judgments) emit(options.includeAiJudgments ? { ...rawRow(item, j, ids, modelOf), ...HUMAN_SOURCE } : rawRow(item, j, ids, modelOf));
    for (const v of ai) emit(aiRawRow(item, v, ids, modelOf));
    return outcome;
  }

  const byId = new Map(item.candidates.map((c) => [c.id, c]));
  const adj = item.adjudication;
  const decision = aggregateItem(
    ids,
    [...judgments.map((j) => voteOf(j, ctx.scales)), ...ai.map((v) => aiVote(v, ids))],
    {
      policy: options.policy,
      minVotes: options.minVotes,
      minAgreement: options.minAgreement,
      ties: options.ties,
      ratingPairs: options.ratingPairs,
      rankingPairs: options.rankingPairs,
      random: options.ratingPairs === "best-vs-random" ? unitHash(String(item.id), options.seed) : undefined,
    },
    adj ? { verdict: adj.verdict, winner: adj.winnerId } : null,
  );
  const { prompt, externalId: itemId } = item;
  const kind = EXPORT_FORMATS[options.format].kind;

  if (kind === "sft") {
    for (const j of judgments) {
      for (const text of [j.payload?.demonstration, j.payload?.rewrite]) if (text && text.trim()) emit(sftRow({ itemId, prompt, completion: text }, options));
    }
    if (options.sftWinners && decision.outcome === "pairs" && decision.agreement === 1) {
      const winner = byId.get(decision.pairs[0].chosen);
      if (winner && !leftOut(winner.content)) emit(sftRow({ itemId, prompt, completion: winner.content, model: winner.model ?? undefined }, options));
    }
    if (!outcome.rows.length && decision.outcome === "dropped") outcome.dropped = decision.reason;
    return outcome;
  }
  if (decision.outcome === "dropped") return { ...outcome, dropped: decision.reason };
  if (decision.outcome === "both_bad") {
    if (kind !== "unpaired" || options.bothBad !== "negatives") return { ...outcome, dropped: "both_bad" };
    for (const id of decision.candidates) {
      const completion = byId.get(id)!.content;
      if (!leftOut(completion)) emit(trlKtoRow({ itemId, prompt, completion, label: false }, options));
    }
    return outcome;
  }
  if (kind === "unpaired") {
    const chosen = new Set(decision.pairs.map((p) => p.chosen));
    const rejected = new Set(decision.pairs.map((p) => p.rejected).filter((id) => !chosen.has(id)));
    for (const [set, label] of [[chosen, true], [rejected, false]] as const) {
      for (const id of set) {
        const completion = byId.get(id)!.content;
        if (!leftOut(completion)) emit(trlKtoRow({ itemId, prompt, completion, label }, options));
      }
    }
    return outcome;
  }
  for (const p of decision.pairs) {
    const chosen = byId.get(p.chosen);
    const rejected = byId.get(p.rejected);
    if (!chosen || !rejected || leftOut(chosen.content, rejected.content)) continue;
    const pair = { itemId, prompt, chosen: chosen.content, rejected: rejected.content, chosenModel: chosen.model ?? undefined, rejectedModel: rejected.model ?? undefined, margin: p.margin };
    emit(formatPair(options.format as PairFormatName, pair, { conversational: options.conversational }));
  }
  return outcome;
}

/** One row of the raw format: a judgment with its ids, models, display order and item-order payload. */
function rawRow(item: ExportItem, j: ExportJudgment, ids: readonly number[], modelOf: ReadonlyMap<number, string | null>): Record<string, unknown> {
  const verdict = judgmentVerdict(j, ids);
  return {
    judgment_id: j.id,
    item_id: item.id,
    item_external_id: item.externalId,
    annotator: j.annotator,
    type: j.type,
    choice: j.choice,
    verdict,
    winner_candidate_id: j.winnerId,
    winner_model: j.winnerId !== null ? (modelOf.get(j.winnerId) ?? null) : null,
    candidate_ids: ids,
    models: item.candidates.map((c) => c.model),
    display_order: j.slotOrder,
    payload: payloadInItemOrder(j.payload, verdict),
    rationale: j.rationale,
    duration_ms: j.durationMs,
    imported: j.imported,
    gold: j.gold,
    adjudicated: item.adjudication !== null,
    adjudication: item.adjudication ? { verdict: item.adjudication.verdict, winner_candidate_id: item.adjudication.winnerId } : null,
    created_at: new Date(j.createdAt).toISOString(),
  };
}

/** What a human judgment's raw row says about its source once AI verdicts share the file. */
const HUMAN_SOURCE = { source: "human", judge: null, ai_judgment_id: null, position_consistent: null, judge_answers: null };

/** An AI verdict as one pairwise vote between the item's two candidates (a tie names no winner). */
function aiVote(v: ExportAiJudgment, ids: readonly number[]): Vote<number> {
  return { kind: "pairwise", winner: v.verdict === "A" ? ids[0] : v.verdict === "B" ? ids[1] : null, pair: [ids[0], ids[1]], bothBad: false };
}

/** An AI verdict's raw row: the raw columns (no judgment id, annotator or display order) and where it comes from. */
function aiRawRow(item: ExportItem, v: ExportAiJudgment, ids: readonly number[], modelOf: ReadonlyMap<number, string | null>): Record<string, unknown> {
  const winner = v.verdict === "A" ? ids[0] : v.verdict === "B" ? ids[1] : null;
  return {
    judgment_id: null,
    item_id: item.id,
    item_external_id: item.externalId,
    annotator: null,
    type: "pairwise",
    choice: null,
    verdict: v.verdict,
    winner_candidate_id: winner,
    winner_model: winner !== null ? (modelOf.get(winner) ?? null) : null,
    candidate_ids: ids,
    models: item.candidates.map((c) => c.model),
    display_order: null,
    payload: null,
    rationale: null,
    duration_ms: v.latencyMs,
    imported: false,
    gold: false,
    adjudicated: item.adjudication !== null,
    adjudication: item.adjudication ? { verdict: item.adjudication.verdict, winner_candidate_id: item.adjudication.winnerId } : null,
    created_at: new Date(v.createdAt).toISOString(),
    source: "judge",
    judge: v.judge,
    ai_judgment_id: v.id,
    position_consistent: v.positionConsistent,
    judge_answers: v.answers,
  };
}
