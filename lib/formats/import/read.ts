// Reads an import source (JSONL, a JSON array or CSV, optionally gzipped) into one ReadResult per
// row: a canonical record or the reason the row was rejected, each with its 1-based line number.
//
// JSONL and CSV are streamed a line at a time, so memory stays flat however large the file is (only
// the current row is held, and a single row may be many megabytes). A JSON array is read whole
// before it is split: a JSON array is one value, and files of that form are small in practice.

import { createGunzip } from "node:zlib";
import { Readable, pipeline } from "node:stream";
import { parse as parseCsv } from "csv-parse/sync";
import { FormatError, NotDataError } from "../errors";
import type { ReadResult, RecordError } from "../record";
import type { FieldMap } from "./field-map";
import { toPromptRecord, toRecord, type PromptRecord } from "./normalize";
import { notDataMessage, sniffContent, SNIFF_BYTES } from "./sniff";

/** The formats an import may name; "auto" decides from the first non-blank byte. */
export const IMPORT_FORMATS = ["auto", "jsonl", "json", "csv"] as const;
export type InputFormat = Exclude<(typeof IMPORT_FORMATS)[number], "auto">;

export interface ReadOptions {
  /** "auto" (the default) decides from the first non-blank byte: `[` JSON, `{` JSONL, else CSV. */
  format?: (typeof IMPORT_FORMATS)[number];
  map?: FieldMap;
}

type Chunk = Uint8Array | string;

const NEWLINE = 0x0a;
const CR = 0x0d;
const QUOTE = 0x22;

/** True when the bytes start with the gzip magic number (1f 8b). */
export function isGzip(firstBytes: Uint8Array): boolean {
  return firstBytes.length >= 2 && firstBytes[0] === 0x1f && firstBytes[1] === 0x8b;
}

/** The format of a (decompressed) source from its first bytes; a byte-order mark and blanks are skipped. */
export function detectFormat(firstBytes: Uint8Array): InputFormat {
  const first = firstNonBlank(firstBytes);
  if (first === undefined || first === 0x7b /* { */) return "jsonl";
  if (first === 0x5b /* [ */) return "json";
  return "csv";
}

/**
 * One result per row, in file order. Row problems (invalid JSON or UTF-8, a record that does not
 * normalise, damaged gzip data) are yielded as errors with their line. A source that is not data
 * (its first bytes say image, PDF, spreadsheet, binary; or auto-detected "CSV" with a single
 * column, which is plain text) throws NotDataError before any row; so does a failing source.
 */
export async function* readRecords(input: AsyncIterable<Chunk>, options: ReadOptions = {}): AsyncGenerator<ReadResult> {
  for await (const row of readRows(input, options, (value) => toRecord(value, { map: options.map }))) yield "error" in row ? row : { line: row.line, record: row.value };
}

/**
 * One result per row of a prompts file (JSONL or a JSON array, also CSV with a `prompt` column;
 * README "Models in the loop"), read as `readRecords` reads records.
 */
export type PromptReadResult = { line: number; prompt: PromptRecord } | { line: number; error: RecordError };

export async function* readPrompts(input: AsyncIterable<Chunk>): AsyncGenerator<PromptReadResult> {
  for await (const row of readRows(input, {}, toPromptRecord)) {
    yield "error" in row ? row : { line: row.line, prompt: row.value };
  }
}

type Converted<T> = { line: number; value: T } | { line: number; error: RecordError };

async function* readRows<T>(input: AsyncIterable<Chunk>, options: ReadOptions, convert: (value: unknown) => T): AsyncGenerator<Converted<T>> {
  const cursor = { line: 1 };
  try {
    let source: AsyncIterable<Buffer> = bytesOf(input);
    const magic = await peek(source, (head) => head.length >= SNIFF_BYTES);
    source = magic.rest;
    let sniffed = sniffContent(magic.head, magic.complete);
    if (sniffed.kind === "gzip") {
      const inner = await peek(gunzip(magic.rest), (head) => head.length >= SNIFF_BYTES);
      source = inner.rest;
      sniffed = sniffContent(inner.head, inner.complete);
      if (sniffed.kind === "gzip") sniffed = { kind: "other", name: "a gzip file inside a gzip file" };
    }
    if (sniffed.kind === "other") throw new NotDataError("not_data", notDataMessage(sniffed.name));

    let format = options.format ?? "auto";
    const guessed = format === "auto";
    if (format === "auto") {
      const start = await peek(source, (head) => firstNonBlank(head) !== undefined);
      source = start.rest;
      format = detectFormat(start.head);
    }
    const rows =
      format === "json"
        ? jsonArrayRows(source, cursor)
        : format === "csv"
          ? csvRows(source, cursor, options.map !== undefined, guessed)
          : jsonlRows(source, cursor);
    for await (const row of rows) yield convertRow(row, convert);
  } catch (error) {
    // A broken gzip stream ends the file; it is reported like a row so the caller sees where.
    if (error instanceof FormatError) yield failure(cursor.line, error.message, error.field);
    else throw error;
  }
}

/** A row before normalisation: a parsed value, or the reason it could not be parsed. */
type RawRow = { line: number; value: unknown } | { line: number; error: string };

function convertRow<T>(row: RawRow, convert: (value: unknown) => T): Converted<T> {
  if ("error" in row) return failure(row.line, row.error);
  try {
    return { line: row.line, value: convert(row.value) };
  } catch (error) {
    if (error instanceof FormatError) return failure(row.line, error.message, error.field, error.code);
    throw error;
  }
}

function failure(line: number, message: string, field?: string, code?: RecordError["code"]): { line: number; error: RecordError } {
  const error: RecordError = { line, message };
  if (field) error.field = field;
  if (code) error.code = code;
  return { line, error };
}

// ---------------------------------------------------------------------------------------------
// JSONL

async function* jsonlRows(source: AsyncIterable<Buffer>, cursor: { line: number }): AsyncGenerator<RawRow> {
  for await (const { line, bytes } of physicalLines(source, cursor)) {
    if (isBlank(bytes)) continue;
    yield parseJson(trimCr(bytes), line);
  }
}

function parseJson(bytes: Uint8Array, line: number): RawRow {
  const text = decodeUtf8(bytes);
  if (text === undefined) return { line, error: "invalid UTF-8" };
  try {
    return { line, value: JSON.parse(text) };
  } catch (error) {
    return { line, error: `invalid JSON: ${shorten((error as Error).message)}` };
  }
}

// ---------------------------------------------------------------------------------------------
// JSON array

/**
 * Splits a JSON array into its elements with a small scanner (depth and strings), so that each
 * element is parsed on its own, reported with the line it starts on, and a damaged element does
 * not hide the others. The scanner works on bytes: every character it looks for is ASCII, and
 * UTF-8 never uses ASCII bytes inside a multi-byte character.
 */
async function* jsonArrayRows(source: AsyncIterable<Buffer>, cursor: { line: number }): AsyncGenerator<RawRow> {
  const parts: Buffer[] = [];
  for await (const chunk of source) parts.push(chunk);
  const data = Buffer.concat(parts);
  parts.length = 0;

  let pos = 0;
  let line = 1;
  const skipBlank = () => {
    while (pos < data.length && isBlankByte(data[pos])) {
      if (data[pos] === NEWLINE) line++;
      pos++;
    }
  };
  if (data[0] === 0xef && data[1] === 0xbb && data[2] === 0xbf) pos = 3;
  skipBlank();
  cursor.line = line;
  if (data[pos] !== 0x5b /* [ */) {
    yield { line, error: "invalid JSON: expected a JSON array starting with [" };
    return;
  }
  pos++;
  let expectElement = true;
  for (;;) {
    skipBlank();
    cursor.line = line;
    if (pos >= data.length) {
      yield { line, error: "invalid JSON: the file ends before the array is closed with ]" };
      return;
    }
    if (data[pos] === 0x5d /* ] */) {
      pos++;
      skipBlank();
      if (pos < data.length) yield { line, error: "invalid JSON: unexpected content after the closing ]" };
      return;
    }
    if (!expectElement) {
      yield { line, error: `invalid JSON: expected , or ] between elements, found ${JSON.stringify(String.fromCharCode(data[pos]))}` };
      return;
    }
    const startLine = line;
    const start = pos;
    const end = scanValue(data, pos, (n) => (line += n));
    if (end < 0) {
      yield { line: startLine, error: "invalid JSON: the file ends inside this element (truncated?)" };
      return;
    }
    pos = end;
    yield parseJson(data.subarray(start, end), startLine);
    skipBlank();
    if (data[pos] === 0x2c /* , */) {
      pos++;
      expectElement = true;
    } else {
      expectElement = false;
    }
  }
}

/** End offset of the JSON value starting at `pos`, or -1 when the data ends first. */
function scanValue(data: Buffer, pos: number, addLines: (n: number) => void): number {
  let depth = 0;
  let inString = false;
  let lines = 0;
  try {
    for (let i = pos; i < data.length; i++) {
      const byte = data[i];
      if (byte === NEWLINE) lines++;
      if (inString) {
        if (byte === 0x5c /* \ */) {
          if (data[i + 1] === NEWLINE) lines++;
          i++;
        } else if (byte === QUOTE) {
          inString = false;
          if (depth === 0) return i + 1;
        }
        continue;
      }
      if (byte === QUOTE) inString = true;
      else if (byte === 0x7b || byte === 0x5b) depth++;
      else if (byte === 0x7d || byte === 0x5d) {
        if (depth === 0) return i; // a scalar ended by the closing bracket of the array
        depth--;
        if (depth === 0) return i + 1;
      } else if (depth === 0 && (byte === 0x2c || isBlankByte(byte))) {
        return i; // end of a scalar element
      }
    }
    return depth === 0 && !inString && data.length > pos ? data.length : -1;
  } finally {
    addLines(lines);
  }
}

// ---------------------------------------------------------------------------------------------
// CSV

/** Cells that may hold JSON in a CSV file, and the kind of JSON value they hold. */
const JSON_CELLS: Record<string, "list" | "object"> = {
  prompt: "list",
  responses: "list",
  chosen: "list",
  rejected: "list",
  annotations: "list",
  metadata: "object",
  gold: "object",
};
/** Cells that are content even when empty; any other empty cell means "not given". */
const CONTENT_CELLS = new Set(["prompt", "response_a", "response_b", "chosen", "rejected"]);

/**
 * CSV with a header row. Physical lines are grouped into records by quote parity (a record ends on
 * the line where its quotes balance, so quoted newlines work) and each record is parsed by
 * csv-parse on its own: the line number is where the record starts and one bad row stays one error.
 */
async function* csvRows(source: AsyncIterable<Buffer>, cursor: { line: number }, mapped: boolean, guessed: boolean): AsyncGenerator<RawRow> {
  let header: string[] | undefined;
  for await (const group of csvRecords(source, cursor)) {
    if (group.invalidUtf8Line !== undefined) {
      const where = group.invalidUtf8Line === group.line ? "" : ` (line ${group.invalidUtf8Line})`;
      yield { line: group.line, error: `invalid UTF-8${where}` };
      continue;
    }
    if (group.text.trim() === "") continue;
    let cells: string[];
    try {
      const rows = parseCsv(group.text, { bom: true, record_delimiter: ["\r\n", "\n"] }) as string[][];
      if (rows.length !== 1) throw new Error(`expected one record, found ${rows.length}`);
      cells = rows[0];
    } catch (error) {
      const message = (error as Error).message.replace(/at line (\d+)/g, (_, n) => `at line ${group.line + Number(n) - 1}`);
      if (!header) {
        yield { line: group.line, error: `invalid CSV header: ${shorten(message)}` };
        return;
      }
      yield { line: group.line, error: `invalid CSV: ${shorten(message)}` };
      continue;
    }
    if (!header) {
      const problem = headerProblem(cells);
      if (problem) {
        yield { line: group.line, error: `invalid CSV header: ${problem}` };
        return;
      }
      header = cells.map((c) => c.trim());
      // Every import needs a prompt and responses, so one "column" is a line of text, not a header.
      if (guessed && header.length === 1) throw new NotDataError("not_data", notDataMessage("plain text"));
      continue;
    }
    if (cells.length !== header.length) {
      yield { line: group.line, error: `invalid CSV: expected ${header.length} columns as in the header, got ${cells.length}` };
      continue;
    }
    const row: Record<string, string> = {};
    header.forEach((name, i) => (row[name] = cells[i]));
    yield { line: group.line, value: mapped ? row : csvCellsToRow(row) };
  }
}

function headerProblem(cells: string[]): string | undefined {
  const names = cells.map((c) => c.trim());
  if (names.some((n) => n === "")) return "a column has no name";
  const seen = new Set<string>();
  for (const name of names) {
    if (seen.has(name)) return `column "${name}" appears twice`;
    seen.add(name);
  }
  return undefined;
}

/**
 * Interprets CSV cells for the record shapes: JSON lists and objects where the canonical shape
 * wants them (a `prompt` cell holding a message list), empty optional cells dropped. Everything
 * else stays text; toRecord turns a numeric `priority` into a number. Not used with a field map,
 * which reads cells as they are.
 */
function csvCellsToRow(row: Record<string, string>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, cell] of Object.entries(row)) {
    if (cell === "" && !CONTENT_CELLS.has(name)) continue;
    const kind = JSON_CELLS[name];
    const trimmed = cell.trim();
    if (kind && trimmed.startsWith(kind === "list" ? "[" : "{")) {
      try {
        const value: unknown = JSON.parse(trimmed);
        if (kind === "list" ? Array.isArray(value) : typeof value === "object" && value !== null && !Array.isArray(value)) {
          out[name] = value;
          continue;
        }
      } catch {
        // Not JSON after all: the cell is text that happens to start with a bracket.
      }
    }
    out[name] = cell;
  }
  return out;
}

interface CsvGroup {
  line: number;
  text: string;
  invalidUtf8Line?: number;
}

async function* csvRecords(source: AsyncIterable<Buffer>, cursor: { line: number }): AsyncGenerator<CsvGroup> {
  let group: CsvGroup | undefined;
  let lines: string[] = [];
  let inQuotes = false;
  for await (const { line, bytes } of physicalLines(source, cursor)) {
    if (!group) group = { line, text: "" };
    const text = decodeUtf8(bytes);
    if (text === undefined) group.invalidUtf8Line ??= line;
    lines.push(text ?? "");
    if (countQuotes(bytes) % 2 === 1) inQuotes = !inQuotes;
    if (!inQuotes) {
      group.text = trimFinalCr(lines.join("\n"));
      yield group;
      group = undefined;
      lines = [];
    }
  }
  if (group) {
    group.text = trimFinalCr(lines.join("\n"));
    yield group;
  }
}

function countQuotes(bytes: Uint8Array): number {
  let n = 0;
  for (let i = 0; i < bytes.length; i++) if (bytes[i] === QUOTE) n++;
  return n;
}

function trimFinalCr(text: string): string {
  return text.endsWith("\r") ? text.slice(0, -1) : text;
}

// ---------------------------------------------------------------------------------------------
// Bytes, lines, gzip

async function* bytesOf(input: AsyncIterable<Chunk>): AsyncGenerator<Buffer> {
  for await (const chunk of input) {
    if (typeof chunk === "string") {
      if (chunk.length) yield Buffer.from(chunk, "utf8");
    } else if (chunk.byteLength) {
      yield Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    }
  }
}

/**
 * Reads chunks until `enough(head)` holds or the source ends, and returns those bytes plus a source
 * that replays them before the rest.
 */
async function peek(
  source: AsyncIterable<Buffer>,
  enough: (head: Buffer) => boolean,
): Promise<{ head: Buffer; rest: AsyncIterable<Buffer>; complete: boolean }> {
  const iterator = source[Symbol.asyncIterator]();
  const parts: Buffer[] = [];
  let head: Buffer = Buffer.alloc(0);
  let done = false;
  while (!enough(head)) {
    const next = await iterator.next();
    if (next.done) {
      done = true;
      break;
    }
    parts.push(next.value);
    head = parts.length === 1 ? parts[0] : Buffer.concat(parts);
  }
  async function* rest(): AsyncGenerator<Buffer> {
    try {
      if (head.length) yield head;
      if (done) return;
      for (;;) {
        const next = await iterator.next();
        if (next.done) return;
        yield next.value;
      }
    } finally {
      await iterator.return?.();
    }
  }
  return { head, rest: rest(), complete: done };
}

async function* gunzip(source: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
  const unzip = createGunzip();
  let zlibError: Error | undefined;
  unzip.once("error", (error) => (zlibError ??= error));
  const input = Readable.from(source);
  // pipeline tears both streams down on an error or an early return; the error surfaces below.
  pipeline(input, unzip, () => undefined);
  try {
    for await (const chunk of unzip) yield chunk as Buffer;
  } catch (error) {
    // Errors raised by zlib itself mean damaged data; a failing source is not ours to rename.
    if (error === zlibError && (error as NodeJS.ErrnoException).code?.startsWith("Z_")) throw new FormatError(`invalid gzip data: ${(error as Error).message}`);
    throw error;
  }
}

/** Physical lines without their "\n" (a trailing "\r" is kept), numbered from 1. */
async function* physicalLines(
  source: AsyncIterable<Buffer>,
  cursor: { line: number },
): AsyncGenerator<{ line: number; bytes: Buffer }> {
  let pending: Buffer[] = [];
  let line = 1;
  cursor.line = line;
  for await (const chunk of source) {
    let start = 0;
    for (;;) {
      const nl = chunk.indexOf(NEWLINE, start);
      if (nl < 0) {
        // Copy the tail: the producer may reuse its chunk once we ask for the next one.
        if (start < chunk.length) pending.push(Buffer.from(chunk.subarray(start)));
        break;
      }
      const piece = chunk.subarray(start, nl);
      const bytes = pending.length ? Buffer.concat([...pending, piece]) : piece;
      pending = [];
      yield { line, bytes };
      line++;
      cursor.line = line;
      start = nl + 1;
    }
  }
  if (pending.length) yield { line, bytes: Buffer.concat(pending) };
}

const utf8 = new TextDecoder("utf-8", { fatal: true });

/** The text of one line, or undefined when its bytes are not valid UTF-8. */
function decodeUtf8(bytes: Uint8Array): string | undefined {
  try {
    return utf8.decode(bytes);
  } catch {
    return undefined;
  }
}

function trimCr(bytes: Buffer): Buffer {
  return bytes.length && bytes[bytes.length - 1] === CR ? bytes.subarray(0, -1) : bytes;
}

function isBlankByte(byte: number): boolean {
  return byte === 0x20 || byte === 0x09 || byte === NEWLINE || byte === CR;
}

function isBlank(bytes: Uint8Array): boolean {
  for (let i = 0; i < bytes.length; i++) if (!isBlankByte(bytes[i])) return false;
  return true;
}

/** The first byte after a byte-order mark and blanks; undefined if none yet (or only part of a BOM). */
function firstNonBlank(bytes: Uint8Array): number | undefined {
  if (bytes[0] === 0xef && bytes.length < 3) return undefined;
  let i = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  for (; i < bytes.length; i++) if (!isBlankByte(bytes[i])) return bytes[i];
  return undefined;
}

function shorten(message: string): string {
  return message.length > 300 ? `${message.slice(0, 300)}…` : message;
}
