// Which contenders' responses to one prompt become items (`--pairs`): every pair, each contender
// against a baseline, K random pairs per prompt, or K pairs per prompt drawn by where the
// leaderboard is still undecided (adaptive, lib/stats/adaptive-pairs.ts). Pure: the caller seeds
// the randomness, so a resumed run picks the same pairs and the importer's external ids skip the
// items it already made.
import { pickPair, type PairWeight } from "./adaptive-pairs";
import { mulberry32, randomInt } from "./random";

export type PairRule = { kind: "all" } | { kind: "baseline"; name: string } | { kind: "random"; k: number } | { kind: "adaptive"; k: number };

export const PAIR_RULE_HELP = "all, baseline:NAME, random:K or adaptive[:K]";

function wholeK(rule: string, text: string): number {
  const k = Number(text);
  if (!Number.isSafeInteger(k) || k < 1) throw new Error(`${rule}:K needs a whole number K of at least 1 (got "${text}")`);
  return k;
}

/** The rule from its text (`all`, `baseline:NAME`, `random:K`); an Error naming what is wrong otherwise. */
export function parsePairRule(text: string): PairRule {
  const t = text.trim();
  if (t === "all") return { kind: "all" };
  const baseline = /^baseline:(.+)$/.exec(t);
  if (baseline) return { kind: "baseline", name: baseline[1].trim() };
  const random = /^random:(.*)$/.exec(t);
  if (random) return { kind: "random", k: wholeK("random", random[1]) };
  if (t === "adaptive") return { kind: "adaptive", k: 1 };
  const adaptive = /^adaptive:(.*)$/.exec(t);
  if (adaptive) return { kind: "adaptive", k: wholeK("adaptive", adaptive[1]) };
  throw new Error(`must be ${PAIR_RULE_HELP} (got "${text}")`);
}

export function pairRuleText(rule: PairRule): string {
  return rule.kind === "all" ? "all" : rule.kind === "baseline" ? `baseline:${rule.name}` : `${rule.kind}:${rule.k}`;
}

/**
 * The pairs for one prompt among the contenders that answered it (`present`, in the run's order),
 * each pair in that order. Under `baseline`, a prompt the baseline did not answer gets none. Under
 * `adaptive`, `weights` are every pair's share of the next comparisons (pairWeights over the run's
 * contenders and the project's human judgments so far); the prompt gets K different pairs, each drawn
 * by weight among the pairs of contenders that answered it.
 */
export function pairsFor(rule: PairRule, present: readonly string[], seed: number, weights?: readonly PairWeight[]): [string, string][] {
  const all: [string, string][] = [];
  for (let i = 0; i < present.length; i++) for (let j = i + 1; j < present.length; j++) all.push([present[i], present[j]]);
  if (rule.kind === "all") return all;
  if (rule.kind === "baseline") {
    if (!present.includes(rule.name)) return [];
    return present.filter((c) => c !== rule.name).map((c) => [rule.name, c]);
  }
  const rng = mulberry32(seed);
  if (rule.kind === "adaptive") {
    if (!weights) throw new Error("pairsFor: the adaptive rule needs the pairs' weights");
    const answered = new Set(present);
    let left = weights.filter((w) => answered.has(w.a) && answered.has(w.b));
    const picked: [string, string][] = [];
    while (picked.length < rule.k && left.length) {
      const total = left.reduce((sum, w) => sum + w.weight, 0);
      // Pairs whose weights all vanished (every one told apart) are drawn evenly.
      const pick = pickPair(total > 0 ? left.map((w) => ({ ...w, weight: w.weight / total })) : left.map((w) => ({ ...w, weight: 1 / left.length })), rng);
      picked.push(present.indexOf(pick.a) < present.indexOf(pick.b) ? [pick.a, pick.b] : [pick.b, pick.a]);
      left = left.filter((w) => !(w.a === pick.a && w.b === pick.b));
    }
    return picked;
  }
  // A partial Fisher–Yates shuffle: the first k of a uniform random order, without repeats.
  const k = Math.min(rule.k, all.length);
  for (let i = 0; i < k; i++) {
    const j = i + randomInt(rng, all.length - i);
    [all[i], all[j]] = [all[j], all[i]];
  }
  return all.slice(0, k);
}

/** `items` in a seeded random order (the candidates of a generated item, so position says nothing of the contender). */
export function shuffled<T>(items: readonly T[], seed: number): T[] {
  const rng = mulberry32(seed);
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = randomInt(rng, i + 1);
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}
