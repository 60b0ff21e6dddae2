// Round axis ticks: the leaderboard's Elo axis, win rates on 0–1, counts, and the awkward cases.
import { describe, expect, it } from "vitest";
import { niceStep, niceTicks } from "@/lib/stats/ticks";

describe("niceTicks", () => {
  it("gives round Elo ticks where the chart used to show 599, 799, 1383", () => {
    expect(niceTicks(599, 1383)).toEqual([400, 600, 800, 1000, 1200, 1400]);
    expect(niceTicks(962.4, 1041.7)).toEqual([960, 980, 1000, 1020, 1040, 1060]);
  });

  it("covers the data with the first and last tick, evenly spaced by 1, 2, 2.5 or 5 times a power of ten", () => {
    for (const [min, max] of [[0, 1], [0.31, 0.78], [3, 97], [-12.5, 40], [1e-4, 3e-4], [1, 894], [17, 17.5]]) {
      const ticks = niceTicks(min, max);
      expect(ticks[0]).toBeLessThanOrEqual(min);
      expect(ticks.at(-1)).toBeGreaterThanOrEqual(max);
      expect(ticks.length).toBeGreaterThanOrEqual(3);
      expect(ticks.length).toBeLessThanOrEqual(9);
      const step = ticks[1] - ticks[0];
      const mantissa = Number((step / 10 ** Math.floor(Math.log10(step))).toFixed(6));
      expect([1, 2, 2.5, 5]).toContain(mantissa);
      for (let i = 1; i < ticks.length; i++) expect(ticks[i] - ticks[i - 1]).toBeCloseTo(step, 9);
    }
  });

  it("writes exact decimals and handles one value, reversed and non-finite input", () => {
    expect(niceTicks(0, 1)).toEqual([0, 0.25, 0.5, 0.75, 1]);
    expect(niceTicks(0, 1, 6)).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
    expect(niceTicks(0.1, 0.3)).toEqual([0.1, 0.15, 0.2, 0.25, 0.3]);
    expect(niceTicks(1000, 1000)).toEqual([900, 950, 1000, 1050, 1100]);
    expect(niceTicks(0, 0)).toEqual([-1, -0.5, 0, 0.5, 1]);
    expect(niceTicks(10, 0)).toEqual(niceTicks(0, 10));
    expect(niceTicks(NaN, 3)).toEqual([0, 1]);
    expect(niceStep(1000, 4)).toBe(250);
  });
});
