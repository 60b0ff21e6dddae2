// Seeded pseudo-random numbers, so that bootstrap intervals are reproducible: the same data and
// seed always give the same interval on every machine.

/** Uniform in [0, 1). */
export type Rng = () => number;

/** mulberry32: 32-bit state, fast, and good enough for resampling (not for cryptography). */
export function mulberry32(seed: number): Rng {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Uniform integer in [0, n). */
export function randomInt(rng: Rng, n: number): number {
  return Math.floor(rng() * n);
}

const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313,
  -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6,
  1.5056327351493116e-7,
];

/** ln Γ(x) for x > 0 (Lanczos, g = 7; about 15 significant digits). */
export function logGamma(x: number): number {
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  const z = x - 1;
  let sum = LANCZOS[0];
  for (let i = 1; i < LANCZOS.length; i++) sum += LANCZOS[i] / (z + i);
  const t = z + 7.5;
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(sum);
}

/**
 * A Poisson(lambda) sampler with its constants worked out once, for drawing the same mean many
 * times (every bootstrap round redraws every count). Means below 10 invert the cumulative
 * distribution; larger means use Hörmann's transformed rejection (PTRS, 1993), so a draw costs
 * O(1) even for counts of a million — that is what makes the Poisson bootstrap over aggregated
 * counts cheap.
 */
export function poissonSampler(lambda: number): (rng: Rng) => number {
  if (!(lambda > 0)) return () => 0;
  if (lambda < 10) {
    // Inversion: one uniform, then walk up the cumulative distribution.
    const p0 = Math.exp(-lambda);
    return (rng) => {
      const u = rng();
      let k = 0;
      let p = p0;
      let cumulative = p0;
      while (u > cumulative && k < 1000) {
        k++;
        p *= lambda / k;
        cumulative += p;
      }
      return k;
    };
  }
  const logLambda = Math.log(lambda);
  const b = 0.931 + 2.53 * Math.sqrt(lambda);
  const a = -0.059 + 0.02483 * b;
  const logInvAlpha = Math.log(1.1239 + 1.1328 / (b - 3.4));
  const vr = 0.9277 - 3.6224 / (b - 2);
  return (rng) => {
    for (;;) {
      const u = rng() - 0.5;
      const v = rng();
      const us = 0.5 - Math.abs(u);
      const k = Math.floor(((2 * a) / us + b) * u + lambda + 0.43);
      if (us >= 0.07 && v <= vr) return k;
      if (k < 0 || (us < 0.013 && v > us)) continue;
      if (
        Math.log(v) + logInvAlpha - Math.log(a / (us * us) + b) <=
        -lambda + k * logLambda - logGamma(k + 1)
      ) {
        return k;
      }
    }
  };
}
