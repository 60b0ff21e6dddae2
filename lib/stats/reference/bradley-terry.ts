// Reference implementation of the leaderboard's input: one object per comparison counted into a
// model-pair table with Maps. The project tally (lib/stats/tally.ts) builds the same table from
// rows with typed arrays; the tests compare the two through bradleyTerry.
import { bradleyTerryFromCounts, CELLS, type PairCounts } from "../bradley-terry";
import type { BradleyTerryOptions, Leaderboard, ModelComparison } from "../types";

/**
 * One pass over the comparisons into a model-pair count table. Models are indexed in order of
 * first appearance; comparisons of a model against itself carry no information and are skipped.
 */
export function countPairs(comparisons: readonly ModelComparison[]): PairCounts {
  const modelIndex = new Map<string, number>();
  const models: string[] = [];
  const pairIndex = new Map<number, number>();
  const first: number[] = [];
  const second: number[] = [];
  const cells: number[] = [];
  let nSelf = 0;
  const indexOf = (model: string): number => {
    let i = modelIndex.get(model);
    if (i === undefined) {
      i = models.length;
      modelIndex.set(model, i);
      models.push(model);
    }
    return i;
  };
  for (let c = 0; c < comparisons.length; c++) {
    const comparison = comparisons[c];
    const a = indexOf(comparison.modelA);
    const b = indexOf(comparison.modelB);
    if (a === b) {
      nSelf++;
      continue;
    }
    let cell: number;
    switch (comparison.verdict) {
      case "A":
        cell = a < b ? 0 : 1;
        break;
      case "B":
        cell = a < b ? 1 : 0;
        break;
      case "tie":
        cell = 2;
        break;
      case "both_bad":
        cell = 3;
        break;
      default:
        throw new RangeError(`unknown verdict: ${String(comparison.verdict)}`);
    }
    const i = a < b ? a : b;
    const j = a < b ? b : a;
    // 2^21 models is far beyond what the dense Newton solve below can handle anyway.
    const key = i * 2097152 + j;
    let p = pairIndex.get(key);
    if (p === undefined) {
      p = first.length;
      pairIndex.set(key, p);
      first.push(i);
      second.push(j);
      cells.push(0, 0, 0, 0);
    }
    cells[p * CELLS + cell]++;
  }
  return {
    models,
    first: Int32Array.from(first),
    second: Int32Array.from(second),
    cells: Float64Array.from(cells),
    n_comparisons: comparisons.length - nSelf,
    n_self_ignored: nSelf,
  };
}

/** bradleyTerryFromCounts on the comparisons counted by countPairs. */
export function bradleyTerry(
  comparisons: readonly ModelComparison[],
  options: BradleyTerryOptions = {},
): Leaderboard {
  return bradleyTerryFromCounts(countPairs(comparisons), options);
}
