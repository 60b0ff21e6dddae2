// The two frames a pairwise outcome lives in. A *choice* is what an annotator picked among the
// slots shown on screen (A = whatever candidate was displayed first in that assignment). A
// *verdict* is the same outcome in the item's own order: A = the item's first candidate
// (position 0, the import record's first response), B = its second. Gold answers, adjudications,
// aggregation, agreement and exports all speak in verdicts; only judgments store choices.
// This module is the one place that converts; db/queries/verdict.ts is its SQL twin.
import type { Choice } from "./record";

/** A pairwise outcome in the item's own order. Same values as a choice, different frame. */
export type Verdict = Choice;

/**
 * The verdict of a pairwise judgment: tie and both_bad carry over unchanged; otherwise the winning
 * candidate's position in the item (0 → A, 1 → B). A winner outside the first two positions (a
 * pairwise judgment on an item with more candidates cannot have one) has no verdict.
 */
export function verdictOf(choice: Choice, winnerPosition: number | null | undefined): Verdict | null {
  if (choice === "tie" || choice === "both_bad") return choice;
  if (winnerPosition === 0) return "A";
  if (winnerPosition === 1) return "B";
  return null;
}

/**
 * The verdict of a choice made on screen, from the assignment's slot order (candidate ids, slot A
 * first) and the item's candidate ids in position order.
 */
export function verdictOfChoice(choice: Choice, slotOrder: readonly number[], candidateIdsByPosition: readonly number[]): Verdict | null {
  if (choice === "tie" || choice === "both_bad") return choice;
  const winner = slotOrder[choice === "A" ? 0 : 1];
  const position = candidateIdsByPosition.indexOf(winner);
  return verdictOf(choice, position < 0 ? null : position);
}

/**
 * Whether a judgment's verdict matches an item's gold verdict. The rule is exact: tie and both_bad
 * are different answers (a gold "both_bad" says neither response is acceptable; a tie says both are
 * equally good), for the gold cut-off and the dashboard's accuracy alike.
 */
export function matchesGold(verdict: Verdict | null, gold: Verdict): boolean {
  return verdict === gold;
}

/**
 * A verdict in the slots one assignment showed (the inverse of verdictOfChoice): which slot held the
 * candidate the verdict names. Feedback on a gold item speaks to the annotator in these terms.
 */
export function choiceOfVerdict(verdict: Verdict, slotOrder: readonly number[], candidateIdsByPosition: readonly number[]): Choice | null {
  if (verdict === "tie" || verdict === "both_bad") return verdict;
  const slot = slotOrder.indexOf(candidateIdsByPosition[verdict === "A" ? 0 : 1]);
  return slot === 0 ? "A" : slot === 1 ? "B" : null;
}
/** A verdict as the adjudication page says it, A and B being the item's first and second response. */
export const VERDICT_WORDS: Record<Verdict, string> = { A: "A is better", B: "B is better", tie: "Tie", both_bad: "Both bad" };
