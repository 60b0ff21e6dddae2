// Writes a dataset from a project's judgments in three steps: read (readItems below: the rows of
// one item merged into an ExportItem), decide (lib/formats/export/decide.ts, pure, through the one
// aggregation in lib/stats/aggregate.ts) and encode (lib/formats/export/encode.ts: JSONL, CSV or
// Parquet, the same encoder for the HTTP stream, stdout and files). It streams: reading goes through
// one snapshot (a consistent view that never blocks writers), its statements streamed in item order
// and merged one item at a time, and rows are encoded as they come.
import { createHash, randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { jsonText, type Engine, type Snapshot } from "@/db/engine";
import { anyMultiTurnPrompt, judgedItemCandidates, judgedItems, judgedOrAiItemCandidates, judgedOrAiItems, projectAdjudications, projectAiJudgments, projectJudgments, userEmail, type ExportAiJudgmentRow } from "@/db/queries/exporter";
import { datasetCard } from "@/lib/formats/export/dataset-card";
import { count, decideItem, emptyCounts, type DecideContext, type ExportCounts, type ExportItem, type ExportRow } from "@/lib/formats/export/decide";
import { CONTENT_TYPES, encoderFor, type RowEncoder } from "@/lib/formats/export/encode";
import { appliesTo, type OptionNaming } from "@/lib/formats/export/options";
import { checkExportOptions, settingsOf, type ExportOptions, type ExportOptionsInput } from "@/lib/formats/export/options-schema";
import { effectiveSchema } from "@/lib/formats/judgment";
import { parseSplit } from "@/lib/stats/aggregate";
import { audit } from "./audit";
import { requireScope, type Ctx } from "./context";
import { AppError } from "./errors";
import { getProject } from "./projects";

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
  db: Engine;
  project: { id: number; slug: string; name: string };
  decide: DecideContext;
}

async function prepare(ctx: Ctx, input: ExportInput, action: string): Promise<Prepared> {
  requireScope(ctx, "export:read");
  const { slug, ...raw } = input;
  const options = readExportOptions(raw, "key");
  const project = await getProject({ ctx, input: { slug } });
  // One export is all text or all messages: a column that mixes them loads in no dataset library.
  if (!options.conversational && options.format !== "hh-rlhf" && (await ctx.db.first(anyMultiTurnPrompt, [project.id]))) options.conversational = true;
  // AI verdicts write no demonstrations: sft reads none of them (and its winners stay the humans').
  if (!appliesTo("includeAiJudgments", options.format)) options.includeAiJudgments = false;
  await ctx.db.write(async (tx) =>
    audit(tx, ctx, {
      action,
      targetType: "project",
      targetId: project.id,
      detail: { format: options.format, policy: options.policy, minVotes: options.minVotes, split: options.split ?? null },
    }),
  );
  const scales = Object.fromEntries(effectiveSchema(project.judgmentSchema).criteria.map((c) => [c.key, { min: c.min, max: c.max }]));
  const split = options.split ? parseSplit(options.split, options.seed) : undefined;
  return { db: ctx.db, project, decide: { options, split, scales } };
}

interface ExportHead {
  filename: string;
  contentType: string;
  /** Rows written so far (not lines: a CSV row may span lines, and the header is not a row). */
  written: { rows: number };
}

/** JSONL or CSV. Reading starts at the first line; iterating to the end (or returning early) ends the snapshot. */
export interface LinesExport extends ExportHead {
  lines: AsyncGenerator<string, void, undefined>;
}

/** Parquet: the file's bytes in order, "PAR1" first and the footer last. Ends like `lines`. */
export interface ChunksExport extends ExportHead {
  chunks: AsyncGenerator<Uint8Array, void, undefined>;
}

export type ExportStream = LinesExport | ChunksExport;

/**
 * One stream for HTTP and stdout: lines of JSONL or CSV, or the bytes of a Parquet file. With a
 * split, only `part` (default train).
 */
export async function openExport(args: { ctx: Ctx; input: ExportInput & { fileFormat?: "jsonl" | "csv" } }): Promise<LinesExport>;
export async function openExport(args: { ctx: Ctx; input: ExportInput }): Promise<ExportStream>;
export async function openExport({ ctx, input }: { ctx: Ctx; input: ExportInput }): Promise<ExportStream> {
  const prep = await prepare(ctx, input, "export");
  const { options } = prep.decide;
  const part = options.part ?? (prep.decide.split ? "train" : undefined);
  const filename = `${prep.project.slug}-${options.format}${part ? `-${part}` : ""}.${options.fileFormat}`;
  const rows = exportRows(prep, emptyCounts());
  const encoder = encoderFor(options.format, options.fileFormat, options.conversational, options.includeAiJudgments);
  const written = { rows: 0 };
  const head = { filename, contentType: CONTENT_TYPES[options.fileFormat], written };
  if (options.fileFormat === "parquet") return { ...head, chunks: encode(rows, encoder as RowEncoder<Uint8Array>, part, written) };
  return { ...head, lines: encode(rows, encoder as RowEncoder<string>, part, written) };
}

async function* encode<C extends string | Uint8Array>(
  rows: AsyncGenerator<ExportRow>,
  encoder: RowEncoder<C>,
  part: string | undefined,
  written: { rows: number },
): AsyncGenerator<C, void, undefined> {
  for await (const { split, row } of rows) {
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
export async function dryRunExport({ ctx, input }: { ctx: Ctx; input: ExportInput }): Promise<ExportCounts> {
  const prep = await prepare(ctx, input, "export.dry_run");
  const counts = emptyCounts();
  for await (const _ of exportRows({ ...prep, decide: { ...prep.decide, withAgreement: true } }, counts));
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
  const prep = await prepare(ctx, input, "export");
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
      writers.set(name, { path: final, rows: 0, stream: fs.createWriteStream(`${final}.partial`), encoder: encoderFor(options.format, ext, options.conversational, options.includeAiJudgments) });
    }
    for await (const { split: name, row } of exportRows({ ...prep, decide: { ...prep.decide, withAgreement: "dir" in target } }, counts)) {
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
async function* exportRows(prep: Prepared, counts: ExportCounts): AsyncGenerator<ExportRow, void, undefined> {
  for await (const items of inSnapshot(prep.db, (view) => readItems(view, prep))) {
    for (const item of items) {
      const outcome = decideItem(item, prep.decide);
      count(counts, outcome);
      yield* outcome.rows;
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Read: rows → ExportItem

/** Rows fetched per round trip from each statement an export streams. */
const STREAM_BATCH = 1000;
/** Items handed out of the snapshot at a time. */
const ITEMS_PER_HANDOFF = 100;

/**
 * Every judged item of the project, in item order, with its candidates, judgments and
 * adjudication, a few at a time: four statements streamed side by side in item order and merged,
 * so an export costs a few round trips per thousand rows on any engine and holds a few items at once.
 */
async function* readItems(view: Snapshot, prep: Prepared): AsyncGenerator<ExportItem[], void, undefined> {
  const { options } = prep.decide;
  const id = prep.project.id;
  // AI verdicts are read only when asked for: without them the export reads what it always read.
  const withAi = options.includeAiJudgments;
  const items = withAi ? view.stream(judgedOrAiItems, [id, id], STREAM_BATCH) : view.stream(judgedItems, [id], STREAM_BATCH);
  const candidates = new Runs(withAi ? view.stream(judgedOrAiItemCandidates, [id, id], STREAM_BATCH) : view.stream(judgedItemCandidates, [id], STREAM_BATCH), (c) => c.itemId);
  const judgments = new Runs(view.stream(projectJudgments, [id], STREAM_BATCH), (j) => j.itemId);
  const adjudications = new Runs(view.stream(projectAdjudications, [id], STREAM_BATCH), (a) => a.itemId);
  const aiJudgments = withAi ? new Runs<ExportAiJudgmentRow>(view.stream(projectAiJudgments, [id], STREAM_BATCH), (x) => x.itemId) : null;
  const salt = randomBytes(16);
  const names = new Map<number, string>();
  const annotator = async (userId: number): Promise<string> => {
    let name = names.get(userId);
    if (!name) {
      name = options.revealAnnotators
        ? ((await view.first(userEmail, [userId])) ?? `user-${userId}`)
        : "annotator-" + createHash("sha256").update(salt).update(String(userId)).digest("hex").slice(0, 12);
      names.set(userId, name);
    }
    return name;
  };
  let out: ExportItem[] = [];
  try {
    for await (const item of items) {
      const exported: ExportItem["judgments"] = [];
      for (const j of await judgments.take(item.id)) {
        exported.push({
          id: j.id,
          annotatorId: j.userId,
          annotator: names.get(j.userId) ?? (await annotator(j.userId)),
          type: j.type,
          choice: j.choice,
          winnerId: j.winnerId,
          slotOrder: j.slotOrder,
          payload: j.payload,
          gold: j.gold,
          imported: j.source === "import",
          durationMs: j.durationMs,
          rationale: j.rationale,
          createdAt: j.createdAt,
        });
      }
      const adjudication = (await adjudications.take(item.id))[0];
      const ai = aiJudgments ? await aiJudgments.take(item.id) : null;
      out.push({
        id: item.id,
        externalId: item.externalId,
        prompt: item.prompt,
        // What a split hashes: the prompt's JSON in one canonical form, whichever engine stored it.
        promptKey: jsonText(item.prompt),
        gold: item.gold,
        candidates: (await candidates.take(item.id)).map(({ id, content, model }) => ({ id, content, model })),
        judgments: exported,
        adjudication: adjudication ? { verdict: adjudication.verdict, winnerId: adjudication.winnerId } : null,
        ...(ai
          ? {
              aiJudgments: ai.map((x) => ({
                id: x.id,
                judge: x.judge,
                verdict: x.verdict,
                positionConsistent: x.positionConsistent,
                answers: { as_shown: x.answerStraight, swapped: x.answerSwapped },
                latencyMs: x.latencyMs,
                createdAt: x.createdAt,
              })),
            }
          : {}),
      });
      if (out.length === ITEMS_PER_HANDOFF) {
        yield out;
        out = [];
      }
    }
    if (out.length) yield out;
  } finally {
    await Promise.all([candidates.close(), judgments.close(), adjudications.close(), aiJudgments?.close()]);
  }
}

/** An ordered stream read one key at a time: the rows with that key, after skipping smaller ones. */
class Runs<T> {
  private head: IteratorResult<T, void> | undefined;

  constructor(
    private readonly rows: AsyncGenerator<T, void, undefined>,
    private readonly keyOf: (row: T) => number,
  ) {}

  async take(key: number): Promise<T[]> {
    const out: T[] = [];
    this.head ??= await this.rows.next();
    while (!this.head.done && this.keyOf(this.head.value) < key) this.head = await this.rows.next();
    while (!this.head.done && this.keyOf(this.head.value) === key) {
      out.push(this.head.value);
      this.head = await this.rows.next();
    }
    return out;
  }

  async close(): Promise<void> {
    await this.rows.return();
  }
}

/**
 * The values `body` yields inside one `db.snapshot`, as a generator the caller pulls at its own
 * pace: the snapshot opens at the first pull and ends when `body` is done, when the caller stops
 * early (return) or when either fails. `snapshot` takes a callback, so the two sides hand values
 * across one at a time.
 */
async function* inSnapshot<T>(db: Engine, body: (view: Snapshot) => AsyncGenerator<T, void, undefined>): AsyncGenerator<T, void, undefined> {
  let wanted = handoff<boolean>();
  let offered = handoff<IteratorResult<T, void>>();
  const reading = db.snapshot(async (view) => {
    if (!(await wanted.promise)) return;
    for await (const value of body(view)) {
      wanted = handoff();
      offered.resolve({ value, done: false });
      // Leaving the loop closes `body`, and with it the statements it streams.
      if (!(await wanted.promise)) return;
    }
  });
  reading.then(
    () => offered.resolve({ value: undefined, done: true }),
    (error: unknown) => offered.reject(error),
  );
  try {
    for (;;) {
      wanted.resolve(true);
      const next = await offered.promise;
      if (next.done) return;
      offered = handoff();
      yield next.value;
    }
  } finally {
    wanted.resolve(false);
    // The snapshot's own error reached the loop above already; here only its end is awaited.
    await reading.catch(() => {});
  }
}

function handoff<T>(): { promise: Promise<T>; resolve(value: T): void; reject(error: unknown): void } {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((ok, fail) => ((resolve = ok), (reject = fail)));
  // Nobody waits for the last hand-off once the caller has stopped: its failure is not unhandled.
  promise.catch(() => {});
  return { promise, resolve, reject };
}
