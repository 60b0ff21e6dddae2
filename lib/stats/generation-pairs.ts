// Which contenders' responses to one prompt become items (`--pairs`): every pair, each contender
// against a baseline, or K random pairs per prompt. Pure: the caller seeds the randomness, so a
// resumed run picks the same pairs and the importer's external ids skip the items it already made.
import { mulberry32, randomInt } from "./random";

export type PairRule = { kind: "all" } | { kind: "baseline"; name: string } | { kind: "random"; k: number };

export const PAIR_RULE_HELP = "all, baseline:NAME or random:K";

/** The rule from its text (`all`, `baseline:NAME`, `random:K`); an Error naming what is wrong otherwise. */
export function parsePairRule(text: string): PairRule {
  const t = text.trim();
  if (t === "all") return { kind: "all" };
  const baseline = /^baseline:(.+)$/.exec(t);
  if (baseline) return { kind: "baseline", name: baseline[1].trim() };
  const random = /^random:(.*)$/.exec(t);
  if (random) {
    const k = Number(random[1]);
    if (!Number.isSafeInteger(k) || k < 1) throw new Error(`random:K needs a whole number K of at least 1 (got "${random[1]}")`);
    return { kind: "random", k };
  }
  throw new Error(`must be ${PAIR_RULE_HELP} (got "${text}")`);
}

export function pairRuleText(rule: PairRule): string {
  return rule.kind === "all" ? "all" : rule.kind === "baseline" ? `baseline:${rule.name}` : `random:${rule.k}`;
}

/**
 * The pairs for one prompt among the contenders that answered it (`present`, in the run's order),
 * each pair in that order. Under `baseline`, a prompt the baseline did not answer gets none.
 */
export function pairsFor(rule: PairRule, present: readonly string[], seed: number): [string, string][] {
  const all: [string, string][] = [];
  for (let i = 0; i < present.length; i++) for (let j = i + 1; j < present.length; j++) all.push([present[i], present[j]]);
  if (rule.kind === "all") return all;
  if (rule.kind === "baseline") {
    if (!present.includes(rule.name)) return [];
    return present.filter((c) => c !== rule.name).map((c) => [rule.name, c]);
  }
  const rng = mulberry32(seed);
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
