// Turns the judgments on one item into what an export writes: preference pairs, labelled single
// responses (KTO) or nothing, with the reason. Pure: plain values in, plain values out, and the one
// aggregation every export format goes through.

// ---------------------------------------------------------------------------------------------
// Item aggregation

/** One judgment on an item, reduced to what aggregation needs. K is a candidate key (an id). */
export type Vote<K> =
  | {
      kind: "pairwise";
      /** The better candidate; null for a tie or both-bad. */
      winner: K | null;
      /** The two candidates compared (slot order), so a win names its loser. */
      pair: readonly [K, K];
      bothBad?: boolean;
      /** 0…3: how much better the winner is (the 7-point scale without its sign). */
      strength?: number;
    }
  | { kind: "ranking"; ranking: readonly (readonly K[])[] }
  /** candidate → its score over the criteria (ratingScore: each criterion on [0, 1], then averaged) */
  | { kind: "rating"; scores: ReadonlyMap<K, number> }
  | { kind: "none" };

export type Policy = "majority" | "unanimous";
export type RatingPairs = "best-vs-worst" | "best-vs-random";
export type RankingPairs = "all-pairs" | "best-vs-rest";

export interface AggregateOptions {
  policy?: Policy;
  /** The winner needs at least this many votes (default 1). */
  minVotes?: number;
  /** The winner's share of the counted votes must reach this (0…1). */
  minAgreement?: number;
  /** "include" (default): tie and both-bad votes count in the total; "exclude": they are left out. */
  ties?: "include" | "exclude";
  ratingPairs?: RatingPairs;
  rankingPairs?: RankingPairs;
  /** For best-vs-random: a number in [0, 1) per item (a seeded hash), so runs repeat. */
  random?: number;
}

/** A manager's label, a verdict (the item's own order); it decides the item whatever the votes say. */
export interface Adjudication<K> {
  verdict: "A" | "B" | "tie" | "both_bad";
  winner: K | null;
}

export const DROP_REASONS = [
  "no_votes",
  "below_min_votes",
  "no_majority",
  "not_unanimous",
  "below_min_agreement",
  "tie",
  "both_bad",
  // Not an aggregation outcome: the export leaves out an item whose every row had an empty side (lib/formats/export/decide.ts).
  "empty_response",
] as const;
export type DropReason = (typeof DROP_REASONS)[number];

export interface AggregatePair<K> {
  chosen: K;
  rejected: K;
  margin?: number;
}

export type ItemDecision<K> =
  | {
      outcome: "pairs";
      pairs: AggregatePair<K>[];
      votes: number;
      /** The winner's share of the counted votes (1 for an adjudicated item). */
      agreement: number;
      adjudicated: boolean;
    }
  /** Most judges said neither response is good: KTO negatives for every candidate. */
  | { outcome: "both_bad"; candidates: K[]; votes: number; adjudicated: boolean }
  | { outcome: "dropped"; reason: DropReason; votes: number; adjudicated: boolean };

/** Each vote's verdict for the keep/drop rule: a candidate, a tie, or both bad. */
type Verdict<K> = { winner: K } | { tie: true } | { bothBad: true };

function verdictOf<K>(vote: Vote<K>): Verdict<K> | null {
  switch (vote.kind) {
    case "pairwise":
      if (vote.winner !== null) return { winner: vote.winner };
      return vote.bothBad ? { bothBad: true } : { tie: true };
    case "ranking": {
      const top = vote.ranking[0];
      if (!top || top.length === 0) return null;
      return top.length === 1 ? { winner: top[0] } : { tie: true };
    }
    case "rating": {
      const best = bestOf(vote.scores);
      return best.length === 1 ? { winner: best[0] } : best.length ? { tie: true } : null;
    }
    case "none":
      return null;
  }
}

function bestOf<K>(scores: ReadonlyMap<K, number>): K[] {
  let max = -Infinity;
  let best: K[] = [];
  for (const [k, s] of scores) {
    if (s > max) {
      max = s;
      best = [k];
    } else if (s === max) best.push(k);
  }
  return best;
}

/**
 * Decides one item. The votes' verdicts (each judgment's winner, tie or both-bad) go through the
 * keep/drop rule (policy, minimum votes, minimum agreement, ties); a kept item becomes pairs that
 * depend on the judgment type: the pairwise winner against its loser, the best-rated against the
 * worst or a random lower-rated candidate, rankings best against the rest. Rankings with
 * `all-pairs` apply the rule to each pair of candidates instead (see rankingDecision), so an item
 * whose rankings agree on some pairs but have no common first place still gives those pairs.
 * An adjudication decides the item on its own.
 */
export function aggregateItem<K>(
  candidates: readonly K[],
  votes: readonly Vote<K>[],
  options: AggregateOptions = {},
  adjudication?: Adjudication<K> | null,
): ItemDecision<K> {
  if (adjudication) return adjudicated(candidates, votes, adjudication, options);
  if (options.rankingPairs !== "best-vs-rest" && votes.some((v) => v.kind === "ranking")) return rankingDecision(candidates, votes, options);
  let verdicts = votes.map(verdictOf).filter((v): v is Verdict<K> => v !== null);
  const n = verdicts.length;
  if (n === 0) return { outcome: "dropped", reason: "no_votes", votes: 0, adjudicated: false };

  const bothBad = verdicts.filter((v) => "bothBad" in v).length;
  const ties = verdicts.filter((v) => "tie" in v).length;
  if (bothBad * 2 > n) return { outcome: "both_bad", candidates: [...candidates], votes: n, adjudicated: false };
  if (options.ties === "exclude") verdicts = verdicts.filter((v) => "winner" in v);
  if ((options.ties !== "exclude" && ties * 2 > n) || verdicts.length === 0) return { outcome: "dropped", reason: "tie", votes: n, adjudicated: false };

  const counts = new Map<K, number>();
  for (const v of verdicts) if ("winner" in v) counts.set(v.winner, (counts.get(v.winner) ?? 0) + 1);
  let winner: K | undefined;
  let top = 0;
  for (const [k, c] of counts) if (c > top) [winner, top] = [k, c];
  const total = verdicts.length;
  if (winner === undefined) return { outcome: "dropped", reason: "tie", votes: n, adjudicated: false };
  const failed = ruleFails(top, total, options);
  if (failed) return { outcome: "dropped", reason: failed, votes: n, adjudicated: false };
  const pairs = pairsFor(candidates, votes, winner, options);
  if (pairs.length === 0) return { outcome: "dropped", reason: "tie", votes: n, adjudicated: false };
  return { outcome: "pairs", pairs, votes: n, agreement: top / total, adjudicated: false };
}

/** The keep/drop rule for `top` votes out of `total` counted ones; null when they pass. */
function ruleFails(top: number, total: number, options: AggregateOptions): DropReason | null {
  if (options.policy === "unanimous" ? top !== total : top * 2 <= total) return options.policy === "unanimous" ? "not_unanimous" : "no_majority";
  if (top < (options.minVotes ?? 1)) return "below_min_votes";
  if (options.minAgreement !== undefined && top / total < options.minAgreement) return "below_min_agreement";
  return null;
}

/** How far a pair got through the rule, to report the last rule that stopped the closest pair. */
const RULE_ORDER: DropReason[] = ["tie", "no_majority", "not_unanimous", "below_min_votes", "below_min_agreement"];

/**
 * Rankings, all pairs: for each two candidates a and b, the rankings that hold both vote a ahead,
 * b ahead, or tie (the same place). Ties count in the total unless `ties: "exclude"`. The pair
 * (a over b) is written when a's votes pass the rule (policy, minimum votes, minimum agreement)
 * against that total. The item is dropped only when no pair passes, with the reason that stopped
 * the pair that came closest.
 */
function rankingDecision<K>(candidates: readonly K[], votes: readonly Vote<K>[], options: AggregateOptions): ItemDecision<K> {
  const rankings = votes.filter((v): v is Extract<Vote<K>, { kind: "ranking" }> => v.kind === "ranking" && v.ranking.length > 0);
  const n = rankings.length;
  if (n === 0) return { outcome: "dropped", reason: "no_votes", votes: 0, adjudicated: false };
  const position = rankings.map((r) => {
    const m = new Map<K, number>();
    r.ranking.forEach((group, i) => group.forEach((k) => m.set(k, i)));
    return m;
  });
  const pairs: AggregatePair<K>[] = [];
  let agreement = 1;
  let closest: DropReason = "tie";
  for (const a of candidates) {
    for (const b of candidates) {
      if (a === b) continue;
      let ahead = 0;
      let tied = 0;
      let behind = 0;
      for (const m of position) {
        const pa = m.get(a);
        const pb = m.get(b);
        if (pa === undefined || pb === undefined) continue;
        if (pa < pb) ahead++;
        else if (pa === pb) tied++;
        else behind++;
      }
      if (ahead === 0) continue;
      const total = ahead + behind + (options.ties === "exclude" ? 0 : tied);
      const failed = ruleFails(ahead, total, options);
      if (failed) {
        if (RULE_ORDER.indexOf(failed) > RULE_ORDER.indexOf(closest)) closest = failed;
        continue;
      }
      pairs.push({ chosen: a, rejected: b });
      agreement = Math.min(agreement, ahead / total);
    }
  }
  if (pairs.length === 0) return { outcome: "dropped", reason: closest, votes: n, adjudicated: false };
  return { outcome: "pairs", pairs, votes: n, agreement, adjudicated: false };
}

function adjudicated<K>(candidates: readonly K[], votes: readonly Vote<K>[], adj: Adjudication<K>, options: AggregateOptions): ItemDecision<K> {
  const n = votes.length;
  if (adj.verdict === "both_bad") return { outcome: "both_bad", candidates: [...candidates], votes: n, adjudicated: true };
  if (adj.winner === null || !candidates.includes(adj.winner)) return { outcome: "dropped", reason: "tie", votes: n, adjudicated: true };
  const winner = adj.winner;
  const pairs =
    candidates.length === 2
      ? [{ chosen: winner, rejected: candidates.find((c) => c !== winner)!, ...marginOf(votes, winner, options) }]
      : candidates.filter((c) => c !== winner).map((rejected) => ({ chosen: winner, rejected }));
  return { outcome: "pairs", pairs, votes: n, agreement: 1, adjudicated: true };
}

/**
 * Pairwise: the mean strength toward the chosen side (votes for the other side count negative).
 * Tie and both-bad votes count as 0 in the mean, unless `ties: "exclude"` leaves them out of the
 * margin as it leaves them out of the vote count.
 */
function marginOf<K>(votes: readonly Vote<K>[], chosen: K, options: AggregateOptions): { margin?: number } {
  let sum = 0;
  let counted = 0;
  let any = false;
  for (const v of votes) {
    if (v.kind !== "pairwise") continue;
    if (v.winner === null && options.ties === "exclude") continue;
    if (v.strength !== undefined) any = true;
    const s = Math.abs(v.strength ?? 0);
    counted++;
    if (v.winner === null) continue;
    sum += v.winner === chosen ? s : -s;
  }
  return any && counted ? { margin: round(sum / counted) } : {};
}

function round(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}

function pairsFor<K>(candidates: readonly K[], votes: readonly Vote<K>[], winner: K, options: AggregateOptions): AggregatePair<K>[] {
  const kinds = new Set(votes.map((v) => v.kind));
  if (kinds.has("ranking")) return candidates.filter((c) => c !== winner).map((rejected) => ({ chosen: winner, rejected }));
  if (kinds.has("rating") && !kinds.has("pairwise")) return ratingPairs(votes, options);
  const loser = votes.find((v): v is Extract<Vote<K>, { kind: "pairwise" }> => v.kind === "pairwise" && v.winner === winner);
  const rejected = loser ? (loser.pair[0] === winner ? loser.pair[1] : loser.pair[0]) : candidates.find((c) => c !== winner);
  if (rejected === undefined) return [];
  return [{ chosen: winner, rejected, ...marginOf(votes, winner, options) }];
}

/** Mean score per candidate over the rating votes. */
function meanScores<K>(votes: readonly Vote<K>[]): Map<K, number> {
  const sums = new Map<K, [number, number]>();
  for (const v of votes) {
    if (v.kind !== "rating") continue;
    for (const [k, s] of v.scores) {
      const acc = sums.get(k) ?? [0, 0];
      acc[0] += s;
      acc[1]++;
      sums.set(k, acc);
    }
  }
  return new Map([...sums].map(([k, [s, c]]) => [k, s / c]));
}

/**
 * One score for a candidate from its criterion ratings: each value is first put on [0, 1] by its
 * criterion's scale ((value − min) / (max − min)), then the criteria are averaged with equal
 * weight, so a 1–7 criterion weighs no more than a 1–5 one. A criterion without a known scale is
 * taken on the default 1–5 scale.
 */
export function ratingScore(byCriterion: Readonly<Record<string, number>>, scales: Readonly<Record<string, { min: number; max: number }>> = {}): number | null {
  let sum = 0;
  let n = 0;
  for (const [criterion, value] of Object.entries(byCriterion)) {
    const { min, max } = scales[criterion] ?? DEFAULT_SCALE;
    sum += (value - min) / (max - min);
    n++;
  }
  return n ? sum / n : null;
}

const DEFAULT_SCALE = { min: 1, max: 5 };

function ratingPairs<K>(votes: readonly Vote<K>[], options: AggregateOptions): AggregatePair<K>[] {
  // UltraFeedback style: the best mean score against the worst or a random lower-scored response.
  const means = meanScores(votes);
  const best = bestOf(means);
  if (best.length !== 1) return [];
  const chosen = best[0];
  const top = means.get(chosen)!;
  const lower = [...means].filter(([, s]) => s < top);
  if (lower.length === 0) return [];
  let pick: [K, number];
  if (options.ratingPairs === "best-vs-random") {
    pick = lower[Math.min(lower.length - 1, Math.floor((options.random ?? 0) * lower.length))];
  } else {
    pick = lower.reduce((a, b) => (b[1] < a[1] ? b : a));
  }
  return [{ chosen, rejected: pick[0], margin: round(top - pick[1]) }];
}

// ---------------------------------------------------------------------------------------------
// Deterministic splits

export interface SplitSpec {
  /** Named shares in order; what is left goes to "train". */
  parts: { name: string; share: number }[];
  seed: number;
}

/** Parses `test=0.1` or `test=0.1,validation=0.05`; throws a RangeError naming the problem (not the option). */
export function parseSplit(spec: string, seed = 0): SplitSpec {
  const parts: SplitSpec["parts"] = [];
  for (const piece of spec.split(",").map((s) => s.trim()).filter(Boolean)) {
    const m = /^([a-z][a-z0-9_-]{0,30})=(0(?:\.\d+)?|1(?:\.0+)?|\.\d+)$/.exec(piece);
    if (!m) throw new RangeError(`"${piece}": expected NAME=SHARE with a share between 0 and 1, e.g. test=0.1`);
    if (m[1] === "train") throw new RangeError(`"${piece}": train gets what the other splits leave; name only the others`);
    if (parts.some((p) => p.name === m[1])) throw new RangeError(`"${m[1]}" is named twice`);
    parts.push({ name: m[1], share: Number(m[2]) });
  }
  if (parts.length === 0) throw new RangeError("name at least one part, e.g. test=0.1");
  const sum = parts.reduce((s, p) => s + p.share, 0);
  if (sum > 1 + 1e-9) throw new RangeError(`the shares add up to ${sum}, more than 1`);
  return { parts, seed };
}

/** 32-bit FNV-1a of a string, mixed with a seed: a fast, stable hash for splits and sampling. */
export function hash32(text: string, seed = 0): number {
  let h = (0x811c9dc5 ^ seed) >>> 0;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  // final avalanche (murmur3 fmix32) so nearby texts spread over [0, 2^32)
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b) >>> 0;
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35) >>> 0;
  h ^= h >>> 16;
  return h >>> 0;
}

/** A number in [0, 1) from a key and a seed. */
export function unitHash(key: string, seed = 0): number {
  return hash32(key, seed) / 4294967296;
}

/**
 * The split of an item, from a hash of its prompt text and the seed: the same prompt always lands
 * on the same side, and the same seed gives the same split on every run.
 */
export function splitOf(promptKey: string, spec: SplitSpec): string {
  const u = unitHash(promptKey, spec.seed);
  let acc = 0;
  for (const part of spec.parts) {
    acc += part.share;
    if (u < acc) return part.name;
  }
  return "train";
}
