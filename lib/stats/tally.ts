// The project tally: every figure of the statistics dashboard from one pass over plain rows (items,
// candidates, annotators, judgments ordered by item), with no object per judgment kept. Per-item
// category counts feed agreement and its bootstrap (counts.ts), per-model-pair counts feed
// Bradley–Terry (bradleyTerryFromCounts), and per-annotator tallies feed the quality table. The stats
// service reads the rows from the database; the tests compare every figure with the reference
// implementations in reference/, which take one object per judgment.
//
// Assumes what the schema enforces: one judgment per (item, annotator).

import type { Choice } from "@/lib/formats/record";
import { matchesGold } from "@/lib/formats/verdict";
import { cohenKappa, meanPairwiseTau, rankingAlpha, ratingAlphaByCriterion } from "./agreement";
import { median, ratingAlphaCI } from "./bootstrap";
import { bradleyTerryFromCounts, CELLS, type PairCounts } from "./bradley-terry";
import { breakdownBy } from "./breakdown";
import { pairwiseAgreementFromCounts, pairwiseAgreementIntervals } from "./counts";
import { completionProjection, DAY_MS } from "./projection";
import { markOutliers } from "./quality";
import type {
  AnnotatorStats,
  BootstrapInterval,
  BreakdownComparison,
  BreakdownRow,
  Interval,
  ProgressDay,
  ProgressHour,
  ProjectFigures,
  RankingJudgment,
  RatingJudgment,
  Verdict,
} from "./types";

/** An item: its id, the judgments it wants (overlap plus any sent back), and its gold verdict. */
export interface TallyItem {
  id: number;
  /** Judgments recorded (items.judgment_count). */
  judgments: number;
  wanted: number;
  gold: Verdict | null;
}

/** A candidate of an item; metadata is only needed for a breakdown. */
export interface TallyCandidate {
  item: number;
  position: number;
  model: string | null;
  metadata?: Readonly<Record<string, unknown>> | null;
}

export interface TallyAnnotator {
  id: number;
  email: string;
  name: string;
  external: boolean;
}

/** A judgment; the rows of one item must come together (ordered by item). */
export interface TallyJudgment {
  item: number;
  annotator: number;
  type: string;
  /** The slot chosen (pairwise), for position bias. */
  choice: Choice | null;
  /** The verdict (pairwise; lib/formats/verdict.ts); null when it has none. */
  verdict: Verdict | null;
  durationMs: number | null;
  /** Made in the app, where the slot order is random (imports show the item's order). */
  fromApp: boolean;
  createdAt: number;
  /** Every flag raised, on any candidate. */
  flags: readonly string[] | null;
  /** candidate id → criterion → value */
  ratings: Readonly<Record<string, Readonly<Record<string, number>>>> | null;
  /** Best to worst groups of candidate ids. */
  ranking: readonly (readonly number[])[] | null;
}

export interface TallyRows {
  items: Iterable<TallyItem>;
  candidates: Iterable<TallyCandidate>;
  annotators: Iterable<TallyAnnotator>;
  judgments: Iterable<TallyJudgment>;
}

export interface TallyOptions {
  /** Candidate metadata key to break win rates down by ("model": the candidate's model unless its metadata has one). */
  by: string | null;
  rounds: number;
  seed: number;
  /** Now, in ms: the progress projection counts the last days up to it. */
  now: number;
}

const HOUR_MS = 3_600_000;
/** Hours are charted while the first and last judgment are at most this many hours apart. */
const HOURLY_SPAN = 48;

// Verdict codes: A, B, tie, both_bad; CATEGORY maps each to its agreement category (A 0, tie 1, B 2).
const VERDICT_CODE: Readonly<Record<Verdict, number>> = { A: 0, B: 1, tie: 2, both_bad: 3 };
const VERDICTS: readonly Verdict[] = ["A", "B", "tie", "both_bad"];
const CATEGORY = [0, 2, 1, 1];
const TIE = 1;

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

/** A growable pair of typed arrays: (item index, verdict code) of each pairwise judgment, for the breakdown. */
class VerdictLog {
  item = new Int32Array(1024);
  code = new Int8Array(1024);
  length = 0;
  push(item: number, code: number): void {
    if (this.length === this.item.length) {
      const item = new Int32Array(this.length * 2);
      item.set(this.item);
      this.item = item;
      const code = new Int8Array(this.length * 2);
      code.set(this.code);
      this.code = code;
    }
    this.item[this.length] = item;
    this.code[this.length++] = code;
  }
}

/** Model-pair counts for Bradley–Terry, models and pairs in order of first appearance (as the reference countPairs does). */
class PairTable {
  private readonly order: Int32Array;
  private readonly names: string[] = [];
  private readonly slot: Int32Array;
  private readonly first: number[] = [];
  private readonly second: number[] = [];
  private readonly cells: number[] = [];
  private comparisons = 0;
  private self = 0;
  constructor(private readonly models: readonly string[]) {
    this.order = new Int32Array(models.length).fill(-1);
    this.slot = new Int32Array(models.length * models.length).fill(-1);
  }
  private index(m: number): number {
    if (this.order[m] < 0) {
      this.order[m] = this.names.length;
      this.names.push(this.models[m]);
    }
    return this.order[m];
  }
  /** A comparison of model mA (the item's first candidate) with mB (its second) with this verdict code. */
  add(mA: number, mB: number, code: number): void {
    const x = this.index(mA);
    const y = this.index(mB);
    if (x === y) {
      this.self++;
      return;
    }
    this.comparisons++;
    const lo = x < y ? x : y;
    const hi = x < y ? y : x;
    const key = lo * this.models.length + hi;
    let p = this.slot[key];
    if (p < 0) {
      p = this.first.length;
      this.slot[key] = p;
      this.first.push(lo);
      this.second.push(hi);
      this.cells.push(0, 0, 0, 0);
    }
    // Cells: first model won, second won, tie, both_bad.
    const cell = code === 0 ? (x < y ? 0 : 1) : code === 1 ? (x < y ? 1 : 0) : code;
    this.cells[CELLS * p + cell]++;
  }
  counts(): PairCounts {
    return {
      models: this.names,
      first: Int32Array.from(this.first),
      second: Int32Array.from(this.second),
      cells: Float64Array.from(this.cells),
      n_comparisons: this.comparisons,
      n_self_ignored: this.self,
    };
  }
}

/** Per-annotator quality tallies, indexed by annotator. */
class QualityTally {
  readonly judgments: Float64Array;
  readonly pairwise: Float64Array;
  readonly majorityAgree: Float64Array;
  readonly majorityN: Float64Array;
  readonly goldCorrect: Float64Array;
  readonly goldN: Float64Array;
  readonly ties: Float64Array;
  readonly bothBad: Float64Array;
  readonly slotA: Float64Array;
  readonly positionN: Float64Array;
  readonly durations: number[][];
  readonly flags: Record<string, number>[];
  constructor(n: number) {
    this.judgments = new Float64Array(n);
    this.pairwise = new Float64Array(n);
    this.majorityAgree = new Float64Array(n);
    this.majorityN = new Float64Array(n);
    this.goldCorrect = new Float64Array(n);
    this.goldN = new Float64Array(n);
    this.ties = new Float64Array(n);
    this.bothBad = new Float64Array(n);
    this.slotA = new Float64Array(n);
    this.positionN = new Float64Array(n);
    this.durations = Array.from({ length: n }, () => []);
    this.flags = Array.from({ length: n }, () => ({}));
  }
  judgment(a: number, j: TallyJudgment): void {
    this.judgments[a]++;
    if (j.durationMs !== null && j.durationMs >= 0) this.durations[a].push(j.durationMs);
    if (j.flags) for (const flag of j.flags) this.flags[a][flag] = (this.flags[a][flag] ?? 0) + 1;
  }
  verdict(a: number, j: TallyJudgment, code: number, gold: Verdict | null): void {
    this.pairwise[a]++;
    const category = CATEGORY[code];
    if (category === TIE) this.ties[a]++;
    if (code === VERDICT_CODE.both_bad) this.bothBad[a]++;
    if (gold !== null) {
      this.goldN[a]++;
      if (matchesGold(j.verdict, gold)) this.goldCorrect[a]++;
    }
    // Display order is random only for judgments made in the app; imports show the item's order.
    if (category !== TIE && j.fromApp && (j.choice === "A" || j.choice === "B")) {
      this.positionN[a]++;
      if (j.choice === "A") this.slotA[a]++;
    }
  }
  rows(annotators: readonly TallyAnnotator[]): AnnotatorStats[] {
    const rows = annotators.map((u, a): AnnotatorStats => {
      const medianMs = median(this.durations[a]);
      const pairwise = this.pairwise[a];
      return {
        annotator: u.email,
        user_id: u.id,
        email: u.email,
        name: u.name,
        external: u.external,
        judgments: this.judgments[a],
        median_seconds: medianMs === null ? null : medianMs / 1000,
        majority_agreement: this.majorityN[a] > 0 ? this.majorityAgree[a] / this.majorityN[a] : null,
        majority_n: this.majorityN[a],
        gold_accuracy: this.goldN[a] > 0 ? this.goldCorrect[a] / this.goldN[a] : null,
        gold_n: this.goldN[a],
        tie_rate: pairwise > 0 ? this.ties[a] / pairwise : null,
        both_bad_rate: pairwise > 0 ? this.bothBad[a] / pairwise : null,
        position_bias: this.positionN[a] > 0 ? this.slotA[a] / this.positionN[a] : null,
        position_n: this.positionN[a],
        flags: this.flags[a],
        outliers: [],
      };
    });
    markOutliers(rows, this.durations.map((d) => d.length));
    return rows;
  }
}

/**
 * Agreement over items: per-item category counts in order of first appearance, items by their
 * majority, Cohen's kappa tables per annotator pair, and each judgment against the majority of the
 * others (into the quality tally). Judgments of an item are collected, then closed together.
 */
class AgreementTally {
  readonly counts: Int32Array;
  readonly bothBad: Int32Array;
  private readonly seen: Uint8Array;
  private readonly appearance: Int32Array;
  private appeared = 0;
  /** Items by the strict majority of their pairwise verdicts: A, tie, B, none. */
  readonly majority = [0, 0, 0, 0];
  /** Annotator pair (a < b) → 3 × 3 confusion counts and their total. */
  readonly kappaTables = new Map<number, Float64Array>();
  private item = -1;
  private size = 0;
  private annotators = new Int32Array(16);
  private categories = new Int8Array(16);
  constructor(
    nItems: number,
    private readonly nAnnotators: number,
    private readonly quality: QualityTally,
  ) {
    this.counts = new Int32Array(3 * nItems);
    this.bothBad = new Int32Array(nItems);
    this.seen = new Uint8Array(nItems);
    this.appearance = new Int32Array(nItems);
  }
  add(i: number, a: number, code: number): void {
    if (i !== this.item) this.close();
    this.item = i;
    if (!this.seen[i]) {
      this.seen[i] = 1;
      this.appearance[this.appeared++] = i;
    }
    const category = CATEGORY[code];
    this.counts[3 * i + category]++;
    if (code === VERDICT_CODE.both_bad) this.bothBad[i]++;
    if (this.size === this.annotators.length) {
      const annotators = new Int32Array(this.size * 2);
      annotators.set(this.annotators);
      this.annotators = annotators;
      const categories = new Int8Array(this.size * 2);
      categories.set(this.categories);
      this.categories = categories;
    }
    this.annotators[this.size] = a;
    this.categories[this.size++] = category;
  }
  /** Closes the current item. */
  close(): void {
    const i = this.item;
    const m = this.size;
    this.item = -1;
    this.size = 0;
    if (i < 0 || m === 0) return;
    const base = 3 * i;
    // Only items with two or more pairwise judgments, as every other agreement figure: one judgment is no majority of anything.
    if (m < 2) return;
    let winner = 3;
    for (let c = 0; c < 3; c++) if (this.counts[base + c] * 2 > m) winner = c;
    this.majority[winner]++;
    const others = m - 1;
    for (let x = 0; x < m; x++) {
      const own = this.categories[x];
      const a = this.annotators[x];
      let majority = -1;
      for (let c = 0; c < 3; c++) {
        const n = this.counts[base + c] - (c === own ? 1 : 0);
        if (n * 2 > others) majority = c;
      }
      if (majority >= 0) {
        this.quality.majorityN[a]++;
        if (majority === own) this.quality.majorityAgree[a]++;
      }
      for (let y = x + 1; y < m; y++) {
        const b = this.annotators[y];
        if (a === b) continue;
        const [lo, hi, cLo, cHi] = a < b ? [a, b, own, this.categories[y]] : [b, a, this.categories[y], own];
        const k = lo * this.nAnnotators + hi;
        let table = this.kappaTables.get(k);
        if (!table) this.kappaTables.set(k, (table = new Float64Array(10)));
        table[cLo * 3 + cHi]++;
        table[9]++;
      }
    }
  }
  /** Category counts (and both_bad) of the items in order of first appearance, as the bootstrap draws them. */
  ordered(): { counts: Int32Array; bothBad: Int32Array } {
    const counts = new Int32Array(3 * this.appeared);
    const bothBad = new Int32Array(this.appeared);
    for (let r = 0; r < this.appeared; r++) {
      const i = this.appearance[r];
      counts.set(this.counts.subarray(3 * i, 3 * i + 3), 3 * r);
      bothBad[r] = this.bothBad[i];
    }
    return { counts, bothBad };
  }
}

/** Judgments per day and per annotator and day, and the day each item got its last wanted judgment. */
class ProgressTally {
  readonly perDay = new Map<number, { judgments: number; completed: number }>();
  readonly perAnnotatorDay = new Map<number, Map<number, number>>();
  /** Per UTC hour, for a young project's chart; bounded by the number of distinct hours. */
  readonly perHour = new Map<number, { judgments: number; completed: number }>();
  /** When each complete item got its last wanted judgment, for the projection. */
  private readonly completedAt: number[] = [];
  private first = Infinity;
  private judgments = 0;
  private item = -1;
  private times: number[] = [];
  constructor(private readonly wanted: Int32Array) {}
  private day(day: number): { judgments: number; completed: number } {
    let row = this.perDay.get(day);
    if (!row) this.perDay.set(day, (row = { judgments: 0, completed: 0 }));
    return row;
  }
  private hour(hour: number): { judgments: number; completed: number } {
    let row = this.perHour.get(hour);
    if (!row) this.perHour.set(hour, (row = { judgments: 0, completed: 0 }));
    return row;
  }
  add(i: number, a: number, createdAt: number): void {
    if (i !== this.item) this.close();
    this.item = i;
    this.times.push(createdAt);
    const day = Math.floor(createdAt / DAY_MS);
    this.day(day).judgments++;
    this.hour(Math.floor(createdAt / HOUR_MS)).judgments++;
    if (createdAt < this.first) this.first = createdAt;
    this.judgments++;
    let byDay = this.perAnnotatorDay.get(day);
    if (!byDay) this.perAnnotatorDay.set(day, (byDay = new Map()));
    byDay.set(a, (byDay.get(a) ?? 0) + 1);
  }
  close(): void {
    const i = this.item;
    if (i >= 0 && this.times.length >= this.wanted[i]) {
      this.times.sort((x, y) => x - y);
      const at = this.times[this.wanted[i] - 1];
      this.day(Math.floor(at / DAY_MS)).completed++;
      this.hour(Math.floor(at / HOUR_MS)).completed++;
      this.completedAt.push(at);
    }
    this.item = -1;
    this.times = [];
  }
  figures(emails: readonly string[], nItems: number, completeItems: number, now: number): ProjectFigures["progress"] {
    const days = [...this.perDay.keys()].sort((x, y) => x - y);
    let cumulativeJudgments = 0;
    let cumulativeCompleted = 0;
    const perDay: ProgressDay[] = days.map((day) => {
      const row = this.perDay.get(day)!;
      cumulativeJudgments += row.judgments;
      cumulativeCompleted += row.completed;
      return { date: dayOf(day * DAY_MS), judgments: row.judgments, completed: row.completed, cumulative_judgments: cumulativeJudgments, cumulative_completed: cumulativeCompleted };
    });
    const perAnnotatorDay: ProjectFigures["progress"]["per_annotator_day"] = [];
    for (const day of days) {
      const byDay = this.perAnnotatorDay.get(day)!;
      for (const a of [...byDay.keys()].sort((x, y) => x - y)) perAnnotatorDay.push({ date: dayOf(day * DAY_MS), annotator: emails[a], judgments: byDay.get(a)! });
    }
    return {
      per_day: perDay,
      per_hour: this.hours(),
      per_annotator_day: perAnnotatorDay,
      projection: completionProjection({
        now,
        firstJudgmentAt: this.judgments ? this.first : null,
        judgments: this.judgments,
        remainingItems: nItems - completeItems,
        completedAt: this.completedAt,
      }),
    };
  }
  /** Every hour from the first to the last, empty ones included, while they span at most HOURLY_SPAN hours. */
  private hours(): ProgressHour[] {
    if (this.perHour.size === 0) return [];
    const keys = [...this.perHour.keys()];
    const from = Math.min(...keys);
    const to = Math.max(...keys);
    if (to - from >= HOURLY_SPAN) return [];
    const out: ProgressHour[] = [];
    let judgments = 0;
    let completed = 0;
    for (let h = from; h <= to; h++) {
      const row = this.perHour.get(h) ?? { judgments: 0, completed: 0 };
      judgments += row.judgments;
      completed += row.completed;
      out.push({ hour: new Date(h * HOUR_MS).toISOString().slice(0, 16) + "Z", judgments: row.judgments, completed: row.completed, cumulative_judgments: judgments, cumulative_completed: completed });
    }
    return out;
  }
}

function dayOf(ms: number): string {
  return new Date(Math.floor(ms / DAY_MS) * DAY_MS).toISOString().slice(0, 10);
}

function toInterval(b: BootstrapInterval): Interval {
  return { low: b.ci_low, high: b.ci_high, rounds: b.rounds };
}

const EMPTY_INTERVAL: Interval = { low: null, high: null, rounds: 0 };

/** Every figure of ProjectFigures from the project's rows, in one pass over the judgments. */
export function projectFigures(rows: TallyRows, options: TallyOptions): ProjectFigures {
  const tally = new ProjectTally(rows.items, rows.annotators, options);
  for (const c of rows.candidates) tally.candidate(c);
  for (const j of rows.judgments) tally.judgment(j);
  return tally.figures();
}

/**
 * projectFigures one row at a time, for rows that arrive asynchronously (the stats service streams
 * them from the database): the items and annotators first, then every candidate, then every
 * judgment (ordered by item), then `figures()` once.
 */
export class ProjectTally {
  private readonly itemList: TallyItem[];
  private readonly itemIndex: IdIndex;
  private readonly completeItems: number;
  private readonly modelNames: string[] = [];
  private readonly modelOf = new Map<string, number>();
  /** The models of each item's first two candidates, interned; their metadata for a breakdown. */
  private readonly itemModel: Int32Array;
  private readonly metadataOf: (Readonly<Record<string, unknown>> | undefined)[];
  private readonly annotatorIndex: Map<number, number>;
  private readonly emails: string[];
  private readonly quality: QualityTally;
  private readonly agreement: AgreementTally;
  private readonly progress: ProgressTally;
  /** Sized by the models of every candidate: made at the first judgment, once the candidates are in. */
  private pairs: PairTable | null = null;
  private readonly verdictLog: VerdictLog | null;
  private readonly judgmentTypes: Record<string, number> = {};
  private readonly ratings: RatingJudgment[] = [];
  private readonly rankings: RankingJudgment[] = [];
  private nJudgments = 0;
  private readonly annotators: TallyAnnotator[];

  constructor(
    items: Iterable<TallyItem>,
    annotators: Iterable<TallyAnnotator>,
    private readonly options: TallyOptions,
  ) {
    // Items, in the order given (the bootstrap draws follow the order in which items first appear).
    this.itemList = [...items];
    const nItems = this.itemList.length;
    this.itemIndex = new IdIndex(this.itemList.map((item) => item.id));
    const wanted = Int32Array.from(this.itemList, (item) => item.wanted);
    this.completeItems = this.itemList.reduce((n, item) => n + (item.judgments >= item.wanted ? 1 : 0), 0);
    this.itemModel = new Int32Array(2 * nItems).fill(-1);
    this.metadataOf = options.by === null ? [] : new Array(2 * nItems);

    this.annotators = [...annotators].sort((x, y) => (x.email < y.email ? -1 : x.email > y.email ? 1 : 0));
    this.annotatorIndex = new Map(this.annotators.map((u, a) => [u.id, a]));
    this.emails = this.annotators.map((u) => u.email);

    this.quality = new QualityTally(this.annotators.length);
    this.agreement = new AgreementTally(nItems, this.annotators.length, this.quality);
    this.progress = new ProgressTally(wanted);
    this.verdictLog = options.by === null ? null : new VerdictLog();
  }

  /** A candidate of an item (every candidate before the first judgment). */
  candidate(c: TallyCandidate): void {
    const i = this.itemIndex.get(c.item);
    if (i < 0 || c.position > 1) return;
    if (c.model !== null) {
      let m = this.modelOf.get(c.model);
      if (m === undefined) {
        m = this.modelNames.length;
        this.modelOf.set(c.model, m);
        this.modelNames.push(c.model);
      }
      this.itemModel[2 * i + c.position] = m;
    }
    if (this.options.by !== null) {
      const metadata = c.metadata ?? {};
      this.metadataOf[2 * i + c.position] = this.options.by === "model" && !("model" in metadata) ? { ...metadata, model: c.model } : metadata;
    }
  }

  /** A judgment; the judgments of one item come together. */
  judgment(j: TallyJudgment): void {
    this.nJudgments++;
    this.judgmentTypes[j.type] = (this.judgmentTypes[j.type] ?? 0) + 1;
    const i = this.itemIndex.get(j.item);
    const a = this.annotatorIndex.get(j.annotator);
    if (a === undefined) throw new RangeError(`judgment by annotator ${j.annotator}, who is not among the annotators`);
    this.progress.add(i, a, j.createdAt);
    this.quality.judgment(a, j);
    collectRatingsAndRanking(j, String(a), this.ratings, this.rankings);

    if (j.type !== "pairwise" || i < 0 || j.verdict === null) return;
    const code = VERDICT_CODE[j.verdict];
    this.agreement.add(i, a, code);
    this.quality.verdict(a, j, code, this.itemList[i].gold);
    this.verdictLog?.push(i, code);
    const mA = this.itemModel[2 * i];
    const mB = this.itemModel[2 * i + 1];
    if (mA >= 0 && mB >= 0) (this.pairs ??= new PairTable(this.modelNames)).add(mA, mB, code);
  }

  /** Every figure, once all rows are in. */
  figures(): ProjectFigures {
    const { options, annotators, emails, agreement, progress, ratings, rankings } = this;
    const nItems = this.itemList.length;
    const completeItems = this.completeItems;
    agreement.close();
    progress.close();
    const ordered = agreement.ordered();
    const point = pairwiseAgreementFromCounts(ordered);
    const intervals = options.rounds > 0 ? pairwiseAgreementIntervals(ordered, { rounds: options.rounds, seed: options.seed }) : null;
    const ci = (key: keyof NonNullable<typeof intervals>): Interval => (intervals ? toInterval(intervals[key]) : EMPTY_INTERVAL);
    const cohen = [...agreement.kappaTables.entries()]
      .sort(([x], [y]) => x - y)
      .map(([k, table]) => {
        const a = Math.floor(k / annotators.length);
        const b = k % annotators.length;
        const matrix = [0, 1, 2].map((r) => [table[3 * r], table[3 * r + 1], table[3 * r + 2]]);
        return { a: emails[a], b: emails[b], kappa: cohenKappa(matrix), n: table[9] };
      });

    const board = bradleyTerryFromCounts((this.pairs ?? new PairTable(this.modelNames)).counts(), { rounds: options.rounds, seed: options.seed });

    const ratingFigures = ratingAlphaByCriterion(ratings).map((r) => ({
      ...r,
      ci:
        options.rounds > 0
          ? toInterval(ratingAlphaCI(ratings.filter((x) => x.criterion === r.criterion), "interval", { rounds: options.rounds, seed: options.seed }))
          : EMPTY_INTERVAL,
    }));
    let rankingFigures: ProjectFigures["rankings"] = null;
    if (rankings.length > 0) {
      const tau = meanPairwiseTau(rankings);
      rankingFigures = { tau_mean: tau.mean, n_pairs: tau.n_pairs, by_annotator_pair: tau.by_annotator_pair, ...rankingAlpha(rankings) };
    }

    let breakdown: ProjectFigures["breakdown"] = null;
    if (options.by !== null && this.verdictLog) breakdown = { key: options.by, rows: breakdownRows(options.by, this.metadataOf, this.verdictLog) };

    const [majorityA, majorityTie, majorityB, majorityNone] = agreement.majority;
    return {
      items: nItems,
      judgments: this.nJudgments,
      complete_items: completeItems,
      judgment_types: this.judgmentTypes,
      agreement: {
        n_items: point.percent.n_items,
        n_judgments: point.fleiss.n_ratings,
        n_pairs: point.percent.n_pairs,
        n_pairs_no_ties: point.percent.n_pairs_no_ties,
        both_bad: point.percent.both_bad,
        majority: { A: majorityA, tie: majorityTie, B: majorityB, none: majorityNone },
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
      annotators: this.quality.rows(annotators),
      leaderboard: board.rows,
      win_rates: board.win_rates,
      leaderboard_info: { n_comparisons: board.n_comparisons, n_self_ignored: board.n_self_ignored, prior_used: board.prior_used, rounds: board.rounds },
      breakdown,
      progress: progress.figures(emails, nItems, completeItems, options.now),
    };
  }
}

/** Ratings per (item, candidate) and rankings of candidate ids, in the shapes of the agreement functions. */
function collectRatingsAndRanking(j: TallyJudgment, annotator: string, ratings: RatingJudgment[], rankings: RankingJudgment[]): void {
  if (j.ratings) {
    for (const [candidate, values] of Object.entries(j.ratings)) {
      for (const [criterion, value] of Object.entries(values)) {
        if (typeof value === "number") ratings.push({ item: `${j.item}:${candidate}`, annotator, criterion, value });
      }
    }
  }
  if (j.type === "ranking" && j.ranking) rankings.push({ item: String(j.item), annotator, ranking: j.ranking.map((group) => group.map(String)) });
}

/** breakdownBy over the pairwise verdicts in scan order, for items whose first two candidates both have metadata. */
function breakdownRows(key: string, metadataOf: readonly (Readonly<Record<string, unknown>> | undefined)[], log: VerdictLog): BreakdownRow[] {
  const comparisons: BreakdownComparison[] = [];
  for (let x = 0; x < log.length; x++) {
    const i = log.item[x];
    const metadataA = metadataOf[2 * i];
    const metadataB = metadataOf[2 * i + 1];
    if (metadataA && metadataB) comparisons.push({ verdict: VERDICTS[log.code[x]], metadataA, metadataB });
  }
  return breakdownBy(comparisons, key);
}
