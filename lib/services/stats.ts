// Project statistics for managers: agreement, annotator quality, the model leaderboard, metadata
// breakdowns and progress, computed from one streaming pass over the project's judgments.
//
// The pass tallies into typed arrays (no object per judgment): per-item category counts feed the
// agreement figures and their bootstrap (lib/stats/counts.ts), per-model-pair counts feed
// Bradley–Terry (bradleyTerryFromCounts), and per-annotator tallies feed the quality table. The
// result is cached per project state, so every dashboard widget renders from one computation.
import type Database from "better-sqlite3";
import { z } from "zod";
import {
  bradleyTerryFromCounts,
  breakdownBy,
  cohenKappa,
  markLowOutliers,
  meanPairwiseTau,
  median,
  pairwiseAgreementFromCounts,
  pairwiseAgreementIntervals,
  rankingAlpha,
  ratingAlphaByCriterion,
  ratingAlphaCI,
  type AnnotatorQuality,
  type BootstrapInterval,
  type BreakdownComparison,
  type BreakdownRow,
  type LeaderboardRow,
  type PairCounts,
  type RankingJudgment,
  type RatingJudgment,
  type WinRateMatrix,
} from "@/lib/stats";
import type { StoredJudgment } from "@/lib/formats/judgment";
import { nowOf, requireScope, type Ctx } from "./context";
import { notFound, parseInput } from "./errors";

export const statsInput = z.object({
  slug: z.string().min(1),
  /** Candidate metadata key to break win rates down by (or "model"). */
  by: z
    .string()
    .trim()
    .min(1)
    .max(100)
    .regex(/^[A-Za-z0-9_.:-]+$/, "must be a metadata key (letters, digits, _ . : -)")
    .optional(),
  rounds: z.coerce.number().int().min(0).max(2000).default(100),
  seed: z.coerce.number().int().min(0).max(2 ** 32 - 1).default(1),
});
export type StatsInput = z.input<typeof statsInput>;

export interface Interval {
  low: number | null;
  high: number | null;
  /** Bootstrap rounds where the figure was defined. */
  rounds: number;
}

export interface AnnotatorStats extends AnnotatorQuality {
  user_id: number;
  email: string;
  name: string;
  /** Whose judgments were imported (cannot sign in). */
  external: boolean;
}

export interface ProgressDay {
  /** UTC day, YYYY-MM-DD. */
  date: string;
  judgments: number;
  /** Items whose last wanted judgment (overlap plus any sent back) arrived that day. */
  completed: number;
  cumulative_judgments: number;
  cumulative_completed: number;
}

export interface ProjectStats {
  project: { slug: string; name: string; overlap: number };
  generated_at: string;
  options: { by: string | null; rounds: number; seed: number };
  items: number;
  judgments: number;
  complete_items: number;
  judgment_types: Record<string, number>;
  agreement: {
    /** Items with at least two pairwise judgments, and the judgments on them. */
    n_items: number;
    n_judgments: number;
    n_pairs: number;
    n_pairs_no_ties: number;
    both_bad: number;
    /** Items with pairwise judgments by the strict majority of them (both_bad counts as tie); none: no majority. */
    majority: { A: number; tie: number; B: number; none: number };
    percent: number | null;
    percent_ci: Interval;
    percent_no_ties: number | null;
    percent_no_ties_ci: Interval;
    cohen_kappa: { a: string; b: string; kappa: number | null; n: number }[];
    fleiss_kappa: number | null;
    fleiss_kappa_ci: Interval;
    krippendorff_alpha_nominal: number | null;
    krippendorff_alpha_nominal_ci: Interval;
    krippendorff_alpha_ordinal: number | null;
    krippendorff_alpha_ordinal_ci: Interval;
  };
  ratings: { criterion: string; alpha: number | null; n_items: number; n_values: number; ci: Interval }[];
  rankings: {
    tau_mean: number | null;
    n_pairs: number;
    by_annotator_pair: { a: string; b: string; tau: number | null; n: number }[];
    alpha: number | null;
    n_items: number;
    n_judgments: number;
  } | null;
  annotators: AnnotatorStats[];
  leaderboard: LeaderboardRow[];
  win_rates: WinRateMatrix;
  leaderboard_info: { n_comparisons: number; n_self_ignored: number; prior_used: boolean; rounds: number };
  breakdown: { key: string; rows: BreakdownRow[] } | null;
  /** Candidate metadata keys seen in the project's first 1000 candidates (for picking `by`). */
  metadata_keys: string[];
  progress: {
    per_day: ProgressDay[];
    per_annotator_day: { date: string; annotator: string; judgments: number }[];
    projection: {
      remaining_items: number;
      /** Items completed per day over the last `window_days` days up to now. */
      recent_rate_per_day: number;
      window_days: number;
      /** Projected completion day at that rate; null when done or when nothing was completed recently. */
      date: string | null;
    };
  };
}

const DAY_MS = 86_400_000;
const PROJECTION_WINDOW_DAYS = 7;
const CACHE_SIZE = 16;

// Raw prepared statements (better-sqlite3 caches nothing by itself): one set per connection.
const statements = new WeakMap<Database.Database, Map<string, Database.Statement>>();
function stmt(client: Database.Database, text: string): Database.Statement {
  let map = statements.get(client);
  if (!map) statements.set(client, (map = new Map()));
  let s = map.get(text);
  if (!s) map.set(text, (s = client.prepare(text)));
  return s;
}

const PROJECT_SQL = `select id, slug, name, overlap from projects where slug = ?`;
const STATE_SQL = `select
  (select count(*) from judgments where project_id = @p) as judgments,
  (select max(id) from judgments where project_id = @p) as maxJudgment,
  (select max(id) from judgment_revisions) as maxRevision,
  (select count(*) from items where project_id = @p) as items,
  (select max(id) from items where project_id = @p) as maxItem,
  (select coalesce(sum(extra_overlap), 0) from items where project_id = @p) as extraOverlap`;
const ITEMS_SQL = `select id, judgment_count, json_extract(gold, '$.choice'), extra_overlap from items where project_id = ? order by id`;
const CANDIDATES_SQL = `select c.id, c.item_id, c.position, c.model from candidates c join items i on i.id = c.item_id where i.project_id = ?`;
const CANDIDATES_META_SQL = `select c.id, c.item_id, c.position, c.model, c.metadata from candidates c join items i on i.id = c.item_id where i.project_id = ?`;
const KEYS_SQL = `select distinct k.key from (select c.metadata from candidates c join items i on i.id = c.item_id
  where i.project_id = ? and c.metadata is not null limit 1000) m, json_each(m.metadata) k order by k.key`;
const ANNOTATORS_SQL = `select id, email, name, external from users where id in (select distinct user_id from judgments where project_id = ?)`;
// Ordered by item (the (project_id, item_id) index gives this order without sorting), so the
// judgments of an item arrive together. Payloads are parsed only where ratings or rankings may be.
export const JUDGMENT_ROWS_SQL = `select j.item_id, j.user_id, j.type, j.choice, j.winner_candidate_id,
  json_extract(j.slot_order, '$[0]'), j.duration_ms, j.source, j.created_at, json_extract(j.payload, '$.flags'),
  case when j.type <> 'pairwise' or instr(j.payload, '"ratings"') > 0 then j.payload end
  from judgments j where j.project_id = ? order by j.item_id, j.id`;

type ItemRow = [number, number, string | null, number];
type CandidateRow = [number, number, number, string | null, string?];
type JudgmentRow = [number, number, string, string | null, number | null, number | null, number | null, string, number, string | null, string | null];

/** Dense id → index lookup for ids that are mostly contiguous (rows of one project). */
class IdIndex {
  private readonly min: number;
  private readonly table: Int32Array | null;
  private readonly map: Map<number, number> | null;
  constructor(ids: ArrayLike<number>) {
    let min = Infinity;
    let max = -Infinity;
    for (let i = 0; i < ids.length; i++) {
      if (ids[i] < min) min = ids[i];
      if (ids[i] > max) max = ids[i];
    }
    this.min = min;
    const span = ids.length ? max - min + 1 : 0;
    if (span <= 4 * ids.length + 1024) {
      this.table = new Int32Array(span).fill(-1);
      for (let i = 0; i < ids.length; i++) this.table[ids[i] - min] = i;
      this.map = null;
    } else {
      this.table = null;
      this.map = new Map();
      for (let i = 0; i < ids.length; i++) this.map.set(ids[i], i);
    }
  }
  get(id: number): number {
    if (this.table) {
      const k = id - this.min;
      return k >= 0 && k < this.table.length ? this.table[k] : -1;
    }
    return this.map!.get(id) ?? -1;
  }
}

const cache = new Map<string, ProjectStats>();

/** Statistics of one project (managers and admins); see README "Project statistics" for the JSON. */
export function projectStats({ ctx, input }: { ctx: Ctx; input: StatsInput }): ProjectStats {
  requireScope(ctx, "project:read");
  const options = parseInput(statsInput, input);
  const db = ctx.db.$client;
  const project = stmt(db, PROJECT_SQL).get(options.slug) as { id: number; slug: string; name: string; overlap: number } | undefined;
  if (!project) throw notFound(`Project "${options.slug}"`);
  // One read transaction: every query sees the same snapshot, even while annotators keep judging.
  return db.transaction(() => {
    const state = stmt(db, STATE_SQL).get({ p: project.id }) as Record<string, number | null>;
    const key = JSON.stringify([db.name, project.id, project.overlap, state, options.by ?? null, options.rounds, options.seed]);
    const hit = cache.get(key);
    if (hit) {
      // Refresh its place in the LRU order.
      cache.delete(key);
      cache.set(key, hit);
      return hit;
    }
    const result = computeStats(db, project, options, nowOf(ctx));
    cache.set(key, result);
    while (cache.size > CACHE_SIZE) cache.delete(cache.keys().next().value!);
    return result;
  })();
}

/** Forgets cached results (tests and benchmarks measure the computation itself). */
export function clearStatsCache(): void {
  cache.clear();
}

function emptyInterval(): Interval {
  return { low: null, high: null, rounds: 0 };
}

function toInterval(b: BootstrapInterval): Interval {
  return { low: b.ci_low, high: b.ci_high, rounds: b.rounds };
}

function dayOf(ms: number): string {
  return new Date(Math.floor(ms / DAY_MS) * DAY_MS).toISOString().slice(0, 10);
}

const OUTCOME_A = 0;
const OUTCOME_B = 1;
const OUTCOME_TIE = 2;
const OUTCOME_BOTH_BAD = 3;
const OUTCOME_NAMES = ["A", "B", "tie", "both_bad"] as const;
/** Agreement category of each outcome code: A = 0, tie = 1, B = 2. */
const CATEGORY = [0, 2, 1, 1];

function outcomeCode(name: string | null | undefined): number {
  switch (name) {
    case "A":
      return OUTCOME_A;
    case "B":
      return OUTCOME_B;
    case "tie":
      return OUTCOME_TIE;
    case "both_bad":
      return OUTCOME_BOTH_BAD;
    default:
      return -1;
  }
}

function computeStats(
  db: Database.Database,
  project: { id: number; slug: string; name: string; overlap: number },
  options: z.output<typeof statsInput>,
  now: number,
): ProjectStats {
  // Items, in id order.
  const itemRows = stmt(db, ITEMS_SQL).raw(true).all(project.id) as ItemRow[];
  const nItems = itemRows.length;
  const itemIds = new Int32Array(nItems);
  const itemGold = new Int8Array(nItems).fill(-1);
  // Judgments wanted per item: the project's overlap plus what a manager sent back (extra_overlap).
  const itemWanted = new Int32Array(nItems);
  let completeItems = 0;
  for (let i = 0; i < nItems; i++) {
    const [id, judgmentCount, gold, extraOverlap] = itemRows[i];
    itemIds[i] = id;
    itemGold[i] = outcomeCode(gold);
    itemWanted[i] = project.overlap + extraOverlap;
    if (judgmentCount >= itemWanted[i]) completeItems++;
  }
  const itemIndex = new IdIndex(itemIds);

  // Candidates: position and model of each, and the two canonical candidates of each item.
  const wantMeta = options.by !== undefined;
  const candidateRows = stmt(db, wantMeta ? CANDIDATES_META_SQL : CANDIDATES_SQL).raw(true).all(project.id) as CandidateRow[];
  const nCandidates = candidateRows.length;
  const candidateIds = new Int32Array(nCandidates);
  for (let c = 0; c < nCandidates; c++) candidateIds[c] = candidateRows[c][0];
  const candidateIndex = new IdIndex(candidateIds);
  const candidatePosition = new Int32Array(nCandidates);
  const modelNames: string[] = [];
  const modelOf = new Map<string, number>();
  const itemModel = new Int32Array(2 * nItems).fill(-1);
  for (let c = 0; c < nCandidates; c++) {
    const [, itemId, position, model] = candidateRows[c];
    candidatePosition[c] = position;
    const i = itemIndex.get(itemId);
    if (i < 0 || position > 1) continue;
    if (model !== null) {
      let m = modelOf.get(model);
      if (m === undefined) {
        m = modelNames.length;
        modelOf.set(model, m);
        modelNames.push(model);
      }
      itemModel[2 * i + position] = m;
    }
  }

  // Annotators, interned by user id.
  const annotatorRows = stmt(db, ANNOTATORS_SQL).all(project.id) as { id: number; email: string; name: string; external: number }[];
  annotatorRows.sort((x, y) => (x.email < y.email ? -1 : x.email > y.email ? 1 : 0));
  const nAnnotators = annotatorRows.length;
  const annotatorIndex = new Map<number, number>(annotatorRows.map((u, a) => [u.id, a]));

  // Per-annotator tallies.
  const tJudgments = new Float64Array(nAnnotators);
  const tPairwise = new Float64Array(nAnnotators);
  const tMajorityAgree = new Float64Array(nAnnotators);
  const tMajorityN = new Float64Array(nAnnotators);
  const tGoldCorrect = new Float64Array(nAnnotators);
  const tGoldN = new Float64Array(nAnnotators);
  const tTies = new Float64Array(nAnnotators);
  const tBothBad = new Float64Array(nAnnotators);
  const tSlotA = new Float64Array(nAnnotators);
  const tPositionN = new Float64Array(nAnnotators);
  const tDurations: number[][] = annotatorRows.map(() => []);
  const tFlags: Record<string, number>[] = annotatorRows.map(() => ({}));

  // Per-item category counts, in order of first appearance (= item id order).
  const counts = new Int32Array(3 * nItems);
  const bothBadPerItem = new Int32Array(nItems);
  const seenItem = new Uint8Array(nItems);
  const appearance = new Int32Array(nItems);
  let nAppeared = 0;

  // Cohen's kappa tables: annotator pair (a < b) → 3 × 3 confusion counts.
  const kappaTables = new Map<number, Float64Array>();

  // Leaderboard pair counts, models and pairs in order of first appearance (as countPairs does).
  const lbModel = new Int32Array(modelNames.length).fill(-1);
  const lbNames: string[] = [];
  const nModels = modelNames.length;
  const pairSlot = new Int32Array(nModels * nModels).fill(-1);
  const pairFirst: number[] = [];
  const pairSecond: number[] = [];
  const pairCells: number[] = [];
  let nComparisons = 0;
  let nSelf = 0;
  const lbIndex = (m: number): number => {
    if (lbModel[m] < 0) {
      lbModel[m] = lbNames.length;
      lbNames.push(modelNames[m]);
    }
    return lbModel[m];
  };

  // Progress.
  const perDay = new Map<number, { judgments: number; completed: number }>();
  const perAnnotatorDay = new Map<number, Map<number, number>>();
  const dayRow = (day: number) => {
    let row = perDay.get(day);
    if (!row) perDay.set(day, (row = { judgments: 0, completed: 0 }));
    return row;
  };

  const typeCounts: Record<string, number> = {};
  const ratings: RatingJudgment[] = [];
  const rankings: RankingJudgment[] = [];

  // The current item's pairwise judgments, flushed when the item changes.
  let groupItem = -1;
  let groupSize = 0;
  let groupAnn = new Int32Array(16);
  let groupCat = new Int8Array(16);
  let groupTimes: number[] = [];

  // Items by the strict majority of their pairwise judgments: A, tie, B, none.
  const majority = [0, 0, 0, 0];

  const flush = (): void => {
    if (groupItem >= 0 && groupTimes.length >= itemWanted[groupItem]) {
      groupTimes.sort((x, y) => x - y);
      dayRow(Math.floor(groupTimes[itemWanted[groupItem] - 1] / DAY_MS)).completed++;
    }
    groupTimes = [];
    if (groupItem >= 0 && groupSize > 0) {
      let winner = 3;
      for (let c = 0; c < 3; c++) if (counts[3 * groupItem + c] * 2 > groupSize) winner = c;
      majority[winner]++;
    }
    if (groupItem < 0 || groupSize < 2) {
      groupSize = 0;
      return;
    }
    const base = 3 * groupItem;
    const m = groupSize;
    const others = m - 1;
    for (let x = 0; x < m; x++) {
      const own = groupCat[x];
      const a = groupAnn[x];
      let majority = -1;
      for (let c = 0; c < 3; c++) {
        const n = counts[base + c] - (c === own ? 1 : 0);
        if (n * 2 > others) majority = c;
      }
      if (majority >= 0) {
        tMajorityN[a]++;
        if (majority === own) tMajorityAgree[a]++;
      }
      for (let y = x + 1; y < m; y++) {
        const b = groupAnn[y];
        if (a === b) continue;
        const [lo, hi, cLo, cHi] = a < b ? [a, b, own, groupCat[y]] : [b, a, groupCat[y], own];
        const k = lo * nAnnotators + hi;
        let table = kappaTables.get(k);
        if (!table) kappaTables.set(k, (table = new Float64Array(10)));
        table[cLo * 3 + cHi]++;
        table[9]++;
      }
    }
    groupSize = 0;
  };

  // Pairwise outcomes (item, code) for the breakdown, which needs them once more after the pass.
  let outcomeItem = new Int32Array(wantMeta ? 1024 : 0);
  let outcomeCodes = new Int8Array(wantMeta ? 1024 : 0);
  let nOutcomes = 0;

  let nJudgments = 0;
  const rows = stmt(db, JUDGMENT_ROWS_SQL).raw(true).iterate(project.id) as IterableIterator<JudgmentRow>;
  for (const row of rows) {
    nJudgments++;
    const [itemId, userId, type, choice, winner, firstShown, durationMs, source, createdAt, flagsJson, payloadJson] = row;
    typeCounts[type] = (typeCounts[type] ?? 0) + 1;
    const i = itemIndex.get(itemId);
    const a = annotatorIndex.get(userId)!;
    if (i !== groupItem) {
      flush();
      groupItem = i;
    }
    groupTimes.push(createdAt);
    const day = Math.floor(createdAt / DAY_MS);
    dayRow(day).judgments++;
    let byDay = perAnnotatorDay.get(day);
    if (!byDay) perAnnotatorDay.set(day, (byDay = new Map()));
    byDay.set(a, (byDay.get(a) ?? 0) + 1);

    tJudgments[a]++;
    if (durationMs !== null && durationMs >= 0) tDurations[a].push(durationMs);
    if (flagsJson !== null) {
      const flags = JSON.parse(flagsJson) as Record<string, string[]>;
      for (const keys of Object.values(flags)) for (const f of keys) tFlags[a][f] = (tFlags[a][f] ?? 0) + 1;
    }
    if (payloadJson !== null) collectPayload(JSON.parse(payloadJson) as StoredJudgment, itemId, a, ratings, rankings);

    if (type !== "pairwise" || i < 0) continue;
    let outcome: number;
    if (choice === "tie") outcome = OUTCOME_TIE;
    else if (choice === "both_bad") outcome = OUTCOME_BOTH_BAD;
    else {
      const c = winner === null ? -1 : candidateIndex.get(winner);
      const position = c < 0 ? -1 : candidatePosition[c];
      if (position !== 0 && position !== 1) continue;
      outcome = position === 0 ? OUTCOME_A : OUTCOME_B;
    }
    const category = CATEGORY[outcome];
    if (wantMeta) {
      if (nOutcomes === outcomeItem.length) {
        const grownItem = new Int32Array(outcomeItem.length * 2);
        grownItem.set(outcomeItem);
        outcomeItem = grownItem;
        const grownCode = new Int8Array(outcomeCodes.length * 2);
        grownCode.set(outcomeCodes);
        outcomeCodes = grownCode;
      }
      outcomeItem[nOutcomes] = i;
      outcomeCodes[nOutcomes++] = outcome;
    }
    if (!seenItem[i]) {
      seenItem[i] = 1;
      appearance[nAppeared++] = i;
    }
    counts[3 * i + category]++;
    if (outcome === OUTCOME_BOTH_BAD) bothBadPerItem[i]++;
    if (groupSize === groupAnn.length) {
      const ann = new Int32Array(groupSize * 2);
      ann.set(groupAnn);
      groupAnn = ann;
      const cat = new Int8Array(groupSize * 2);
      cat.set(groupCat);
      groupCat = cat;
    }
    groupAnn[groupSize] = a;
    groupCat[groupSize] = category;
    groupSize++;

    tPairwise[a]++;
    if (category === 1) tTies[a]++;
    if (outcome === OUTCOME_BOTH_BAD) tBothBad[a]++;
    if (itemGold[i] >= 0) {
      tGoldN[a]++;
      if (itemGold[i] === outcome) tGoldCorrect[a]++; // exact verdict match (matchesGold)
    }
    // Display order is random only for judgments made in the app; imports show canonical order.
    if (category !== 1 && source === "app" && firstShown !== null) {
      const c = candidateIndex.get(firstShown);
      if (c >= 0) {
        tPositionN[a]++;
        if (candidatePosition[c] === outcome) tSlotA[a]++;
      }
    }

    const mA = itemModel[2 * i];
    const mB = itemModel[2 * i + 1];
    if (mA >= 0 && mB >= 0) {
      const x = lbIndex(mA);
      const y = lbIndex(mB);
      if (x === y) {
        nSelf++;
      } else {
        nComparisons++;
        const lo = x < y ? x : y;
        const hi = x < y ? y : x;
        let p = pairSlot[lo * nModels + hi];
        if (p < 0) {
          p = pairFirst.length;
          pairSlot[lo * nModels + hi] = p;
          pairFirst.push(lo);
          pairSecond.push(hi);
          pairCells.push(0, 0, 0, 0);
        }
        const cell = outcome === OUTCOME_A ? (x < y ? 0 : 1) : outcome === OUTCOME_B ? (x < y ? 1 : 0) : outcome === OUTCOME_TIE ? 2 : 3;
        pairCells[4 * p + cell]++;
      }
    }
  }
  flush();

  // Agreement.
  const ordered = new Int32Array(3 * nAppeared);
  const orderedBad = new Int32Array(nAppeared);
  for (let r = 0; r < nAppeared; r++) {
    const i = appearance[r];
    ordered[3 * r] = counts[3 * i];
    ordered[3 * r + 1] = counts[3 * i + 1];
    ordered[3 * r + 2] = counts[3 * i + 2];
    orderedBad[r] = bothBadPerItem[i];
  }
  const point = pairwiseAgreementFromCounts({ counts: ordered, bothBad: orderedBad });
  const intervals = options.rounds > 0 ? pairwiseAgreementIntervals({ counts: ordered }, { rounds: options.rounds, seed: options.seed }) : null;
  const ci = (key: keyof NonNullable<typeof intervals>): Interval => (intervals ? toInterval(intervals[key]) : emptyInterval());
  const email = annotatorRows.map((u) => u.email);
  const cohen = [...kappaTables.entries()]
    .sort(([x], [y]) => x - y)
    .map(([k, table]) => {
      const a = Math.floor(k / nAnnotators);
      const b = k % nAnnotators;
      const matrix = [0, 1, 2].map((r) => [table[3 * r], table[3 * r + 1], table[3 * r + 2]]);
      return { a: email[a], b: email[b], kappa: cohenKappa(matrix), n: table[9] };
    });

  // Annotator quality, as lib/stats annotatorQuality computes it.
  const annotators: AnnotatorStats[] = annotatorRows.map((u, a) => {
    const medianMs = median(tDurations[a]);
    const n = tJudgments[a];
    return {
      annotator: u.email,
      user_id: u.id,
      email: u.email,
      name: u.name,
      external: Boolean(u.external),
      judgments: n,
      median_seconds: medianMs === null ? null : medianMs / 1000,
      majority_agreement: tMajorityN[a] > 0 ? tMajorityAgree[a] / tMajorityN[a] : null,
      majority_n: tMajorityN[a],
      gold_accuracy: tGoldN[a] > 0 ? tGoldCorrect[a] / tGoldN[a] : null,
      gold_n: tGoldN[a],
      tie_rate: tPairwise[a] > 0 ? tTies[a] / tPairwise[a] : null,
      both_bad_rate: tPairwise[a] > 0 ? tBothBad[a] / tPairwise[a] : null,
      position_bias: tPositionN[a] > 0 ? tSlotA[a] / tPositionN[a] : null,
      position_n: tPositionN[a],
      flags: tFlags[a],
      outliers: [],
    };
  });
  const minN = 10;
  const threshold = 3.5;
  markLowOutliers(annotators, (row) => (row.majority_n >= minN ? row.majority_agreement : null), threshold, "low_agreement");
  const durationsOf = new Map(annotators.map((row, a) => [row, tDurations[a].length]));
  markLowOutliers(
    annotators,
    (row) => (row.median_seconds !== null && durationsOf.get(row as AnnotatorStats)! >= minN ? Math.log1p(row.median_seconds) : null),
    threshold,
    "fast",
  );

  // Leaderboard.
  const pairCounts: PairCounts = {
    models: lbNames,
    first: Int32Array.from(pairFirst),
    second: Int32Array.from(pairSecond),
    cells: Float64Array.from(pairCells),
    n_comparisons: nComparisons,
    n_self_ignored: nSelf,
  };
  const board = bradleyTerryFromCounts(pairCounts, { rounds: options.rounds, seed: options.seed });

  // Ratings and rankings, where the project has them.
  const ratingFigures = ratingAlphaByCriterion(ratings).map((r) => ({
    ...r,
    ci:
      options.rounds > 0
        ? toInterval(ratingAlphaCI(ratings.filter((x) => x.criterion === r.criterion), "interval", { rounds: options.rounds, seed: options.seed }))
        : emptyInterval(),
  }));
  let rankingFigures: ProjectStats["rankings"] = null;
  if (rankings.length > 0) {
    const tau = meanPairwiseTau(rankings);
    const alpha = rankingAlpha(rankings);
    rankingFigures = { tau_mean: tau.mean, n_pairs: tau.n_pairs, by_annotator_pair: tau.by_annotator_pair, ...alpha };
  }

  // Breakdown by a candidate metadata key.
  let breakdown: ProjectStats["breakdown"] = null;
  if (options.by !== undefined) breakdown = { key: options.by, rows: breakdownRows(options.by, candidateRows, itemIndex, nItems, outcomeItem.subarray(0, nOutcomes), outcomeCodes.subarray(0, nOutcomes)) };

  // Progress over time.
  const days = [...perDay.keys()].sort((x, y) => x - y);
  let cumulativeJudgments = 0;
  let cumulativeCompleted = 0;
  const perDayRows: ProgressDay[] = days.map((day) => {
    const row = perDay.get(day)!;
    cumulativeJudgments += row.judgments;
    cumulativeCompleted += row.completed;
    return { date: dayOf(day * DAY_MS), judgments: row.judgments, completed: row.completed, cumulative_judgments: cumulativeJudgments, cumulative_completed: cumulativeCompleted };
  });
  const perAnnotatorRows: { date: string; annotator: string; judgments: number }[] = [];
  for (const day of days) {
    const byDay = perAnnotatorDay.get(day)!;
    for (const a of [...byDay.keys()].sort((x, y) => x - y)) perAnnotatorRows.push({ date: dayOf(day * DAY_MS), annotator: email[a], judgments: byDay.get(a)! });
  }
  const today = Math.floor(now / DAY_MS);
  let recent = 0;
  for (const day of days) if (day > today - PROJECTION_WINDOW_DAYS && day <= today) recent += perDay.get(day)!.completed;
  const rate = recent / PROJECTION_WINDOW_DAYS;
  const remaining = Math.max(0, nItems - completeItems);
  const projected = remaining === 0 ? null : rate > 0 ? dayOf(now + Math.ceil(remaining / rate) * DAY_MS) : null;

  const keys = (stmt(db, KEYS_SQL).pluck(true).all(project.id) as string[]).filter((k) => k !== "model");

  return {
    project: { slug: project.slug, name: project.name, overlap: project.overlap },
    generated_at: new Date(now).toISOString(),
    options: { by: options.by ?? null, rounds: options.rounds, seed: options.seed },
    items: nItems,
    judgments: nJudgments,
    complete_items: completeItems,
    judgment_types: typeCounts,
    agreement: {
      n_items: point.percent.n_items,
      n_judgments: point.fleiss.n_ratings,
      n_pairs: point.percent.n_pairs,
      n_pairs_no_ties: point.percent.n_pairs_no_ties,
      both_bad: point.percent.both_bad,
      majority: { A: majority[0], tie: majority[1], B: majority[2], none: majority[3] },
      percent: point.percent.percent,
      percent_ci: ci("percent"),
      percent_no_ties: point.percent.percent_no_ties,
      percent_no_ties_ci: ci("percent_no_ties"),
      cohen_kappa: cohen,
      fleiss_kappa: point.fleiss.kappa,
      fleiss_kappa_ci: ci("fleiss_kappa"),
      krippendorff_alpha_nominal: point.alpha_nominal.alpha,
      krippendorff_alpha_nominal_ci: ci("alpha_nominal"),
      krippendorff_alpha_ordinal: point.alpha_ordinal.alpha,
      krippendorff_alpha_ordinal_ci: ci("alpha_ordinal"),
    },
    ratings: ratingFigures,
    rankings: rankingFigures,
    annotators,
    leaderboard: board.rows,
    win_rates: board.win_rates,
    leaderboard_info: { n_comparisons: board.n_comparisons, n_self_ignored: board.n_self_ignored, prior_used: board.prior_used, rounds: board.rounds },
    breakdown,
    metadata_keys: ["model", ...keys],
    progress: {
      per_day: perDayRows,
      per_annotator_day: perAnnotatorRows,
      projection: { remaining_items: remaining, recent_rate_per_day: rate, window_days: PROJECTION_WINDOW_DAYS, date: projected },
    },
  };
}

/** Ratings per (item, candidate) and rankings of candidate ids, in the shapes lib/stats takes. */
function collectPayload(payload: StoredJudgment, itemId: number, annotator: number, ratings: RatingJudgment[], rankings: RankingJudgment[]): void {
  const who = String(annotator);
  if (payload.ratings) {
    for (const [candidate, values] of Object.entries(payload.ratings)) {
      for (const [criterion, value] of Object.entries(values)) {
        if (typeof value === "number") ratings.push({ item: `${itemId}:${candidate}`, annotator: who, criterion, value });
      }
    }
  }
  if (payload.type === "ranking" && payload.ranking) {
    rankings.push({ item: String(itemId), annotator: who, ranking: payload.ranking.map((group) => group.map(String)) });
  }
}

/**
 * breakdownBy over the project's pairwise judgments (their items and outcome codes, in scan
 * order). "model" means the candidate's model unless the metadata has its own "model" field.
 */
function breakdownRows(
  key: string,
  candidateRows: CandidateRow[],
  itemIndex: IdIndex,
  nItems: number,
  outcomeItem: Int32Array,
  outcomeCodes: Int8Array,
): BreakdownRow[] {
  const metadataOf: (Readonly<Record<string, unknown>> | undefined)[] = new Array(nItems * 2);
  for (const [, itemId, position, model, metadata] of candidateRows) {
    const i = itemIndex.get(itemId);
    if (i < 0 || position > 1) continue;
    const parsed = metadata ? (JSON.parse(metadata) as Record<string, unknown>) : {};
    metadataOf[2 * i + position] = key === "model" && !("model" in parsed) ? { ...parsed, model } : parsed;
  }
  const comparisons: BreakdownComparison[] = [];
  for (let x = 0; x < outcomeItem.length; x++) {
    const i = outcomeItem[x];
    const metadataA = metadataOf[2 * i];
    const metadataB = metadataOf[2 * i + 1];
    if (metadataA && metadataB) comparisons.push({ outcome: OUTCOME_NAMES[outcomeCodes[x]], metadataA, metadataB });
  }
  return breakdownBy(comparisons, key);
}
