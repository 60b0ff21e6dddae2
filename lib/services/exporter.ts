// Writes a dataset from a project's judgments in three steps: read (readItems below: the SQL rows
// of one item decoded into an ExportItem), decide (lib/formats/export/decide.ts, pure, through the
// one aggregation in lib/stats/aggregate.ts) and encode (lib/formats/export/encode.ts: JSONL, CSV or
// Parquet, the same encoder for the HTTP stream, stdout and files). It streams: reading goes through
// its own read-only connection (a consistent snapshot that never blocks writers), one item at a time
// in item order, and rows are encoded as they come.
import Database from "better-sqlite3";
import { createHash, randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { datasetCard } from "@/lib/formats/export/dataset-card";
import { count, decideItem, emptyCounts, type DecideContext, type ExportCounts, type ExportItem, type ExportJudgment, type ExportRow } from "@/lib/formats/export/decide";
import { CONTENT_TYPES, encoderFor, type RowEncoder } from "@/lib/formats/export/encode";
import type { OptionNaming } from "@/lib/formats/export/options";
import { checkExportOptions, settingsOf, type ExportOptions, type ExportOptionsInput } from "@/lib/formats/export/options-schema";
import { effectiveSchema, type JudgmentType, type StoredJudgment } from "@/lib/formats/judgment";
import type { Choice, Prompt } from "@/lib/formats/record";
import { parseSplit } from "@/lib/stats/aggregate";
import { audit } from "./audit";
import { requireScope, type Ctx, writing } from "./context";
import { AppError } from "./errors";
import { getProjectSync } from "./projects";

export type { ExportCounts } from "@/lib/formats/export/decide";
export type { ExportOptions } from "@/lib/formats/export/options-schema";

/** What a caller asks for: the project and the options (named by their keys; see readExportOptions for CLI and HTTP names). */
export type ExportInput = { slug: string } & ExportOptionsInput;

/**
 * Checks export options as a surface names them (CLI flags, query parameters): a bad one is a 400
 * whose message and `fields` name the option that way (`--min-votes`, `min_votes`).
 */
export function readExportOptions(raw: unknown, naming: OptionNaming): ExportOptions {
  const check = checkExportOptions(raw, naming);
  if (!check.ok) throw new AppError("bad_request", check.message, undefined, check.fields);
  return check.options;
}

interface Prepared {
  file: string;
  project: { id: number; slug: string; name: string };
  decide: DecideContext;
}

function prepare(ctx: Ctx, input: ExportInput, action: string): Prepared {
  requireScope(ctx, "export:read");
  const { slug, ...raw } = input;
  const options = readExportOptions(raw, "key");
  const project = getProjectSync({ ctx, input: { slug } });
  // One export is all text or all messages: a column that mixes them loads in no dataset library.
  if (!options.conversational && options.format !== "hh-rlhf" && hasMultiTurnPrompt(ctx, project.id)) options.conversational = true;
  writing(ctx.db, (tx) =>
    audit(tx, ctx, {
      action,
      targetType: "project",
      targetId: project.id,
      detail: { format: options.format, policy: options.policy, minVotes: options.minVotes, split: options.split ?? null },
    }),
  );
  const scales = Object.fromEntries(effectiveSchema(project.judgmentSchema).criteria.map((c) => [c.key, { min: c.min, max: c.max }]));
  const split = options.split ? parseSplit(options.split, options.seed) : undefined;
  return { file: ctx.db.$client.name, project, decide: { options, split, scales } };
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
  /** Rows written so far (not lines: a CSV row may span lines, and the header is not a row). */
  written: { rows: number };
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
  const { options } = prep.decide;
  const part = options.part ?? (prep.decide.split ? "train" : undefined);
  const filename = `${prep.project.slug}-${options.format}${part ? `-${part}` : ""}.${options.fileFormat}`;
  const rows = exportRows(prep, emptyCounts());
  const encoder = encoderFor(options.format, options.fileFormat, options.conversational);
  const written = { rows: 0 };
  const head = { filename, contentType: CONTENT_TYPES[options.fileFormat], written };
  if (options.fileFormat === "parquet") return { ...head, chunks: encode(rows, encoder as RowEncoder<Uint8Array>, part, written) };
  return { ...head, lines: encode(rows, encoder as RowEncoder<string>, part, written) };
}

function* encode<C extends string | Uint8Array>(rows: Generator<ExportRow>, encoder: RowEncoder<C>, part: string | undefined, written: { rows: number }): Generator<C, void, undefined> {
  for (const { split, row } of rows) {
    if (part && split !== part) continue;
    written.rows++;
    yield* encoder.push(row);
  }
  yield* encoder.end();
}

/**
 * Counts what the export would keep and drop, by rule, without writing anything; with the
 * agreement a dataset card of the same export states.
 */
export function dryRunExport({ ctx, input }: { ctx: Ctx; input: ExportInput }): ExportCounts {
  const prep = prepare(ctx, input, "export.dry_run");
  const counts = emptyCounts();
  for (const _ of exportRows({ ...prep, decide: { ...prep.decide, withAgreement: true } }, counts));
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
  const { options, split } = prep.decide;
  const ext = options.fileFormat;
  const splitNames = split ? ["train", ...split.parts.map((p) => p.name)] : ["train"];
  const pathOf = (name: string): string => {
    if ("dir" in target) return path.join(/*turbopackIgnore: true*/ target.dir, `${name}.${ext}`);
    if (!split) return target.out;
    const parsed = path.parse(target.out);
    return path.join(/*turbopackIgnore: true*/ parsed.dir, `${parsed.name}.${name}${parsed.ext || "." + ext}`);
  };
  if ("dir" in target) fs.mkdirSync(target.dir, { recursive: true });
  type FileWriter = { path: string; rows: number; stream: fs.WriteStream; encoder: RowEncoder };
  const writers = new Map<string, FileWriter>();
  const counts = emptyCounts();
  const put = async (w: FileWriter, chunks: (string | Uint8Array)[]) => {
    for (const chunk of chunks) if (!w.stream.write(chunk)) await new Promise<void>((r) => w.stream.once("drain", () => r()));
  };
  try {
    for (const name of splitNames) {
      const final = pathOf(name);
      writers.set(name, { path: final, rows: 0, stream: fs.createWriteStream(`${final}.partial`), encoder: encoderFor(options.format, ext, options.conversational) });
    }
    for (const { split: name, row } of exportRows({ ...prep, decide: { ...prep.decide, withAgreement: "dir" in target } }, counts)) {
      const w = writers.get(name)!;
      w.rows++;
      await put(w, w.encoder.push(row));
    }
    for (const w of writers.values()) {
      await put(w, w.encoder.end());
      await new Promise<void>((resolve, reject) => {
        w.stream.on("error", reject);
        w.stream.end(() => resolve());
      });
    }
  } catch (err) {
    for (const w of writers.values()) {
      w.stream.destroy();
      fs.rmSync(`${w.path}.partial`, { force: true });
    }
    throw err;
  }
  for (const w of writers.values()) fs.renameSync(`${w.path}.partial`, w.path);
  const files = [...writers].map(([name, w]) => ({ split: name, path: w.path, rows: w.rows }));
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

/** Reads, decides and counts: the rows of every item in item order. */
function* exportRows(prep: Prepared, counts: ExportCounts): Generator<ExportRow, void, undefined> {
  for (const item of readItems(prep)) {
    const outcome = decideItem(item, prep.decide);
    count(counts, outcome);
    yield* outcome.rows;
  }
}

// ---------------------------------------------------------------------------------------------
// Read: SQL rows → ExportItem

const JUDGMENTS_SQL = `select item_id, id, user_id, type, choice, winner_candidate_id, slot_order, payload, gold, source, duration_ms, rationale, created_at
  from judgments where project_id = ? order by item_id, id`;

/** A row of JUDGMENTS_SQL, read raw (as an array) for speed; judgmentOf is the one place that reads it. */
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

function judgmentOf(r: JudgmentRow, annotator: (userId: number) => string): ExportJudgment {
  const [, id, userId, type, choice, winnerId, slotOrder, payload, gold, source, durationMs, rationale, createdAt] = r;
  return {
    id,
    annotatorId: userId,
    annotator: annotator(userId),
    type: type as JudgmentType,
    choice: choice as Choice | null,
    winnerId,
    slotOrder: JSON.parse(slotOrder) as number[],
    payload: payload ? (JSON.parse(payload) as StoredJudgment) : null,
    gold: gold === 1,
    imported: source === "import",
    durationMs,
    rationale,
    createdAt,
  };
}

interface ItemRow {
  external_id: string;
  prompt: string;
  gold: string | null;
}

/** Every judged item of the project, in item order, with its candidates, judgments and adjudication. */
function* readItems(prep: Prepared): Generator<ExportItem, void, undefined> {
  const { options } = prep.decide;
  const conn = new Database(prep.file, { readonly: true, fileMustExist: true });
  try {
    const judgmentsStmt = conn.prepare(JUDGMENTS_SQL).raw();
    const itemStmt = conn.prepare("select external_id, prompt, gold from items where id = ?");
    const candStmt = conn.prepare("select id, content, model from candidates where item_id = ? order by position");
    const anyAdjudication = conn.prepare("select 1 from adjudications a join items i on i.id = a.item_id where i.project_id = ? limit 1").pluck().get(prep.project.id);
    // adjudications.choice is in the item's order (a verdict).
    const adjStmt = conn.prepare("select choice as verdict, winner_candidate_id as winnerId from adjudications where item_id = ?");
    const userStmt = conn.prepare("select email from users where id = ?").pluck();
    const salt = randomBytes(16);
    const names = new Map<number, string>();
    const annotator = (userId: number): string => {
      let name = names.get(userId);
      if (!name) {
        name = options.revealAnnotators
          ? ((userStmt.get(userId) as string | undefined) ?? `user-${userId}`)
          : "annotator-" + createHash("sha256").update(salt).update(String(userId)).digest("hex").slice(0, 12);
        names.set(userId, name);
      }
      return name;
    };
    const itemOf = (id: number, rows: JudgmentRow[]): ExportItem => {
      const item = itemStmt.get(id) as ItemRow;
      return {
        id,
        externalId: item.external_id,
        prompt: JSON.parse(item.prompt) as Prompt,
        promptKey: item.prompt,
        gold: item.gold !== null,
        candidates: candStmt.all(id) as ExportItem["candidates"],
        judgments: rows.map((r) => judgmentOf(r, annotator)),
        adjudication: anyAdjudication ? ((adjStmt.get(id) as ExportItem["adjudication"] | undefined) ?? null) : null,
      };
    };
    let current = -1;
    let bucket: JudgmentRow[] = [];
    for (const row of judgmentsStmt.iterate(prep.project.id) as IterableIterator<JudgmentRow>) {
      if (row[0] !== current) {
        if (current !== -1) yield itemOf(current, bucket);
        current = row[0];
        bucket = [];
      }
      bucket.push(row);
    }
    if (current !== -1) yield itemOf(current, bucket);
  } finally {
    conn.close();
  }
}
