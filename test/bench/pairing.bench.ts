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
//   npx tsx test/bench/pairing.bench.ts [--contenders K] [--gap G] [--ties T] [--reps R] [--batch B] [--check C] [--max M]
import { performance } from "node:perf_hooks";
import { mulberry32, pairWeights, pickPair, strengthCovariance, type PairTally, type Rng } from "@/lib/stats";

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

type Strategy = "uniform" | "adaptive";

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
  for (let judged = 1; judged <= MAX; judged++) {
    let pair: { a: string; b: string };
    if (strategy === "uniform") {
      pair = tallies[Math.floor(choices() * tallies.length)];
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
  return MAX;
}

function median(values: readonly number[]): number {
  const s = [...values].sort((x, y) => x - y);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

const started = performance.now();
console.log(`Pairing replay: ${K} contenders, true strengths 0, ${GAP}, … ${(K - 1) * GAP} (natural-log scale), ties ${TIES}, ${REPS} repetitions, adaptive weights every ${BATCH} judgments`);
console.log("rep\tuniform\tadaptive\tratio");
const uniform: number[] = [];
const adaptive: number[] = [];
const ratios: number[] = [];
for (let rep = 0; rep < REPS; rep++) {
  const u = replay("uniform", rep);
  const a = replay("adaptive", rep);
  uniform.push(u);
  adaptive.push(a);
  ratios.push(a / u);
  console.log(`${rep}\t${u}${u === MAX ? "+" : ""}\t${a}${a === MAX ? "+" : ""}\t${(a / u).toFixed(3)}`);
}
console.log(`median judgments: uniform ${median(uniform)}, adaptive ${median(adaptive)}`);
console.log(`median ratio adaptive/uniform: ${median(ratios).toFixed(3)} (adaptive needs ${((1 - median(ratios)) * 100).toFixed(1)}% fewer judgments)`);
console.log(`(${((performance.now() - started) / 1000).toFixed(1)} s)`);
