// Replay: how many human judgments adaptive pairing (lib/stats/adaptive-pairs.ts) needs, against
// uniform pairing (every contender pair equally likely), to separate contenders of known true
// strengths. Outcomes are drawn from a Bradley–Terry model with those strengths (and a share of
// ties, scored half a win each way). Both strategies see the same seeds: repetition r draws its
// outcomes and its pair choices from the seeds 2r+1 and 2r+2.
//
// "Separated": for every pair of contenders, the fitted difference θi − θj has the true sign and
// lies more than 1.96 standard errors from 0 (standard errors from the inverse Fisher information,
// strengthCovariance — the intervals the adaptive weights themselves use), checked every --check
// judgments. Adaptive pairing recomputes its weights every --batch judgments, as a server handing
// out work in batches would.
//
// A third strategy models adaptive serving (lib/services/pairing.ts): items already generated for
// every pair alike (--pool items per pair, as `--pairs all` makes them), each judged once, served
// from the highest priority level (pairLevels of the weights, levels 0–PAIRING_LEVELS, among the pairs
// with items left) and at random within it, the levels recomputed after judgmentsBetween(judgments so
// far) more judgments as a server does (--serve-every N: every N instead). Uniform serving of the same pool is uniform
// pairing until the pool runs out.
//
//   npx tsx test/bench/pairing.bench.ts [--contenders K] [--gap G] [--ties T] [--reps R] [--batch B] [--check C] [--max M] [--pool P] [--serve-every N]
import { performance } from "node:perf_hooks";
import { judgmentsBetween, PAIRING_LEVELS } from "@/lib/services/pairing";
import { mulberry32, pairKey, pairLevels, pairWeights, pickPair, strengthCovariance, type PairTally, type Rng } from "@/lib/stats";

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};
const K = arg("contenders", 6);
/** Difference in true strength (natural-log scale) between neighbours: 0.3 is a 57% win rate. */
const GAP = arg("gap", 0.3);
const TIES = arg("ties", 0.1);
const REPS = arg("reps", 9);
const BATCH = arg("batch", 10);
const CHECK = arg("check", 10);
const MAX = arg("max", 60_000);
const POOL = arg("pool", 1_000);

const names = Array.from({ length: K }, (_, i) => `c${i}`);
const truth = names.map((_, i) => i * GAP);

function separated(tallies: readonly PairTally[]): boolean {
  const { theta, covariance } = strengthCovariance(names, tallies);
  for (let i = 0; i < K; i++) {
    for (let j = i + 1; j < K; j++) {
      const d = theta[i] - theta[j];
      const se = Math.sqrt(covariance[i * K + i] + covariance[j * K + j] - 2 * covariance[i * K + j]);
      if (Math.sign(d) !== Math.sign(truth[i] - truth[j]) || Math.abs(d) <= 1.96 * se) return false;
    }
  }
  return true;
}

type Strategy = "uniform" | "adaptive" | "serving";

/** Judgments until every pair is separated (MAX when it never was). */
function replay(strategy: Strategy, rep: number): number {
  const outcomes = mulberry32(2 * rep + 1);
  const choices: Rng = mulberry32(2 * rep + 2);
  const index = new Map<string, number>();
  const tallies: PairTally[] = [];
  for (let i = 0; i < K; i++) {
    for (let j = i + 1; j < K; j++) {
      index.set(`${names[i]}|${names[j]}`, tallies.length);
      tallies.push({ a: names[i], b: names[j], score_a: 0, n: 0 });
    }
  }
  let weights = pairWeights(names, []);
  // Adaptive serving: items left per pair, and each pair's level.
  const left = tallies.map(() => POOL);
  const serveEvery = process.argv.includes("--serve-every") ? arg("serve-every", 0) : undefined;
  let nextServe = 0;
  let levels = new Map<string, number>();
  const limit = strategy === "serving" ? Math.min(MAX, POOL * tallies.length) : MAX;
  for (let judged = 1; judged <= limit; judged++) {
    let pair: { a: string; b: string };
    if (strategy === "uniform") {
      pair = tallies[Math.floor(choices() * tallies.length)];
    } else if (strategy === "serving") {
      if (judged > nextServe) {
        nextServe = judged - 1 + (serveEvery ?? judgmentsBetween(judged - 1));
        const open = new Set(tallies.filter((_, p) => left[p] > 0).map((t) => pairKey(t.a, t.b)));
        const w = pairWeights(names, tallies.filter((t) => t.n > 0)).filter((x) => open.has(pairKey(x.a, x.b)));
        levels = pairLevels(w, PAIRING_LEVELS);
      }
      // The claim's walk: the highest level with items left, then a random item within it (a pair with more items left is likelier).
      let candidates: number[] = [];
      for (let level = PAIRING_LEVELS; level >= 0; level--) {
        candidates = tallies.map((t, p) => (levels.get(pairKey(t.a, t.b)) === level ? left[p] : 0));
        if (candidates.some((c) => c > 0)) break;
      }
      let u = choices() * candidates.reduce((x, y) => x + y, 0);
      let p = candidates.findIndex((c) => (u -= c) < 0);
      if (p < 0) p = candidates.findLastIndex((c) => c > 0);
      left[p]--;
      pair = tallies[p];
    } else {
      if ((judged - 1) % BATCH === 0) weights = pairWeights(names, tallies.filter((t) => t.n > 0));
      pair = pickPair(weights, choices);
    }
    const t = tallies[index.get(`${pair.a}|${pair.b}`)!];
    const i = names.indexOf(t.a);
    const j = names.indexOf(t.b);
    const pA = 1 / (1 + Math.exp(truth[j] - truth[i]));
    t.n++;
    if (outcomes() < TIES) t.score_a += 0.5;
    else if (outcomes() < pA) t.score_a += 1;
    if (judged % CHECK === 0 && separated(tallies.filter((x) => x.n > 0))) return judged;
  }
  return limit;
}

function median(values: readonly number[]): number {
  const s = [...values].sort((x, y) => x - y);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

const started = performance.now();
console.log(`Pairing replay: ${K} contenders, true strengths 0, ${GAP}, … ${(K - 1) * GAP} (natural-log scale), ties ${TIES}, ${REPS} repetitions, adaptive weights every ${BATCH} judgments`);
const pairCount = (K * (K - 1)) / 2;
console.log(
  `Adaptive serving: ${POOL} items per pair (${POOL * pairCount} in all) judged once each, levels 0–${PAIRING_LEVELS} recomputed every ${process.argv.includes("--serve-every") ? arg("serve-every", 0) : "max(20, 5% of the judgments so far)"} judgments`,
);
console.log("rep\tuniform\tadaptive\tserving\tadaptive/uniform\tserving/uniform");
const uniform: number[] = [];
const adaptive: number[] = [];
const serving: number[] = [];
const ratios: number[] = [];
const servingRatios: number[] = [];
const mark = (n: number, max: number) => `${n}${n === max ? "+" : ""}`;
for (let rep = 0; rep < REPS; rep++) {
  const u = replay("uniform", rep);
  const a = replay("adaptive", rep);
  const v = replay("serving", rep);
  uniform.push(u);
  adaptive.push(a);
  serving.push(v);
  ratios.push(a / u);
  servingRatios.push(v / u);
  console.log(`${rep}\t${mark(u, MAX)}\t${mark(a, MAX)}\t${mark(v, Math.min(MAX, POOL * pairCount))}\t${(a / u).toFixed(3)}\t${(v / u).toFixed(3)}`);
}
console.log(`median judgments: uniform ${median(uniform)}, adaptive ${median(adaptive)}, adaptive serving ${median(serving)}`);
console.log(`median ratio adaptive/uniform: ${median(ratios).toFixed(3)} (adaptive needs ${((1 - median(ratios)) * 100).toFixed(1)}% fewer judgments)`);
console.log(`median ratio serving/uniform: ${median(servingRatios).toFixed(3)} (adaptive serving needs ${((1 - median(servingRatios)) * 100).toFixed(1)}% fewer judgments)`);
console.log(`(${((performance.now() - started) / 1000).toFixed(1)} s)`);
