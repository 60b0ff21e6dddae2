// Writes a dataset from a project's judgments. Streams: it reads through its own read-only
// connection (a consistent snapshot that never blocks writers), one item at a time in item order,
// decides each item with the one aggregation in lib/stats/aggregate.ts, and yields rows as it goes.
import Database from "better-sqlite3";
import { createHash, randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { z } from "zod";
import { EXPORT_FORMATS, formatPair, sftRow, trlKtoRow, type ExportFormatName, type PairFormatName } from "@/lib/formats/export";
import { CSV_COLUMNS, csvLine, csvRow } from "@/lib/formats/export/csv";
import { datasetCard } from "@/lib/formats/export/dataset-card";
import { ParquetWriter, parquetColumns, RAW_COLUMNS } from "@/lib/formats/export/parquet";
import type { StoredJudgment } from "@/lib/formats/judgment";
import type { Prompt } from "@/lib/formats/record";
import {
  aggregateItem,
  DROP_REASONS,
  parseSplit,
  splitOf,
  unitHash,
  type Adjudication,
  type DropReason,
  type SplitSpec,
  type Vote,
} from "@/lib/stats/aggregate";
import { percentAgreement } from "@/lib/stats/agreement";
import { audit } from "./audit";
import { requireScope, type Ctx } from "./context";
import { badRequest, parseInput } from "./errors";
import { getProject } from "./projects";

export const EXPORT_FORMAT_NAMES = [...(Object.keys(EXPORT_FORMATS) as ExportFormatName[]), "raw"] as const;
export type ExportFormat = ExportFormatName | "raw";
export const FILE_FORMATS = ["jsonl", "csv", "parquet"] as const;

const bool = z.union([z.boolean(), z.enum(["1", "0", "true", "false", "on", "off", ""]).transform((v) => ["1", "true", "on"].includes(v))]);

export const exportInput = z.object({
  slug: z.string().min(1),
  format: z.enum(EXPORT_FORMAT_NAMES, { message: `must be one of ${EXPORT_FORMAT_NAMES.join(", ")}` }),
  fileFormat: z.enum(FILE_FORMATS, { message: `must be one of ${FILE_FORMATS.join(", ")}` }).default("jsonl"),
  policy: z.enum(["majority", "unanimous"], { message: "must be majority or unanimous" }).default("majority"),
  minVotes: z.coerce.number().int().min(1, "must be at least 1").max(1000).default(1),
  minAgreement: z.coerce.number().min(0, "must be between 0 and 1").max(1, "must be between 0 and 1").optional(),
  ties: z.enum(["include", "exclude"], { message: "must be include or exclude" }).default("include"),
  /** trl-kto: items most judged both-bad give a negative example per response ("drop" leaves them out). */
  bothBad: z.enum(["negatives", "drop"], { message: "must be negatives or drop" }).default("negatives"),
  ratingPairs: z.enum(["best-vs-worst", "best-vs-random"], { message: "must be best-vs-worst or best-vs-random" }).default("best-vs-worst"),
  rankingPairs: z.enum(["all-pairs", "best-vs-rest"], { message: "must be all-pairs or best-vs-rest" }).default("all-pairs"),
  /** sft: add the winner of every unanimously decided item to demonstrations and rewrites. */
  sftWinners: bool.default(false),
  conversational: bool.default(false),
  includeGold: bool.default(false),
  revealAnnotators: bool.default(false),
  split: z.string().max(200).optional(),
  seed: z.coerce.number().int().min(0).max(2 ** 31 - 1).default(42),
  /** With a split, the one part a single stream (HTTP, stdout) carries; files get every part. */
  part: z.string().max(40).optional(),
});
export type ExportInput = z.input<typeof exportInput>;
export type ExportOptions = z.output<typeof exportInput>;

export interface ExportRow {
  split: string;
  row: Record<string, unknown>;
}

/** What one export run kept and dropped, by rule; the dry run prints it, the dataset card uses it. */
export interface ExportCounts {
  items: number;
  /** Items written (at least one row). */
  kept_items: number;
  rows: number;
  dropped: Record<DropReason, number>;
  gold_items_excluded: number;
  gold_judgments_excluded: number;
  adjudicated_items: number;
  judgments: number;
  splits: Record<string, number>;
  agreement: { percent: number | null; n_pairs: number; n_items: number };
}

function emptyCounts(): ExportCounts {
  return {
    items: 0,
    kept_items: 0,
    rows: 0,
    dropped: Object.fromEntries(DROP_REASONS.map((r) => [r, 0])) as Record<DropReason, number>,
    gold_items_excluded: 0,
    gold_judgments_excluded: 0,
    adjudicated_items: 0,
    judgments: 0,
    splits: {},
    agreement: { percent: null, n_pairs: 0, n_items: 0 },
  };
}

interface Prepared {
  file: string;
  project: { id: number; slug: string; name: string };
  options: ExportOptions;
  split?: SplitSpec;
}

function prepare(ctx: Ctx, input: ExportInput, action: string): Prepared {
  requireScope(ctx, "export:read");
  const options = parseInput(exportInput, input);
  const project = getProject({ ctx, input: { slug: options.slug } });
  let split: SplitSpec | undefined;
  if (options.split) {
    try {
      split = parseSplit(options.split, options.seed);
    } catch (e) {
      throw badRequest((e as Error).message);
    }
  }
  if (options.fileFormat === "parquet" && !parquetColumns(options.format, false)) {
    throw badRequest(`fileFormat: ${options.format} has no Parquet form (OpenAI takes JSONL); use jsonl`);
  }
  // One export is all text or all messages: a column that mixes them loads in no dataset library.
  if (!options.conversational && options.format !== "hh-rlhf" && hasMultiTurnPrompt(ctx, project.id)) options.conversational = true;
  ctx.db.transaction((tx) =>
    audit(tx, ctx, {
      action,
      targetType: "project",
      targetId: project.id,
      detail: { format: options.format, policy: options.policy, minVotes: options.minVotes, split: options.split ?? null },
    }),
  );
  return { file: ctx.db.$client.name, project, options, split };
}

function hasMultiTurnPrompt(ctx: Ctx, projectId: number): boolean {
  return (
    ctx.db.$client
      .prepare(
        `select 1 from items where project_id = ? and json_type(prompt) = 'array'
         and not (json_array_length(prompt) = 1 and json_extract(prompt, '$[0].role') = 'user') limit 1`,
      )
      .pluck()
      .get(projectId) !== undefined
  );
}

interface ExportHead {
  filename: string;
  contentType: string;
}

/** JSONL or CSV. Iterating to the end (or returning early) closes the connection. */
export interface LinesExport extends ExportHead {
  lines: Generator<string, void, undefined>;
}

/** Parquet: the file's bytes in order, "PAR1" first and the footer last. Closes like `lines`. */
export interface ChunksExport extends ExportHead {
  chunks: Generator<Uint8Array, void, undefined>;
}

export type ExportStream = LinesExport | ChunksExport;

/**
 * One stream for HTTP and stdout: lines of JSONL or CSV, or the bytes of a Parquet file. With a
 * split, only `part` (default train).
 */
export function openExport(args: { ctx: Ctx; input: ExportInput & { fileFormat?: "jsonl" | "csv" } }): LinesExport;
export function openExport(args: { ctx: Ctx; input: ExportInput }): ExportStream;
export function openExport({ ctx, input }: { ctx: Ctx; input: ExportInput }): ExportStream {
  const prep = prepare(ctx, input, "export");
  const { options } = prep;
  const part = options.part ?? (prep.split ? "train" : undefined);
  if (part && prep.split && part !== "train" && !prep.split.parts.some((p) => p.name === part)) {
    throw badRequest(`part: "${part}" is not one of the splits (train, ${prep.split.parts.map((p) => p.name).join(", ")})`);
  }
  const filename = `${prep.project.slug}-${options.format}${part ? `-${part}` : ""}.${options.fileFormat}`;
  const rows = exportRows(prep, emptyCounts());
  if (options.fileFormat === "parquet") {
    return { filename, contentType: "application/vnd.apache.parquet", chunks: encodeParquet(rows, options, part) };
  }
  return {
    filename,
    contentType: options.fileFormat === "csv" ? "text/csv; charset=utf-8" : "application/x-ndjson; charset=utf-8",
    lines: encodeLines(rows, options, part),
  };
}

function* encodeLines(rows: Generator<ExportRow>, options: ExportOptions, part: string | undefined): Generator<string, void, undefined> {
  const columns = options.fileFormat === "csv" ? columnsOf(options.format) : undefined;
  if (columns) yield csvLine(columns);
  for (const { split, row } of rows) {
    if (part && split !== part) continue;
    yield columns ? csvRow(columns, row) : JSON.stringify(row) + "\n";
  }
}

/**
 * The writer emits a row group's pages when it fills, so what is held at once is one row group: its
 * rows, then its bytes, handed out page by page before the next row is read.
 */
function* encodeParquet(rows: Generator<ExportRow>, options: ExportOptions, part: string | undefined): Generator<Uint8Array, void, undefined> {
  const pending: Uint8Array[] = [];
  const writer = new ParquetWriter(parquetColumns(options.format, options.conversational)!, (chunk) => pending.push(chunk));
  for (const { split, row } of rows) {
    if (part && split !== part) continue;
    writer.append(row);
    while (pending.length) yield pending.shift()!;
  }
  writer.close();
  while (pending.length) yield pending.shift()!;
}

function columnsOf(format: ExportFormat): readonly string[] {
  return format === "raw" ? RAW_COLUMN_NAMES : CSV_COLUMNS[format];
}

/** Counts what the export would keep and drop, by rule, without writing anything. */
export function dryRunExport({ ctx, input }: { ctx: Ctx; input: ExportInput }): ExportCounts {
  const prep = prepare(ctx, input, "export.dry_run");
  const counts = emptyCounts();
  for (const _ of exportRows(prep, counts));
  return counts;
}

export interface WrittenExport {
  files: { split: string; path: string; rows: number }[];
  counts: ExportCounts;
  card?: string;
}

/**
 * Writes the export to files: `out` (one file, or one per split named `NAME.SPLIT.EXT` when there
 * is a split), or `dir` as a Hugging Face dataset folder (`SPLIT.EXT` per split plus README.md).
 * Each file is written under a temporary name and renamed at the end, so a failed export leaves none.
 */
export async function writeExport({
  ctx,
  input,
  target,
  licence,
}: {
  ctx: Ctx;
  input: ExportInput;
  target: { out: string } | { dir: string };
  licence?: string;
}): Promise<WrittenExport> {
  const prep = prepare(ctx, input, "export");
  const { options } = prep;
  const ext = options.fileFormat;
  const splitNames = prep.split ? ["train", ...prep.split.parts.map((p) => p.name)] : ["train"];
  const pathOf = (split: string): string => {
    if ("dir" in target) return path.join(/*turbopackIgnore: true*/ target.dir, `${split}.${ext}`);
    if (!prep.split) return target.out;
    const parsed = path.parse(target.out);
    return path.join(/*turbopackIgnore: true*/ parsed.dir, `${parsed.name}.${split}${parsed.ext || "." + ext}`);
  };
  if ("dir" in target) fs.mkdirSync(target.dir, { recursive: true });
  const columns = options.fileFormat === "csv" ? columnsOf(options.format) : undefined;
  const parquet = options.fileFormat === "parquet" ? parquetColumns(options.format, options.conversational)! : undefined;
  type Writer = { path: string; rows: number; stream?: fs.WriteStream; fd?: number; parquet?: ParquetWriter };
  const writers = new Map<string, Writer>();
  const counts = emptyCounts();
  try {
    for (const split of splitNames) {
      const final = pathOf(split);
      const w: Writer = { path: final, rows: 0 };
      writers.set(split, w);
      if (parquet) {
        const fd = fs.openSync(`${final}.partial`, "w");
        w.fd = fd;
        w.parquet = new ParquetWriter(parquet, (chunk) => fs.writeSync(fd, chunk));
      } else {
        w.stream = fs.createWriteStream(`${final}.partial`);
        if (columns) w.stream.write(csvLine(columns));
      }
    }
    for (const { split, row } of exportRows(prep, counts, "dir" in target)) {
      const w = writers.get(split)!;
      w.rows++;
      if (w.parquet) w.parquet.append(row);
      else if (!w.stream!.write(columns ? csvRow(columns, row) : JSON.stringify(row) + "\n")) {
        await new Promise<void>((r) => w.stream!.once("drain", () => r()));
      }
    }
    for (const w of writers.values()) {
      if (w.parquet) {
        w.parquet.close();
        fs.closeSync(w.fd!);
        w.fd = undefined;
        continue;
      }
      await new Promise<void>((resolve, reject) => {
        w.stream!.on("error", reject);
        w.stream!.end(() => resolve());
      });
    }
  } catch (err) {
    for (const w of writers.values()) {
      w.stream?.destroy();
      if (w.fd !== undefined) fs.closeSync(w.fd);
      fs.rmSync(`${w.path}.partial`, { force: true });
    }
    throw err;
  }
  for (const w of writers.values()) fs.renameSync(`${w.path}.partial`, w.path);
  const files = [...writers].map(([split, w]) => ({ split, path: w.path, rows: w.rows }));
  let card: string | undefined;
  if ("dir" in target) {
    card = datasetCard({
      name: prep.project.name,
      slug: prep.project.slug,
      format: options.format,
      fileFormat: ext,
      files: files.map((f) => ({ split: f.split, file: path.basename(f.path), rows: f.rows })),
      settings: settingsOf(options),
      counts,
      licence,
      date: new Date(),
    });
    fs.writeFileSync(path.join(target.dir, "README.md"), card);
  }
  return { files, counts, card };
}

/** The aggregation settings as they go into a dataset card. */
function settingsOf(o: ExportOptions): Record<string, string | number | boolean> {
  const s: Record<string, string | number | boolean> = {
    format: o.format,
    policy: o.policy,
    min_votes: o.minVotes,
    ties: o.ties,
    rating_pairs: o.ratingPairs,
    ranking_pairs: o.rankingPairs,
    include_gold: o.includeGold,
    conversational: o.conversational,
  };
  if (o.minAgreement !== undefined) s.min_agreement = o.minAgreement;
  if (o.format === "trl-kto") s.both_bad = o.bothBad;
  if (o.format === "sft") s.sft_winners = o.sftWinners;
  if (o.split) {
    s.split = o.split;
    s.seed = o.seed;
  }
  return s;
}

// ---------------------------------------------------------------------------------------------
// The row generator shared by every output

type JudgmentRow = [
  itemId: number,
  id: number,
  userId: number,
  type: string,
  choice: string | null,
  winner: number | null,
  slotOrder: string,
  payload: string | null,
  gold: number,
  source: string,
  durationMs: number | null,
  rationale: string | null,
  createdAt: number,
];

interface ItemRow {
  external_id: string;
  prompt: string;
  gold: string | null;
}

interface CandidateRow {
  id: number;
  content: string;
  model: string | null;
}

const RAW_COLUMN_NAMES = RAW_COLUMNS.map((c) => c.name);

function voteOf(type: string, winner: number | null, choice: string | null, slotOrder: string, payload: StoredJudgment | null): Vote<number> {
  if (type === "ranking" && payload?.ranking) return { kind: "ranking", ranking: payload.ranking };
  if (type === "rating" && payload?.ratings) return { kind: "rating", scores: meanRatings(payload.ratings) };
  if (type === "pairwise" || (type !== "demonstration" && choice)) {
    if (!choice && payload?.ratings) return { kind: "rating", scores: meanRatings(payload.ratings) };
    const order = JSON.parse(slotOrder) as number[];
    const vote: Vote<number> = { kind: "pairwise", winner, pair: [order[0], order[1]], bothBad: choice === "both_bad" };
    if (payload?.strength !== undefined) vote.strength = Math.abs(payload.strength);
    return vote;
  }
  return { kind: "none" };
}

function meanRatings(ratings: Record<string, Record<string, number>>): Map<number, number> {
  const scores = new Map<number, number>();
  for (const [candidate, byCriterion] of Object.entries(ratings)) {
    const values = Object.values(byCriterion);
    if (values.length) scores.set(Number(candidate), values.reduce((a, b) => a + b, 0) / values.length);
  }
  return scores;
}

function* exportRows(prep: Prepared, counts: ExportCounts, withAgreement = false): Generator<ExportRow, void, undefined> {
  const { options, split, project } = prep;
  const conn = new Database(prep.file, { readonly: true, fileMustExist: true });
  try {
    const judgmentsStmt = conn
      .prepare(
        `select item_id, id, user_id, type, choice, winner_candidate_id, slot_order, payload, gold, source, duration_ms, rationale, created_at
         from judgments where project_id = ? order by item_id, id`,
      )
      .raw();
    const itemStmt = conn.prepare("select external_id, prompt, gold from items where id = ?");
    const candStmt = conn.prepare("select id, content, model from candidates where item_id = ? order by position");
    const anyAdjudication = conn
      .prepare("select 1 from adjudications a join items i on i.id = a.item_id where i.project_id = ? limit 1")
      .pluck()
      .get(project.id);
    const adjStmt = conn.prepare("select choice, winner_candidate_id as winner from adjudications where item_id = ?");
    const userStmt = conn.prepare("select email from users where id = ?").pluck();
    const salt = randomBytes(16);
    const annotatorNames = new Map<number, string>();
    const annotatorOf = (userId: number): string => {
      let name = annotatorNames.get(userId);
      if (!name) {
        name = options.revealAnnotators
          ? ((userStmt.get(userId) as string | undefined) ?? `user-${userId}`)
          : "annotator-" + createHash("sha256").update(salt).update(String(userId)).digest("hex").slice(0, 12);
        annotatorNames.set(userId, name);
      }
      return name;
    };
    const kind = options.format === "raw" ? "raw" : EXPORT_FORMATS[options.format].kind;

    const decide = function* (itemId: number, rows: JudgmentRow[]): Generator<ExportRow, void, undefined> {
      counts.items++;
      const item = itemStmt.get(itemId) as ItemRow;
      if (item.gold !== null && !options.includeGold) {
        counts.gold_items_excluded++;
        return;
      }
      if (!options.includeGold) {
        const before = rows.length;
        rows = rows.filter((r) => !r[8]);
        counts.gold_judgments_excluded += before - rows.length;
        if (rows.length === 0) {
          counts.dropped.no_votes++;
          return;
        }
      }
      counts.judgments += rows.length;
      const part = split ? splitOf(item.prompt, split) : "train";
      const adj = anyAdjudication ? ((adjStmt.get(itemId) as Adjudication<number> | undefined) ?? null) : null;
      if (adj) counts.adjudicated_items++;
      const payloads = rows.map((r) => (r[7] ? (JSON.parse(r[7]) as StoredJudgment) : null));
      if (withAgreement) addAgreement(counts, itemId, rows);
      let written = 0;
      const emit = (row: Record<string, unknown>): ExportRow => {
        written++;
        counts.rows++;
        counts.splits[part] = (counts.splits[part] ?? 0) + 1;
        return { split: part, row };
      };

      if (kind === "raw") {
        const cands = candStmt.all(itemId) as CandidateRow[];
        const modelOf = new Map(cands.map((c) => [c.id, c.model]));
        for (let i = 0; i < rows.length; i++) {
          const r = rows[i];
          yield emit({
            judgment_id: r[1],
            item_id: itemId,
            item_external_id: item.external_id,
            annotator: annotatorOf(r[2]),
            type: r[3],
            choice: r[4],
            winner_candidate_id: r[5],
            winner_model: r[5] !== null ? (modelOf.get(r[5]) ?? null) : null,
            candidate_ids: cands.map((c) => c.id),
            models: cands.map((c) => c.model),
            display_order: JSON.parse(r[6]),
            payload: payloads[i],
            rationale: r[11],
            duration_ms: r[10],
            imported: r[9] === "import",
            gold: r[8] === 1,
            adjudicated: adj !== null,
            adjudication: adj ? { choice: adj.choice, winner_candidate_id: adj.winner } : null,
            created_at: new Date(r[12]).toISOString(),
          });
        }
        if (written) counts.kept_items++;
        return;
      }

      const cands = candStmt.all(itemId) as CandidateRow[];
      const byId = new Map(cands.map((c) => [c.id, c]));
      const prompt = JSON.parse(item.prompt) as Prompt;
      const votes = rows.map((r, i) => voteOf(r[3], r[5], r[4], r[6], payloads[i]));
      const decision = aggregateItem(
        cands.map((c) => c.id),
        votes,
        {
          policy: options.policy,
          minVotes: options.minVotes,
          minAgreement: options.minAgreement,
          ties: options.ties,
          ratingPairs: options.ratingPairs,
          rankingPairs: options.rankingPairs,
          random: options.ratingPairs === "best-vs-random" ? unitHash(String(itemId), options.seed) : undefined,
        },
        adj,
      );

      if (kind === "sft") {
        for (const p of payloads) {
          for (const text of [p?.demonstration, p?.rewrite]) {
            if (text && text.trim()) yield emit(sftRow({ itemId: item.external_id, prompt, completion: text }, options) as Record<string, unknown>);
          }
        }
        if (options.sftWinners && decision.outcome === "pairs" && decision.agreement === 1) {
          const winner = byId.get(decision.pairs[0].chosen);
          if (winner) yield emit(sftRow({ itemId: item.external_id, prompt, completion: winner.content, model: winner.model ?? undefined }, options) as Record<string, unknown>);
        }
        if (written) counts.kept_items++;
        else if (decision.outcome === "dropped") counts.dropped[decision.reason]++;
        return;
      }

      if (decision.outcome === "dropped") {
        counts.dropped[decision.reason]++;
        return;
      }
      if (decision.outcome === "both_bad") {
        if (kind === "unpaired" && options.bothBad === "negatives") {
          for (const id of decision.candidates) {
            const c = byId.get(id)!;
            yield emit(trlKtoRow({ itemId: item.external_id, prompt, completion: c.content, label: false }, options) as Record<string, unknown>);
          }
          counts.kept_items++;
        } else counts.dropped.both_bad++;
        return;
      }
      if (kind === "unpaired") {
        const chosen = new Set(decision.pairs.map((p) => p.chosen));
        const rejected = new Set(decision.pairs.map((p) => p.rejected).filter((id) => !chosen.has(id)));
        for (const [ids, label] of [[chosen, true], [rejected, false]] as const) {
          for (const id of ids) {
            const c = byId.get(id)!;
            yield emit(trlKtoRow({ itemId: item.external_id, prompt, completion: c.content, label }, options) as Record<string, unknown>);
          }
        }
      } else {
        for (const p of decision.pairs) {
          const chosen = byId.get(p.chosen);
          const rejected = byId.get(p.rejected);
          if (!chosen || !rejected) continue;
          yield emit(
            formatPair(
              options.format as PairFormatName,
              {
                itemId: item.external_id,
                prompt,
                chosen: chosen.content,
                rejected: rejected.content,
                chosenModel: chosen.model ?? undefined,
                rejectedModel: rejected.model ?? undefined,
                margin: p.margin,
              },
              { conversational: options.conversational },
            ) as Record<string, unknown>,
          );
        }
      }
      if (written) counts.kept_items++;
    };

    let current = -1;
    let bucket: JudgmentRow[] = [];
    for (const row of judgmentsStmt.iterate(project.id) as IterableIterator<JudgmentRow>) {
      if (row[0] !== current) {
        if (current !== -1) yield* decide(current, bucket);
        current = row[0];
        bucket = [];
      }
      bucket.push(row);
    }
    if (current !== -1) yield* decide(current, bucket);
  } finally {
    conn.close();
  }
}

/** Pooled pairwise percent agreement, accumulated item by item (lib/stats/agreement.ts). */
function addAgreement(counts: ExportCounts, itemId: number, rows: JudgmentRow[]): void {
  const pairwise = rows
    .filter((r) => r[4] !== null)
    .map((r) => ({ item: String(itemId), annotator: String(r[2]), outcome: outcomeOf(r) }));
  if (pairwise.length < 2) return;
  const a = percentAgreement(pairwise);
  const agreeing = (counts.agreement.percent ?? 0) * counts.agreement.n_pairs + (a.percent ?? 0) * a.n_pairs;
  counts.agreement.n_pairs += a.n_pairs;
  counts.agreement.n_items += a.n_items;
  counts.agreement.percent = counts.agreement.n_pairs ? agreeing / counts.agreement.n_pairs : null;
}

/** A pairwise judgment in candidate-position terms (A = the item's first candidate by slot order). */
function outcomeOf(r: JudgmentRow): "A" | "B" | "tie" | "both_bad" {
  const choice = r[4] as "A" | "B" | "tie" | "both_bad";
  if (choice === "tie" || choice === "both_bad" || r[5] === null) return choice === "both_bad" ? "both_bad" : "tie";
  const order = JSON.parse(r[6]) as number[];
  return r[5] === Math.min(order[0], order[1]) ? "A" : "B";
}
