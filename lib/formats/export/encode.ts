// The last step of an export: rows → the bytes of a file, as JSONL lines, CSV lines (a header
// first) or Parquet row groups. One encoder per file, shared by the HTTP stream, stdout and files.
import { csvLine } from "../csv-cell";
import { CSV_COLUMNS, csvRow } from "./csv";
import type { ExportFormat } from "./options";
import { ParquetWriter, parquetColumns, RAW_COLUMNS, RAW_COLUMNS_WITH_AI } from "./parquet";

export type FileFormat = "jsonl" | "csv" | "parquet";

export const CONTENT_TYPES: Record<FileFormat, string> = {
  jsonl: "application/x-ndjson; charset=utf-8",
  csv: "text/csv; charset=utf-8",
  parquet: "application/vnd.apache.parquet",
};

/**
 * Turns rows into the pieces of one file: text lines for JSONL and CSV, byte chunks for Parquet
 * (nothing until a row group fills). `push` and `end` return what is ready to be written, in order.
 */
export interface RowEncoder<Chunk extends string | Uint8Array = string | Uint8Array> {
  push(row: Record<string, unknown>): Chunk[];
  end(): Chunk[];
}

const NONE: never[] = [];

/**
 * JSONL or CSV: one line per row (CSV: the header comes with the first push, or at the end of an
 * empty file). `withAi`: the raw format's columns for AI verdicts too.
 */
export function lineEncoder(format: ExportFormat, fileFormat: "jsonl" | "csv", withAi = false): RowEncoder<string> {
  if (fileFormat === "jsonl") return { push: (row) => [JSON.stringify(row) + "\n"], end: () => NONE };
  const columns = format === "raw" ? (withAi ? RAW_COLUMNS_WITH_AI : RAW_COLUMNS).map((c) => c.name) : CSV_COLUMNS[format];
  let header = false;
  const start = (): string[] => (header ? NONE : ((header = true), [csvLine(columns)]));
  return {
    push: (row) => [...start(), csvRow(columns, row)],
    end: start,
  };
}

/** Parquet: "PAR1" with the first push, a row group per 5,000 rows, the footer at the end. */
function parquetEncoder(format: ExportFormat, conversational: boolean, withAi: boolean): RowEncoder<Uint8Array> {
  const columns = parquetColumns(format, conversational, withAi);
  if (!columns) throw new TypeError(`${format} has no Parquet form`);
  let pending: Uint8Array[] = [];
  const writer = new ParquetWriter(columns, (chunk) => pending.push(chunk));
  const take = () => {
    const out = pending;
    pending = [];
    return out;
  };
  return {
    push: (row) => (writer.append(row), take()),
    end: () => (writer.close(), take()),
  };
}

export function encoderFor(format: ExportFormat, fileFormat: FileFormat, conversational: boolean, withAi = false): RowEncoder {
  return fileFormat === "parquet" ? parquetEncoder(format, conversational, withAi) : lineEncoder(format, fileFormat, withAi);
}
