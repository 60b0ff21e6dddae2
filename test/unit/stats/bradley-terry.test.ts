import { describe, expect, it } from "vitest";
import { bradleyTerryStrengths, mulberry32, type ModelComparison, type Verdict } from "@/lib/stats";
import { bradleyTerry, countPairs } from "@/lib/stats/reference";

function games(modelA: string, modelB: string, verdict: Verdict, times = 1): ModelComparison[] {
  return Array.from({ length: times }, () => ({ modelA, modelB, verdict }));
}

function strength(rating: number): number {
  return ((rating - 1000) * Math.LN10) / 400;
}

/** Comparisons drawn from a Bradley–Terry model with the given strengths. */
function simulated(
  strengths: Record<string, number>,
  n: number,
  seed = 1,
  tieRate = 0.1,
): ModelComparison[] {
  const rng = mulberry32(seed);
  const models = Object.keys(strengths);
  const result: ModelComparison[] = [];
  for (let c = 0; c < n; c++) {
    const a = Math.floor(rng() * models.length);
    let b = Math.floor(rng() * (models.length - 1));
    if (b >= a) b++;
    const pa = 1 / (1 + Math.exp(strengths[models[b]] - strengths[models[a]]));
    const u = rng();
    const verdict: Verdict =
      u < tieRate * 0.7 ? "tie" : u < tieRate ? "both_bad" : rng() < pa ? "A" : "B";
    result.push({ modelA: models[a], modelB: models[b], verdict });
  }
  return result;
}

describe("bradleyTerry ratings", () => {
  it("puts a 3–1 record exactly 400·log10(3) Elo apart, centred on 1000", () => {
    const board = bradleyTerry([
      ...games("x", "y", "A", 2),
      ...games("y", "x", "B"),
      ...games("x", "y", "B"),
    ]);
    const [first, second] = board.rows;
    expect(first.model).toBe("x");
    expect(first.rating - second.rating).toBeCloseTo(400 * Math.log10(3), 6);
    expect((first.rating + second.rating) / 2).toBeCloseTo(1000, 9);
    expect(board.prior_used).toBe(false);
  });

  it("counts ties and both_bad as half a win each way, tallying them separately", () => {
    // 2 wins + 2 half wins against 0 wins + 2 half wins: 3 to 1 again.
    const board = bradleyTerry([
      ...games("x", "y", "A", 2),
      ...games("x", "y", "tie"),
      ...games("y", "x", "both_bad"),
    ]);
    expect(board.rows[0].rating - board.rows[1].rating).toBeCloseTo(400 * Math.log10(3), 6);
    expect(board.rows[0]).toMatchObject({ model: "x", wins: 2, losses: 0, ties: 1, both_bad: 1, n: 4 });
    expect(board.rows[1]).toMatchObject({ model: "y", wins: 0, losses: 2, ties: 1, both_bad: 1, n: 4 });
  });

  it("solves the likelihood equations: expected wins equal actual wins for every model", () => {
    const data = simulated({ a: 0.8, b: 0.3, c: 0, d: -0.2, e: -1.1 }, 3000, 4);
    const board = bradleyTerry(data, { rounds: 0 });
    const theta = new Map(board.rows.map((row) => [row.model, strength(row.rating)]));
    for (const row of board.rows) {
      let expected = 0;
      for (const c of data) {
        if (c.modelA === c.modelB || (c.modelA !== row.model && c.modelB !== row.model)) continue;
        const other = c.modelA === row.model ? c.modelB : c.modelA;
        expected += 1 / (1 + Math.exp(theta.get(other)! - theta.get(row.model)!));
      }
      const actual = row.wins + 0.5 * (row.ties + row.both_bad);
      expect(Math.abs(expected - actual)).toBeLessThan(1e-6);
    }
    const mean = board.rows.reduce((s, r) => s + r.rating, 0) / board.rows.length;
    expect(mean).toBeCloseTo(1000, 9);
  });

  it("recovers the simulated strengths with a large sample", () => {
    const truth = { a: 1, b: 0.5, c: 0, d: -1.5 };
    // No ties here: ties drawn independently of strength would pull the estimates together.
    const board = bradleyTerry(simulated(truth, 200_000, 2, 0), { rounds: 20 });
    const mean = Object.values(truth).reduce((s, x) => s + x, 0) / 4;
    for (const row of board.rows) {
      expect(strength(row.rating)).toBeCloseTo(truth[row.model as keyof typeof truth] - mean, 1);
    }
    expect(board.rows.map((r) => r.model)).toEqual(["a", "b", "c", "d"]);
    expect(board.rows.map((r) => r.rank)).toEqual([1, 2, 3, 4]);
  });

  it("keeps an undefeated model and disconnected groups finite by using the prior", () => {
    const undefeated = bradleyTerry([
      ...games("champ", "x", "A", 5),
      ...games("x", "y", "A", 3),
      ...games("y", "x", "A", 2),
    ]);
    expect(undefeated.prior_used).toBe(true);
    expect(undefeated.rows[0].model).toBe("champ");
    for (const row of undefeated.rows) {
      for (const value of [row.rating, row.ci_low, row.ci_high]) expect(Number.isFinite(value)).toBe(true);
    }
    const split = bradleyTerry([
      ...games("a", "b", "A", 3),
      ...games("a", "b", "B", 1),
      ...games("c", "d", "A", 1),
      ...games("c", "d", "B", 3),
    ]);
    expect(split.prior_used).toBe(true);
    expect(split.rows.map((r) => r.model)).toEqual(["a", "d", "b", "c"]);
    expect(split.rows[0].rating).toBeCloseTo(split.rows[1].rating, 9);
    expect(split.rows.reduce((s, r) => s + r.rating, 0) / 4).toBeCloseTo(1000, 9);
  });

  it("returns an empty board for no comparisons and ignores self-comparisons", () => {
    const empty = bradleyTerry([]);
    expect(empty.rows).toEqual([]);
    expect(empty.win_rates).toEqual({ models: [], matrix: [], games: [] });
    const self = bradleyTerry([
      ...games("x", "x", "A", 3),
      ...games("x", "y", "A"),
      ...games("x", "y", "B"),
    ]);
    expect(self.n_self_ignored).toBe(3);
    expect(self.n_comparisons).toBe(2);
    expect(self.rows.map((r) => [r.model, r.rating, r.n])).toEqual([
      ["x", 1000, 2],
      ["y", 1000, 2],
    ]);
    const alone = bradleyTerry(games("x", "x", "tie"));
    expect(alone.rows).toEqual([
      {
        model: "x",
        rating: 1000,
        ci_low: 1000,
        ci_high: 1000,
        rank: 1,
        wins: 0,
        losses: 0,
        ties: 0,
        both_bad: 0,
        n: 0,
      },
    ]);
  });

  it("rejects an unknown verdict", () => {
    const bad = { modelA: "x", modelB: "y", verdict: "C" as Verdict };
    expect(() => bradleyTerry([bad])).toThrow(RangeError);
  });
});

describe("bradleyTerry intervals and ranks", () => {
  it("gives intervals of the width the sample size implies", () => {
    // 400 games at 75%: SE of the gap ≈ 1/sqrt(400·0.75·0.25) in θ ≈ 20 Elo; each model sits half
    // the gap from the mean, so its 95% interval spans about 2·1.96·10 ≈ 39 Elo.
    const data = [...games("x", "y", "A", 300), ...games("x", "y", "B", 100)];
    const board = bradleyTerry(data, { rounds: 400 });
    for (const row of board.rows) {
      expect(row.ci_low).toBeLessThan(row.rating);
      expect(row.ci_high).toBeGreaterThan(row.rating);
      expect(row.ci_high - row.ci_low).toBeGreaterThan(30);
      expect(row.ci_high - row.ci_low).toBeLessThan(50);
    }
    expect(board.rows.map((r) => r.rank)).toEqual([1, 2]);
  });

  it("shares a rank between models whose intervals overlap", () => {
    const data = simulated({ top: 1, twinA: 0, twinB: 0, low: -1 }, 8000, 7);
    const board = bradleyTerry(data);
    const rank = Object.fromEntries(board.rows.map((r) => [r.model, r.rank]));
    expect(rank).toEqual({ top: 1, twinA: 2, twinB: 2, low: 4 });
    for (const row of board.rows) {
      const above = board.rows.filter((other) => other.ci_low > row.ci_high).length;
      expect(row.rank).toBe(1 + above);
    }
  });

  it("is reproducible for a seed, and rounds = 0 collapses the interval to the rating", () => {
    const data = simulated({ a: 0.4, b: 0, c: -0.4 }, 600, 3);
    expect(bradleyTerry(data, { seed: 5 })).toEqual(bradleyTerry(data, { seed: 5 }));
    expect(bradleyTerry(data, { seed: 5 }).rows).not.toEqual(bradleyTerry(data, { seed: 6 }).rows);
    const point = bradleyTerry(data, { rounds: 0 });
    for (const row of point.rows) expect([row.ci_low, row.ci_high]).toEqual([row.rating, row.rating]);
    expect(point.rows.map((r) => r.rank)).toEqual([1, 2, 3]);
  });

  it("bootstraps sparse data, where some rounds need the prior, without failing", () => {
    const data = [
      ...games("a", "b", "A", 2),
      ...games("b", "a", "A"),
      ...games("b", "c", "A", 2),
      ...games("c", "b", "A"),
    ];
    const board = bradleyTerry(data, { rounds: 200 });
    expect(board.prior_used).toBe(false);
    for (const row of board.rows) {
      expect(Number.isFinite(row.ci_low) && Number.isFinite(row.ci_high)).toBe(true);
      expect(row.ci_low).toBeLessThanOrEqual(row.rating);
      expect(row.ci_high).toBeGreaterThanOrEqual(row.rating);
    }
  });
});

describe("win-rate matrix", () => {
  it("gives wins plus half ties over games, in leaderboard order", () => {
    const board = bradleyTerry([
      ...games("x", "y", "A", 3),
      ...games("y", "x", "tie"),
      ...games("x", "z", "both_bad", 2),
      ...games("z", "x", "A", 2),
    ]);
    const { models, matrix, games: played } = board.win_rates;
    expect(models).toEqual(board.rows.map((r) => r.model));
    const at = (a: string, b: string) => matrix[models.indexOf(a)][models.indexOf(b)];
    const n = (a: string, b: string) => played[models.indexOf(a)][models.indexOf(b)];
    expect(at("x", "y")).toBeCloseTo(3.5 / 4, 12);
    expect(at("y", "x")).toBeCloseTo(0.5 / 4, 12);
    expect(at("x", "z")).toBeCloseTo(1 / 4, 12);
    expect(at("z", "x")).toBeCloseTo(3 / 4, 12);
    expect(at("y", "z")).toBeNull();
    expect(at("x", "x")).toBeNull();
    expect([n("x", "y"), n("y", "x"), n("x", "z"), n("y", "z")]).toEqual([4, 4, 4, 0]);
  });
});

describe("countPairs and bradleyTerryStrengths", () => {
  it("aggregate comparisons into one row of counts per model pair", () => {
    const counts = countPairs([
      ...games("x", "y", "A", 2),
      ...games("y", "x", "A"),
      ...games("y", "x", "both_bad"),
      ...games("x", "y", "tie"),
    ]);
    expect(counts.models).toEqual(["x", "y"]);
    expect([...counts.first, ...counts.second]).toEqual([0, 1]);
    expect([...counts.cells]).toEqual([2, 1, 1, 1]);
    const { theta, prior_used } = bradleyTerryStrengths(counts);
    expect(prior_used).toBe(false);
    expect(theta[0] - theta[1]).toBeCloseTo(Math.log(3 / 2), 9);
  });
});
