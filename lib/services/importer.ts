// Imports items (and judgments made elsewhere) into a project. Two passes over the source: the
// first validates every row, so an invalid file writes nothing; the second inserts in batches of
// multi-row statements inside one write transaction, so a file lands whole or not at all.
import { createHash } from "node:crypto";
import { Readable } from "node:stream";
import { at, jsonText, type Engine, type Param, type Query } from "@/db/engine";
import {
  countAnnotatorJudgments,
  countItemJudgments,
  deleteImportBatch,
  externalUserByEmail,
  insertCandidates,
  insertExternalUser,
  insertImportBatch,
  insertItems,
  insertJudgments,
  projectTagKeys,
  ROWS_PER_INSERT,
  setImportBatchInserted,
  setProjectTagKeys,
  userByEmail,
} from "@/db/queries/importer";
import { FormatError, NotDataError } from "@/lib/formats/errors";
import { storedImportedJudgment } from "@/lib/formats/import/imported-judgment";
import { parseFieldMap, type FieldMap } from "@/lib/formats/import/field-map";
import { IMPORT_FORMATS, readRecords, type ReadOptions } from "@/lib/formats/import/read";
import type { ImportRecord, ReadResult, RecordError } from "@/lib/formats/record";
import { ILL_FORMED_TEXT, illFormedTextPath, NUL_TEXT, nulTextPath } from "@/lib/formats/unicode";
import { readTags, tagKey } from "@/lib/formats/tags";
import { audit } from "./audit";
import { AppError, fieldError } from "./errors";
import { nowOf, requireScope, type Ctx } from "./context";
import { getProject } from "./projects";
import type { AdaptiveRule } from "@/lib/stats";
import { adaptiveRule, retargetItem } from "./adaptive";

export type ImportSource = () => AsyncIterable<Uint8Array | string> | Iterable<Uint8Array | string>;

function asAsync(source: ReturnType<ImportSource>): AsyncIterable<Uint8Array | string> {
  return Symbol.asyncIterator in source ? source : Readable.from(source);
}

export interface ImportInput {
  slug: string;
  source: ImportSource;
  skipInvalid?: boolean;
  format?: ReadOptions["format"];
  map?: ReadOptions["map"];
  /** Errors listed in full; past this only the count goes on. */
  maxErrors?: number;
  onProgress?: (progress: ImportProgress) => void;
  /** Where the items came from (a file name), kept on the import batch. */
  sourceName?: string;
}

/** Where a running import is: the validating pass reads the whole source, then the inserting pass. */
export interface ImportProgress {
  phase: "validating" | "inserting";
  /** Rows read in this phase so far. */
  rows: number;
  /** Bytes of the source read in this phase so far (compressed bytes for a gzip file). */
  bytes: number;
  /** Rows in the source, known once the validating pass is done. */
  total?: number;
}

export interface ImportSummary {
  inserted: number;
  duplicates: number;
  /** Judgments carried by the records (made elsewhere) that were stored. */
  annotations: number;
  errors: RecordError[];
  error_count: number;
  /**
   * Rows imported with a caveat, with their lines: an empty response, or a response that was not
   * text (`true`) taken as its text. Listed up to maxErrors; warning_count counts them all.
   */
  warnings: RecordError[];
  warning_count: number;
  /** Set when rows have no recognised shape: how a field map would help (the form shows its grammar). */
  hint?: string;
  /** True when the file was rejected as a whole because of invalid rows. */
  rejected: boolean;
  /** The import batch the new items belong to (an admin can raise a batch's priority); null when nothing was inserted. */
  batch_id?: number | null;
}

const NO_RECORDS = "no records found: send JSONL, a JSON array of records, or CSV with a header and at least one row";
const UNRECOGNISED_HINT =
  "Rows have no recognised shape: give a field map that says which fields are the prompt and which the responses, " +
  "e.g. prompt=instruction,responses=output_1|output_2 (--map in the CLI, map= over HTTP, the Field map box in the form).";

/** A file refused as a whole (not data, no records): a 400 whose `body` field says why. */
function notData(reason: string): AppError {
  return new AppError("bad_request", `${reason[0].toUpperCase()}${reason.slice(1)}; nothing was imported.`, undefined, { body: reason });
}

/** Records inserted together: one multi-row statement of items. */
const BATCH = ROWS_PER_INSERT;
const PROGRESS_EVERY = 2000;

/**
 * The one place a format reader's FormatError becomes an AppError: a bad_request naming the
 * caller's parameter (`map`), its message as the reader wrote it.
 */
function refusedFormat(parameter: string, error: FormatError): AppError {
  return fieldError(parameter, error.message);
}

/** A field-map spec as a caller sends it (`map=` in the API, `--map` in the CLI), checked. */
export function importMapOf(spec: string | undefined): FieldMap | undefined {
  if (spec === undefined) return undefined;
  try {
    return parseFieldMap(spec);
  } catch (error) {
    if (error instanceof FormatError) throw refusedFormat("map", error);
    throw error;
  }
}

/** An import format name as a caller sends it, checked against IMPORT_FORMATS. */
export function importFormatOf(name: string | undefined): ReadOptions["format"] {
  if (name === undefined) return undefined;
  if (!(IMPORT_FORMATS as readonly string[]).includes(name)) throw fieldError("format", `must be one of ${IMPORT_FORMATS.join(", ")}`);
  return name as ReadOptions["format"];
}

/** A record's identity inside its project: its own id, or a hash of its content when it has none. */
function externalIdOf(record: ImportRecord): string {
  if (record.id != null && record.id !== "") return String(record.id);
  const h = createHash("sha256");
  h.update(JSON.stringify(record.prompt));
  for (const r of record.responses) h.update("\u0000" + r.content);
  return "sha256:" + h.digest("hex").slice(0, 32);
}

/**
 * A project's `tagsFrom` setting: a record without tags of its own takes them from that metadata key.
 * A value that is not a list of valid tags is that row's error.
 */
async function* withProjectTags(results: AsyncIterable<ReadResult>, tagsFrom: string | null): AsyncGenerator<ReadResult> {
  for await (const result of results) {
    if (tagsFrom == null || !("record" in result) || result.record.tags || !result.record.metadata || !Object.hasOwn(result.record.metadata, tagsFrom)) {
      yield result;
      continue;
    }
    try {
      const tags = readTags(result.record.metadata[tagsFrom], `metadata.${tagsFrom}`);
      yield tags.length ? { line: result.line, record: { ...result.record, tags } } : result;
    } catch (error) {
      if (!(error instanceof FormatError)) throw error;
      yield { line: result.line, error: { line: result.line, field: error.field, message: error.message } };
    }
  }
}

/** Counts the bytes going through, for progress. */
function counted(source: ReturnType<ImportSource>, onBytes: (n: number) => void): AsyncIterable<Uint8Array | string> {
  const inner = asAsync(source);
  return (async function* () {
    for await (const chunk of inner) {
      onBytes(typeof chunk === "string" ? Buffer.byteLength(chunk) : chunk.byteLength);
      yield chunk;
    }
  })();
}

/**
 * A record with text no engine can store (a lone surrogate, a NUL character) becomes that row's
 * error naming the field, in both passes, so it is never stored.
 */
async function* storable(results: AsyncIterable<ReadResult>): AsyncGenerator<ReadResult> {
  for await (const result of results) {
    if (!("record" in result)) {
      yield result;
      continue;
    }
    let field = illFormedTextPath(result.record);
    let problem = ILL_FORMED_TEXT;
    if (field === undefined) {
      field = nulTextPath(result.record);
      problem = NUL_TEXT;
    }
    yield field === undefined ? result : { line: result.line, error: { line: result.line, field, message: `${field}: ${problem}` } };
  }
}

/** An optional JSON value as the text of a nullable JSON column. */
function jsonTextOrNull(value: unknown): string | null {
  return value === undefined || value === null ? null : jsonText(value);
}

export async function importItems({ ctx, input }: { ctx: Ctx; input: ImportInput }): Promise<ImportSummary> {
  requireScope(ctx, "item:import");
  if (input.sourceName?.includes("\u0000")) throw fieldError("source", NUL_TEXT);
  const project = await getProject({ ctx, input: { slug: input.slug } });
  const rule = adaptiveRule(project);
  const maxErrors = input.maxErrors ?? 100;
  const readOptions: ReadOptions = { format: input.format, map: input.map };

  const errors: RecordError[] = [];
  const warnings: RecordError[] = [];
  let errorCount = 0;
  let warningCount = 0;
  let unrecognised = 0;
  let rows = 0;
  let bytes = 0;
  try {
    for await (const result of withProjectTags(storable(readRecords(counted(input.source(), (n) => (bytes += n)), readOptions)), project.tagsFrom)) {
      rows++;
      if ("error" in result) {
        errorCount++;
        if (result.error.code === "unrecognised_shape") unrecognised++;
        if (errors.length < maxErrors) errors.push(result.error);
      } else if (result.record.warnings) {
        for (const w of result.record.warnings) {
          warningCount++;
          if (warnings.length < maxErrors) warnings.push({ line: result.line, field: w.field, message: `${w.field}: ${w.message}` });
        }
      }
      if (rows % PROGRESS_EVERY === 0) input.onProgress?.({ phase: "validating", rows, bytes });
    }
  } catch (error) {
    if (error instanceof NotDataError) throw notData(error.message);
    throw error;
  }
  const total = rows;
  input.onProgress?.({ phase: "validating", rows, bytes, total });
  // An empty file, `[]` or a CSV header alone: nothing to import is a mistake, not a success.
  if (rows === 0) throw notData(bytes === 0 ? "no records found: the file is empty" : NO_RECORDS);
  const summary: ImportSummary = { inserted: 0, duplicates: 0, annotations: 0, errors, error_count: errorCount, warnings, warning_count: warningCount, rejected: false };
  if (unrecognised) summary.hint = input.map ? undefined : UNRECOGNISED_HINT;
  if (errorCount > 0 && !input.skipInvalid) {
    summary.rejected = true;
    return summary;
  }

  const now = nowOf(ctx);
  // The insert pass is one write transaction: the file lands whole or not at all, and the tag keys
  // it brings merge with those of any other import (writes run one at a time).
  await ctx.db.write(async (tx) => {
    const batchId = (await tx.first(insertImportBatch, [project.id, input.sourceName ?? null, at(now)]))!;
    const inserter = new Inserter(tx, project.id, batchId, now, rule, summary);
    const storedKeys = (await tx.first(projectTagKeys, [project.id])) ?? [];
    const keys = new Set(storedKeys);
    let batch: ImportRecord[] = [];
    let read = 0;
    bytes = 0;
    for await (const result of withProjectTags(storable(readRecords(counted(input.source(), (n) => (bytes += n)), readOptions)), project.tagsFrom)) {
      read++;
      if ("record" in result) {
        batch.push(result.record);
        if (result.record.tags?.length) keys.add(tagKey(result.record.tags));
      }
      if (batch.length >= BATCH) {
        await inserter.insert(batch);
        batch = [];
      }
      if (read % PROGRESS_EVERY === 0) input.onProgress?.({ phase: "inserting", rows: read, bytes, total });
    }
    if (batch.length) await inserter.insert(batch);
    input.onProgress?.({ phase: "inserting", rows: read, bytes, total });
    // The project's tag keys (what a routed claim may serve) grow with the keys this import brings.
    if (keys.size > storedKeys.length) await tx.exec(setProjectTagKeys, [jsonText([...keys].sort()), project.id]);
    if (summary.inserted) await tx.exec(setImportBatchInserted, [summary.inserted, batchId]);
    else await tx.exec(deleteImportBatch, [batchId]);
    summary.batch_id = summary.inserted ? batchId : null;
    await audit(tx, ctx, {
      action: "items.import",
      targetType: "project",
      targetId: project.id,
      detail: { inserted: summary.inserted, duplicates: summary.duplicates, annotations: summary.annotations, skipped_invalid: errorCount, warnings: warningCount },
    });
  });
  return summary;
}

/** Inserts records a batch at a time inside the import's transaction, many rows per statement. */
class Inserter {
  // External annotators are accounts that cannot sign in; one per name across projects.
  private readonly externalUsers = new Map<string, number>();

  constructor(
    private readonly tx: Engine,
    private readonly projectId: number,
    private readonly batchId: number,
    private readonly now: number,
    private readonly rule: AdaptiveRule | null,
    private readonly summary: ImportSummary,
  ) {}

  async insert(batch: ImportRecord[]): Promise<void> {
    const { tx, projectId, summary } = this;
    const createdAt = at(this.now);
    const externalIds = batch.map(externalIdOf);
    const itemIds = new Map(
      (
        await insertRows(
          tx,
          insertItems,
          batch.map((record, i) => [
            projectId,
            externalIds[i],
            jsonText(record.prompt),
            jsonTextOrNull(record.metadata),
            record.priority ?? 0,
            jsonTextOrNull(record.gold),
            createdAt,
            this.batchId,
            record.tags?.length ? jsonText(record.tags) : null,
            tagKey(record.tags ?? []),
          ]),
        )
      ).map((item) => [item.externalId, item.id]),
    );
    // A record whose external id the project had, or that came earlier in this batch, is a duplicate.
    const fresh: { record: ImportRecord; itemId: number }[] = [];
    batch.forEach((record, i) => {
      const itemId = itemIds.get(externalIds[i]);
      if (itemId === undefined) {
        summary.duplicates++;
        return;
      }
      itemIds.delete(externalIds[i]);
      fresh.push({ record, itemId });
      summary.inserted++;
    });
    if (!fresh.length) return;

    const candidates = await insertRows(
      tx,
      insertCandidates,
      fresh.flatMap(({ record, itemId }) => record.responses.map((r, position) => [itemId, position, r.content, r.model ?? null, jsonTextOrNull(r.metadata)])),
    );
    const candidateIds = new Map<number, number[]>();
    for (const c of candidates) {
      let ids = candidateIds.get(c.itemId);
      if (!ids) candidateIds.set(c.itemId, (ids = []));
      ids[c.position] = c.id;
    }

    const judgmentRows: Param[][] = [];
    for (const { record, itemId } of fresh) {
      const ids = candidateIds.get(itemId)!;
      for (const a of record.annotations ?? []) {
        const j = storedImportedJudgment(a, ids);
        const userId = await this.externalUser(a.annotator);
        judgmentRows.push([projectId, itemId, userId, j.type, j.choice, j.winnerCandidateId, jsonText(ids), jsonText(j.payload), j.rationale, j.durationMs, "import", createdAt]);
      }
    }
    if (!judgmentRows.length) return;
    const inserted = await insertRows(tx, insertJudgments, judgmentRows);
    if (!inserted.length) return;
    const stored = new Set(inserted.map((j) => j.itemId));
    await tx.exec(countItemJudgments, [jsonText([...stored])]);
    const byAnnotator = new Map<number, number>();
    for (const j of inserted) byAnnotator.set(j.userId, (byAnnotator.get(j.userId) ?? 0) + 1);
    for (const [userId, n] of byAnnotator) await tx.exec(countAnnotatorJudgments, [projectId, userId, n]);
    summary.annotations += inserted.length;
    // Under adaptive overlap the imported judgments decide how many more the item needs.
    if (this.rule) for (const { record, itemId } of fresh) if (!record.gold && stored.has(itemId)) await retargetItem(tx, this.rule, itemId);
  }

  private async externalUser(name: string): Promise<number> {
    const cached = this.externalUsers.get(name);
    if (cached) return cached;
    const email = `${name.toLowerCase().replace(/[^a-z0-9._-]+/g, "-")}@external.invalid`;
    let id = await this.tx.first(externalUserByEmail, [email]);
    if (id === undefined) {
      if ((await this.tx.first(userByEmail, [email])) !== undefined) {
        throw new AppError("conflict", `Cannot create external annotator "${name}": ${email} belongs to a user who can sign in.`);
      }
      id = (await this.tx.first(insertExternalUser, [email, name, at(this.now)]))!;
    }
    this.externalUsers.set(name, id);
    return id;
  }
}

/** Runs a multi-row insert over `rows`, ROWS_PER_INSERT at a time; the rows it returns. */
async function insertRows<R>(tx: Engine, statement: (rows: number) => Query<R>, rows: Param[][]): Promise<R[]> {
  const out: R[] = [];
  for (let i = 0; i < rows.length; i += ROWS_PER_INSERT) {
    const chunk = rows.slice(i, i + ROWS_PER_INSERT);
    for (const row of await tx.many(statement(chunk.length), chunk.flat())) out.push(row);
  }
  return out;
}
