// Imports items (and judgments made elsewhere) into a project. Two passes over the source: the
// first validates every row, so an invalid file writes nothing; the second inserts in batches.
// A failure during the second pass removes what this import inserted, so a file lands whole or not at all.
import { createHash } from "node:crypto";
import { Readable } from "node:stream";
import { FormatError, NotDataError } from "@/lib/formats/errors";
import { storedImportedJudgment } from "@/lib/formats/import/imported-judgment";
import { parseFieldMap, type FieldMap } from "@/lib/formats/import/field-map";
import { IMPORT_FORMATS, readRecords, type ReadOptions } from "@/lib/formats/import/read";
import type { ImportRecord, ReadResult, RecordError } from "@/lib/formats/record";
import { ILL_FORMED_TEXT, illFormedTextPath } from "@/lib/formats/unicode";
import { readTags, tagKey } from "@/lib/formats/tags";
import { audit } from "./audit";
import { AppError, fieldError } from "./errors";
import { nowOf, requireScope, type Ctx, writing } from "./context";
import { getProject } from "./projects";
import { adaptiveRule } from "./adaptive";
import { retargetItem } from "./legacy-sync";

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

const BATCH = 1000;
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

/** A record with a lone surrogate in any text becomes that row's error, in both passes, so it is never stored. */
async function* wellFormed(results: AsyncIterable<ReadResult>): AsyncGenerator<ReadResult> {
  for await (const result of results) {
    const field = "record" in result ? illFormedTextPath(result.record) : undefined;
    yield field === undefined ? result : { line: result.line, error: { line: result.line, field, message: `${field}: ${ILL_FORMED_TEXT}` } };
  }
}

export async function importItems({ ctx, input }: { ctx: Ctx; input: ImportInput }): Promise<ImportSummary> {
  requireScope(ctx, "item:import");
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
    for await (const result of withProjectTags(wellFormed(readRecords(counted(input.source(), (n) => (bytes += n)), readOptions)), project.tagsFrom)) {
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

  // The insert pass runs on prepared statements of the underlying connection (drizzle per row
  // costs several times more); one immediate transaction per batch.
  const client = ctx.db.$client;
  const now = nowOf(ctx);
  const insertItem = client.prepare(
    `insert into items (project_id, external_id, prompt, metadata, priority, gold, created_at, batch_id, tags, tag_key) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
     on conflict (project_id, external_id) do nothing returning id`,
  ).pluck();
  const insertCandidate = client.prepare("insert into candidates (item_id, position, content, model, metadata) values (?, ?, ?, ?, ?)");
  const insertJudgment = client.prepare(
    `insert into judgments (project_id, item_id, user_id, type, choice, winner_candidate_id, slot_order, payload, rationale, duration_ms, source, created_at)
     values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'import', ?) on conflict do nothing`,
  );
  const setCount = client.prepare("update items set judgment_count = ? where id = ?");
  const findUser = client.prepare("select id from users where email = ? and external = 1").pluck();
  const addUser = client.prepare("insert into users (email, name, role, external, password_hash, created_at) values (?, ?, 'annotator', 1, null, ?) returning id").pluck();
  const takenEmail = client.prepare("select 1 from users where email = ?").pluck();

  // Ids this import inserted, as ranges of consecutive ids: enough to undo it, in constant memory.
  const inserted: [number, number][] = [];
  const externalUsers = new Map<string, number>();

  // External annotators are accounts that cannot sign in; one per name across projects.
  const externalUser = (name: string): number => {
    const cached = externalUsers.get(name);
    if (cached) return cached;
    const email = `${name.toLowerCase().replace(/[^a-z0-9._-]+/g, "-")}@external.invalid`;
    let id = findUser.get(email) as number | undefined;
    if (id === undefined) {
      if (takenEmail.get(email)) throw new AppError("conflict", `Cannot create external annotator "${name}": ${email} belongs to a user who can sign in.`);
      id = addUser.get(email, name, now) as number;
    }
    externalUsers.set(name, id);
    return id;
  };

  const json = (v: unknown) => (v === undefined || v === null ? null : JSON.stringify(v));
  // One import_batches row per import, so an admin can raise the priority of everything it brought.
  const batchId = Number(
    client.prepare("insert into import_batches (project_id, source, inserted, created_at) values (?, ?, 0, ?)").run(project.id, input.sourceName ?? null, now).lastInsertRowid,
  );
  // The project's tag keys (what a routed claim may serve) grow with the keys this import brings,
  // merged inside each batch's transaction so that concurrent imports both land.
  const readKeys = client.prepare("select tag_keys from projects where id = ?").pluck();
  const writeKeys = client.prepare("update projects set tag_keys = ? where id = ?");
  const knownKeys = new Set(JSON.parse(readKeys.get(project.id) as string) as string[]);
  const insertBatch = client.transaction((batch: ImportRecord[]) => {
    const newKeys = new Set<string>();
    for (const record of batch) {
      if (record.tags?.length && !knownKeys.has(tagKey(record.tags))) newKeys.add(tagKey(record.tags));
    }
    if (newKeys.size) {
      const merged = new Set([...(JSON.parse(readKeys.get(project.id) as string) as string[]), ...newKeys]);
      writeKeys.run(JSON.stringify([...merged].sort()), project.id);
      for (const key of merged) knownKeys.add(key);
    }
    for (const record of batch) {
      const itemId = insertItem.get(project.id, externalIdOf(record), JSON.stringify(record.prompt), json(record.metadata), record.priority ?? 0, json(record.gold), now, batchId, record.tags?.length ? JSON.stringify(record.tags) : null, tagKey(record.tags ?? [])) as
        | number
        | undefined;
      if (itemId === undefined) {
        summary.duplicates++;
        continue;
      }
      const last = inserted[inserted.length - 1];
      if (last && last[1] === itemId - 1) last[1] = itemId;
      else inserted.push([itemId, itemId]);
      summary.inserted++;
      const candidateIds = record.responses.map(
        (r, position) => Number(insertCandidate.run(itemId, position, r.content, r.model ?? null, json(r.metadata)).lastInsertRowid),
      );
      let stored = 0;
      for (const a of record.annotations ?? []) {
        const j = storedImportedJudgment(a, candidateIds);
        const userId = externalUser(a.annotator);
        const result = insertJudgment.run(
          project.id,
          itemId,
          userId,
          j.type,
          j.choice,
          j.winnerCandidateId,
          JSON.stringify(candidateIds),
          JSON.stringify(j.payload),
          j.rationale,
          j.durationMs,
          now,
        );
        stored += result.changes;
      }
      if (stored) {
        setCount.run(stored, itemId);
        summary.annotations += stored;
        // Under adaptive overlap the imported judgments decide how many more the item needs.
        if (rule && !record.gold) retargetItem(client, rule, itemId);
      }
    }
  });

  try {
    let batch: ImportRecord[] = [];
    let read = 0;
    bytes = 0;
    for await (const result of withProjectTags(wellFormed(readRecords(counted(input.source(), (n) => (bytes += n)), readOptions)), project.tagsFrom)) {
      read++;
      if ("record" in result) batch.push(result.record);
      if (batch.length >= BATCH) {
        insertBatch.immediate(batch);
        batch = [];
      }
      if (read % PROGRESS_EVERY === 0) input.onProgress?.({ phase: "inserting", rows: read, bytes, total });
    }
    if (batch.length) insertBatch.immediate(batch);
    input.onProgress?.({ phase: "inserting", rows: read, bytes, total });
  } catch (err) {
    removeItems(ctx, project.id, inserted);
    client.prepare("delete from import_batches where id = ?").run(batchId);
    throw err;
  }
  if (summary.inserted) client.prepare("update import_batches set inserted = ? where id = ?").run(summary.inserted, batchId);
  else client.prepare("delete from import_batches where id = ?").run(batchId);
  summary.batch_id = summary.inserted ? batchId : null;

  writing(ctx.db, (tx) =>
    audit(tx, ctx, {
      action: "items.import",
      targetType: "project",
      targetId: project.id,
      detail: { inserted: summary.inserted, duplicates: summary.duplicates, annotations: summary.annotations, skipped_invalid: errorCount, warnings: warningCount },
    }),
  );
  return summary;
}

function removeItems(ctx: Ctx, projectId: number, ranges: [number, number][]): void {
  const del = ctx.db.$client.prepare("delete from items where project_id = ? and id between ? and ?");
  ctx.db.$client.transaction(() => {
    for (const [from, to] of ranges) del.run(projectId, from, to);
  }).immediate();
}
