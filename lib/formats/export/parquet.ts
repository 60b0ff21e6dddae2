// The Parquet form of an export, written by hyparquet-writer (a maintained writer, the companion of
// the hyparquet reader): Snappy-compressed pages with dictionary encoding where it pays, one row
// group at a time so memory is bounded by one row group. Column kinds are what the export formats
// need: text, numbers, booleans (each required or optional), JSON text, and lists of chat messages
// (list<struct<role, content>>, the shape `datasets` gives TRL's conversational columns).
import { ByteWriter, ParquetWriter as HyparquetWriter } from "hyparquet-writer";

export type ParquetColumnType = "string" | "double" | "int64" | "boolean" | "json" | "messages";

export interface ParquetColumn {
  name: string;
  type: ParquetColumnType;
  /** Whether a row may leave the column out (null); "messages" columns are never null. */
  optional?: boolean;
}

type SchemaElement = ConstructorParameters<typeof HyparquetWriter>[0]["schema"][number];

function schemaOf(columns: readonly ParquetColumn[]): SchemaElement[] {
  const schema: SchemaElement[] = [{ name: "schema", num_children: columns.length }];
  for (const c of columns) {
    if (c.type === "messages") {
      schema.push(
        { name: c.name, repetition_type: "REQUIRED", num_children: 1, converted_type: "LIST" },
        { name: "list", repetition_type: "REPEATED", num_children: 1 },
        { name: "element", repetition_type: "REQUIRED", num_children: 2 },
        { name: "role", type: "BYTE_ARRAY", converted_type: "UTF8", repetition_type: "REQUIRED" },
        { name: "content", type: "BYTE_ARRAY", converted_type: "UTF8", repetition_type: "REQUIRED" },
      );
      continue;
    }
    const repetition_type = c.optional ? "OPTIONAL" : "REQUIRED";
    if (c.type === "double") schema.push({ name: c.name, type: "DOUBLE", repetition_type });
    else if (c.type === "int64") schema.push({ name: c.name, type: "INT64", repetition_type });
    else if (c.type === "boolean") schema.push({ name: c.name, type: "BOOLEAN", repetition_type });
    else schema.push({ name: c.name, type: "BYTE_ARRAY", converted_type: "UTF8", repetition_type });
  }
  return schema;
}

/** A row's value as the column stores it: int64 as bigint, JSON columns as JSON text. */
function cell(c: ParquetColumn, v: unknown): unknown {
  if (v === undefined || v === null) return null;
  if (c.type === "int64") return BigInt(Math.trunc(Number(v)));
  if (c.type === "double") return Number(v);
  if (c.type === "json") return typeof v === "string" ? v : JSON.stringify(v);
  return v;
}

/**
 * Writes rows into Parquet through `write` (called with consecutive chunks of the file: "PAR1" and
 * each row group as it is written, then the footer). Rows are held until `rowGroupSize` of them
 * are buffered, then written as one row group and handed out.
 */
export class ParquetWriter {
  private rows: Record<string, unknown>[] = [];
  private readonly out = new ByteWriter();
  private readonly writer: HyparquetWriter;

  constructor(
    private readonly columns: readonly ParquetColumn[],
    private readonly write: (chunk: Uint8Array) => void,
    private readonly rowGroupSize = 5000,
  ) {
    // Hand out what the writer has produced after each row group, and start the buffer over.
    Object.assign(this.out, { flush: () => this.drain() });
    this.writer = new HyparquetWriter({ writer: this.out, schema: schemaOf(columns), codec: "SNAPPY", createdBy: "arbiter" });
    this.drain();
  }

  private drain(): void {
    if (this.out.index === 0) return;
    this.write(this.out.getBytes().slice());
    this.out.index = 0;
  }

  append(row: Record<string, unknown>): void {
    for (const c of this.columns) {
      const v = row[c.name];
      if ((v === undefined || v === null) && !c.optional && c.type !== "messages") throw new TypeError(`parquet: column ${c.name} is required`);
      if (c.type === "messages" && !Array.isArray(v)) throw new TypeError(`parquet: column ${c.name} expects a list of messages`);
    }
    this.rows.push(row);
    if (this.rows.length >= this.rowGroupSize) this.flush();
  }

  private flush(): void {
    if (this.rows.length === 0) return;
    const rows = this.rows;
    this.rows = [];
    const columnData = this.columns.map((c) => ({ name: c.name, data: rows.map((r) => cell(c, r[c.name])) }));
    void this.writer.write({ columnData, rowGroupSize: rows.length });
  }

  /** Writes what is buffered and the footer. */
  close(): void {
    this.flush();
    void this.writer.finish();
    this.drain();
  }
}

/** The raw export's columns, in order: its CSV header and its Parquet schema. */
export const RAW_COLUMNS: readonly ParquetColumn[] = [
        { name: "judgment_id", type: "int64" },
        { name: "item_id", type: "int64" },
        { name: "item_external_id", type: "string" },
        { name: "annotator", type: "string" },
        { name: "type", type: "string" },
        { name: "choice", type: "string", optional: true },
        { name: "verdict", type: "string", optional: true },
        { name: "winner_candidate_id", type: "int64", optional: true },
        { name: "winner_model", type: "string", optional: true },
        { name: "candidate_ids", type: "json" },
        { name: "models", type: "json" },
        { name: "display_order", type: "json" },
        { name: "payload", type: "json", optional: true },
        { name: "rationale", type: "string", optional: true },
        { name: "duration_ms", type: "int64", optional: true },
        { name: "imported", type: "boolean" },
        { name: "gold", type: "boolean" },
        { name: "adjudicated", type: "boolean" },
        { name: "adjudication", type: "json", optional: true },
        { name: "created_at", type: "string" },
];

/**
 * The raw export's columns with AI verdicts (--include-ai-judgments): an AI verdict's row has no
 * judgment id, annotator or display order, and every row says where it comes from.
 */
export const RAW_COLUMNS_WITH_AI: readonly ParquetColumn[] = [
  ...RAW_COLUMNS.map((c) => (c.name === "judgment_id" || c.name === "annotator" || c.name === "display_order" ? { ...c, optional: true } : c)),
  { name: "source", type: "string" },
  { name: "judge", type: "string", optional: true },
  { name: "ai_judgment_id", type: "int64", optional: true },
  { name: "position_consistent", type: "boolean", optional: true },
  { name: "judge_answers", type: "json", optional: true },
];

/** The columns of an export format in Parquet; null when the format has no Parquet form. */
export function parquetColumns(format: string, conversational: boolean, withAi = false): ParquetColumn[] | null {
  const text = (name: string): ParquetColumn => ({ name, type: conversational ? "messages" : "string" });
  switch (format) {
    case "trl-dpo":
      return [text("prompt"), text("chosen"), text("rejected")];
    case "trl-reward":
      return [text("chosen"), text("rejected"), { name: "margin", type: "double", optional: true }];
    case "trl-kto":
      return [text("prompt"), text("completion"), { name: "label", type: "boolean" }];
    case "hh-rlhf":
      return [
        { name: "chosen", type: "string" },
        { name: "rejected", type: "string" },
      ];
    case "sft":
      return conversational ? [{ name: "messages", type: "messages" }] : [{ name: "prompt", type: "string" }, { name: "completion", type: "string" }];
    case "raw":
      return [...(withAi ? RAW_COLUMNS_WITH_AI : RAW_COLUMNS)];
    default:
      return null; // openai-dpo: OpenAI takes JSONL
  }
}
