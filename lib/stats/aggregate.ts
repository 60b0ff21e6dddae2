// Turns the judgments on one item into a decision. Pure: plain values in, plain values out, shared
// by every export format.

export interface MajorityOptions {
  /** The winner needs at least this many votes (default 1). */
  minVotes?: number;
}

export interface MajorityDecision<K> {
  winner: K;
  votes: number;
  total: number;
}

/**
 * The candidate with a strict majority of all votes on the item, or null. A vote is the winning
 * candidate's key, or null for a tie or "both bad": those count in the total and so can prevent a
 * majority, but never win one.
 */
export function majorityWinner<K>(votes: readonly (K | null)[], options: MajorityOptions = {}): MajorityDecision<K> | null {
  const minVotes = Math.max(1, options.minVotes ?? 1);
  const counts = new Map<K, number>();
  for (const v of votes) if (v !== null) counts.set(v, (counts.get(v) ?? 0) + 1);
  for (const [winner, n] of counts) {
    if (n * 2 > votes.length && n >= minVotes) return { winner, votes: n, total: votes.length };
  }
  return null;
}
