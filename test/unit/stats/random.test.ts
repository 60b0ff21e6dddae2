import { describe, expect, it } from "vitest";
import { logGamma, mulberry32, poissonSampler, randomInt } from "@/lib/stats";

describe("mulberry32", () => {
  it("repeats for a seed, differs between seeds, and stays in [0, 1)", () => {
    const a = mulberry32(7);
    const b = mulberry32(7);
    const c = mulberry32(8);
    const first = Array.from({ length: 5 }, () => a());
    expect(Array.from({ length: 5 }, () => b())).toEqual(first);
    expect(Array.from({ length: 5 }, () => c())).not.toEqual(first);
    const rng = mulberry32(1);
    let sum = 0;
    let outside = 0;
    for (let i = 0; i < 100_000; i++) {
      const x = rng();
      if (!(x >= 0 && x < 1)) outside++;
      sum += x;
    }
    expect(outside).toBe(0);
    expect(sum / 100_000).toBeCloseTo(0.5, 2);
  });

  it("draws every integer of randomInt's range about equally often", () => {
    const rng = mulberry32(3);
    const counts = [0, 0, 0, 0];
    for (let i = 0; i < 40_000; i++) counts[randomInt(rng, 4)]++;
    for (const count of counts) expect(Math.abs(count - 10_000)).toBeLessThan(400);
  });
});

describe("logGamma", () => {
  it("matches known values", () => {
    expect(logGamma(1)).toBeCloseTo(0, 12);
    expect(logGamma(2)).toBeCloseTo(0, 12);
    expect(logGamma(0.5)).toBeCloseTo(Math.log(Math.sqrt(Math.PI)), 12);
    expect(logGamma(10)).toBeCloseTo(Math.log(362880), 10);
    expect(logGamma(101)).toBeCloseTo(363.73937555556347, 8); // ln(100!)
  });
});

describe("poisson", () => {
  it("has mean and variance lambda on both sides of the algorithm switch", () => {
    const rng = mulberry32(11);
    for (const lambda of [0.5, 3, 9.9, 10, 37, 1000, 250_000]) {
      const draw = poissonSampler(lambda);
      const n = 40_000;
      let sum = 0;
      let squares = 0;
      let invalid = 0;
      for (let i = 0; i < n; i++) {
        const x = draw(rng);
        if (!(Number.isInteger(x) && x >= 0)) invalid++;
        sum += x;
        squares += x * x;
      }
      expect(invalid).toBe(0);
      const mean = sum / n;
      const variance = squares / n - mean * mean;
      // Five standard errors of the mean; variance within 5%.
      expect(Math.abs(mean - lambda)).toBeLessThan(5 * Math.sqrt(lambda / n));
      expect(variance / lambda).toBeGreaterThan(0.95);
      expect(variance / lambda).toBeLessThan(1.05);
    }
  });

  it("matches the probability mass function at lambda = 12 (rejection branch)", () => {
    const rng = mulberry32(5);
    const n = 200_000;
    const counts = new Map<number, number>();
    const draw = poissonSampler(12);
    for (let i = 0; i < n; i++) {
      const x = draw(rng);
      counts.set(x, (counts.get(x) ?? 0) + 1);
    }
    for (const k of [6, 9, 12, 15, 18]) {
      const expected = Math.exp(-12 + k * Math.log(12) - logGamma(k + 1));
      const observed = (counts.get(k) ?? 0) / n;
      expect(Math.abs(observed - expected)).toBeLessThan(5 * Math.sqrt(expected / n));
    }
  });

  it("returns 0 for a zero mean", () => {
    expect(poissonSampler(0)(mulberry32(1))).toBe(0);
  });
});
