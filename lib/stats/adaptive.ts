// Adaptive overlap as pure functions over an item's verdicts in recorded order: how many judgments an
// item needs under a stopping rule, the label its judgments give, the replay behind `arbiter simulate`
// and the dashboard's figures. The claim and submit paths (lib/services/adaptive.ts) and the replay
// share judgmentsNeeded, so the simulation is the rule the server applies.
import type { Verdict } from "@/lib/formats/verdict";

/** A project's stopping rule: ask at least `min` and at most `max` judgments per item. */
export interface AdaptiveRule {
  min: number;
  max: number;
  /** Also stop once the leading verdict's share reaches this (0.5 < R ≤ 1); null: only unanimity stops early. */
  stopAgreement: number | null;
}

/** A judgment's verdict (lib/formats/verdict.ts), or null for a judgment without one (not pairwise). */
export type VerdictVote = Verdict | null;

/** Judgments per verdict and the largest count; null votes count in the total but never agree. */
function tallyOf(votes: readonly VerdictVote[]): { total: number; top: number; topVerdict: Verdict | null; tied: boolean } {
  const counts = new Map<Verdict, number>();
  for (const v of votes) if (v !== null) counts.set(v, (counts.get(v) ?? 0) + 1);
  let top = 0;
  let topVerdict: Verdict | null = null;
  let tied = false;
  for (const [v, n] of counts) {
    if (n > top) [top, topVerdict, tied] = [n, v, false];
    else if (n === top) tied = true;
  }
  return { total: votes.length, top, topVerdict, tied };
}

/**
 * Whether these judgments (at least the rule's min of them) end the item: all give the same verdict,
 * or the leading verdict's share is at least the rule's stopAgreement. Ties and both_bad are verdicts
 * like A and B; a judgment without a verdict agrees with nothing.
 */
export function meetsStopRule(votes: readonly VerdictVote[], rule: AdaptiveRule): boolean {
  if (votes.length < rule.min || votes.length === 0) return false;
  const { total, top } = tallyOf(votes);
  if (top === total) return true;
  return rule.stopAgreement !== null && top / total >= rule.stopAgreement;
}

/**
 * How many judgments an item needs, given its judgments so far in recorded order: the first k
 * (min ≤ k ≤ max) whose first k judgments meet the stopping rule, or one more than it has while none
 * does, never more than max. Below min it is min. An item is finished when it has this many.
 */
export function judgmentsNeeded(votes: readonly VerdictVote[], rule: AdaptiveRule): number {
  for (let k = rule.min; k <= rule.max; k++) {
    if (k > votes.length) return k;
    if (meetsStopRule(votes.slice(0, k), rule)) return k;
  }
  return rule.max;
}

/**
 * The label of an item's judgments: the verdict given by more than half of them (the adjudication
 * queue's "majority"); null when no verdict has a strict majority (a tie between verdicts, or no
 * judgments).
 */
export function labelOf(votes: readonly VerdictVote[]): Verdict | null {
  const { total, top, topVerdict } = tallyOf(votes);
  return total > 0 && top * 2 > total ? topVerdict : null;
}

/** What `arbiter simulate` reports (its --json keys). */
export interface ReplayResult {
  /** Items replayed: the non-gold items with at least one judgment. */
  items: number;
  /** Judgments recorded on them (full overlap). */
  judgments_full: number;
  /** Judgments the rule would have asked for, replaying each item's judgments in recorded order. */
  judgments_used: number;
  /** judgments_full − judgments_used. */
  saved: number;
  /**
   * Items whose label under the rule (the majority of the judgments it used) differs from the label of
   * all their judgments. A label against no label counts as a change, either way; two "no label"s do not.
   */
  labels_changed: number;
}

/**
 * Replays each item's judgments in recorded order under a rule: the rule stops an item after
 * judgmentsNeeded of them (or all of them, when it has fewer). Items without judgments are left out.
 */
export function replayOverlap(itemVotes: Iterable<readonly VerdictVote[]>, rule: AdaptiveRule): ReplayResult {
  const tally = replayTally(rule);
  for (const votes of itemVotes) tally.add(votes);
  return tally.result();
}

/** replayOverlap fed one item at a time (items streamed from the database), for the same result. */
export function replayTally(rule: AdaptiveRule): { add(votes: readonly VerdictVote[]): void; result(): ReplayResult } {
  const r: ReplayResult = { items: 0, judgments_full: 0, judgments_used: 0, saved: 0, labels_changed: 0 };
  return {
    add(votes) {
      if (votes.length === 0) return;
      const used = Math.min(votes.length, judgmentsNeeded(votes, rule));
      r.items++;
      r.judgments_full += votes.length;
      r.judgments_used += used;
      if (labelOf(votes.slice(0, used)) !== labelOf(votes)) r.labels_changed++;
    },
    result() {
      return { ...r, saved: r.judgments_full - r.judgments_used };
    },
  };
}

/** The dashboard's adaptive-overlap figures (`adaptive` in the stats JSON). */
export interface AdaptiveFigures {
  min: number;
  max: number;
  stop_agreement: number | null;
  /** Non-gold items. */
  items: number;
  /** Items whose judgments met the stopping rule before max, and items that went to max. */
  stopped_early: number;
  reached_max: number;
  /** Judgments recorded on non-gold items. */
  judgments: number;
  /** What a fixed overlap of max would spend on the same items: items × max. */
  fixed_judgments: number;
  /** judgments / fixed_judgments; null without items. */
  spent_share: number | null;
  /** Finished items (as many judgments as they need) with a majority label, and those without (adjudication). */
  labeled: number;
  no_majority: number;
  /** Mean share of the leading verdict over finished items with 2+ judgments; null when there are none. */
  label_agreement: number | null;
}

/**
 * Figures of a project under adaptive overlap, from each non-gold item's votes in recorded order and
 * the extra judgments a manager asked for on it.
 */
export function adaptiveFigures(itemVotes: Iterable<{ votes: readonly VerdictVote[]; extra: number }>, rule: AdaptiveRule): AdaptiveFigures {
  const tally = adaptiveFiguresTally(rule);
  for (const item of itemVotes) tally.add(item);
  return tally.result();
}

/** adaptiveFigures fed one item at a time (items streamed from the database), for the same result. */
export function adaptiveFiguresTally(rule: AdaptiveRule): { add(item: { votes: readonly VerdictVote[]; extra: number }): void; result(): AdaptiveFigures } {
  const f: AdaptiveFigures = {
    min: rule.min,
    max: rule.max,
    stop_agreement: rule.stopAgreement,
    items: 0,
    stopped_early: 0,
    reached_max: 0,
    judgments: 0,
    fixed_judgments: 0,
    spent_share: null,
    labeled: 0,
    no_majority: 0,
    label_agreement: null,
  };
  let shareSum = 0;
  let shareItems = 0;
  return {
    add({ votes, extra }) {
      f.items++;
      f.judgments += votes.length;
      const needed = judgmentsNeeded(votes, rule);
      if (votes.length < needed + extra) return;
      if (needed < rule.max) f.stopped_early++;
      else f.reached_max++;
      if (labelOf(votes) === null) f.no_majority++;
      else f.labeled++;
      if (votes.length >= 2) {
        const { top, total } = tallyOf(votes);
        shareSum += top / total;
        shareItems++;
      }
    },
    result() {
      const fixed = f.items * rule.max;
      return { ...f, fixed_judgments: fixed, spent_share: fixed ? f.judgments / fixed : null, label_agreement: shareItems ? shareSum / shareItems : null };
    },
  };
}
