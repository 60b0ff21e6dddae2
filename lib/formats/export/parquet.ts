// A small Parquet writer for exports: no dependencies, uncompressed PLAIN pages, one page per column
// per row group, so memory is bounded by one row group. Column kinds are what the export formats
// need: text, numbers, booleans (each required or optional), JSON text, and lists of chat messages
// (list<struct<role, content>>, the shape `datasets` gives TRL's conversational columns).
//
// File layout (https://parquet.apache.org/docs/file-format/): "PAR1", column chunks, the
// FileMetaData in Thrift's compact protocol, its length (4 bytes, little endian), "PAR1".

export type ParquetColumnType = "string" | "double" | "int64" | "boolean" | "json" | "messages";

export interface ParquetColumn {
  name: string;
  type: ParquetColumnType;
  /** Whether a row may leave the column out (null); "messages" columns are never null. */
  optional?: boolean;
}

// Parquet enums (parquet.thrift)
const T = { BOOLEAN: 0, INT64: 2, DOUBLE: 5, BYTE_ARRAY: 6 } as const;
const REPETITION = { REQUIRED: 0, OPTIONAL: 1, REPEATED: 2 } as const;
const CONVERTED = { UTF8: 0, LIST: 3 } as const;
const ENCODING = { PLAIN: 0, RLE: 3 } as const;

// Thrift compact protocol type ids
const C = { TRUE: 1, FALSE: 2, I32: 5, I64: 6, BINARY: 8, LIST: 9, STRUCT: 12 } as const;

class CompactWriter {
  private out: number[] = [];
  private last: number[] = [0];

  bytes(): Buffer {
    return Buffer.from(this.out);
  }
  private varint(n: number): void {
    // n is a non-negative integer below 2^53
    while (n >= 0x80) {
      this.out.push((n % 0x80) | 0x80);
      n = Math.floor(n / 0x80);
    }
    this.out.push(n);
  }
  private zigzag(n: number): void {
    this.varint(n >= 0 ? n * 2 : -n * 2 - 1);
  }
  private header(id: number, type: number): void {
    const delta = id - this.last[this.last.length - 1];
    if (delta > 0 && delta <= 15) this.out.push((delta << 4) | type);
    else {
      this.out.push(type);
      this.zigzag(id);
    }
    this.last[this.last.length - 1] = id;
  }
  i32(id: number, v: number): this {
    this.header(id, C.I32);
    this.zigzag(v);
    return this;
  }
  i64(id: number, v: number): this {
    this.header(id, C.I64);
    this.zigzag(v);
    return this;
  }
  string(id: number, s: string): this {
    this.header(id, C.BINARY);
    const b = Buffer.from(s, "utf8");
    this.varint(b.length);
    for (const x of b) this.out.push(x);
    return this;
  }
  private listHeader(size: number, type: number): void {
    if (size < 15) this.out.push((size << 4) | type);
    else {
      this.out.push(0xf0 | type);
      this.varint(size);
    }
  }
  i32List(id: number, values: number[]): this {
    this.header(id, C.LIST);
    this.listHeader(values.length, C.I32);
    for (const v of values) this.zigzag(v);
    return this;
  }
  stringList(id: number, values: string[]): this {
    this.header(id, C.LIST);
    this.listHeader(values.length, C.BINARY);
    for (const s of values) {
      const b = Buffer.from(s, "utf8");
      this.varint(b.length);
      for (const x of b) this.out.push(x);
    }
    return this;
  }
  struct(id: number, body: (w: this) => void): this {
    this.header(id, C.STRUCT);
    this.last.push(0);
    body(this);
    this.out.push(0);
    this.last.pop();
    return this;
  }
  structList<V>(id: number, values: V[], body: (w: this, v: V) => void): this {
    this.header(id, C.LIST);
    this.listHeader(values.length, C.STRUCT);
    for (const v of values) {
      this.last.push(0);
      body(this, v);
      this.out.push(0);
      this.last.pop();
    }
    return this;
  }
  /** A top-level struct (FileMetaData, PageHeader): fields, then the stop byte. */
  end(): Buffer {
    this.out.push(0);
    return this.bytes();
  }
}

/** One leaf column in the file: a path, a physical type and its level limits. */
interface Leaf {
  path: string[];
  type: number;
  utf8: boolean;
  maxDef: number;
  maxRep: number;
  column: ParquetColumn;
  /** For message lists: which field of each message. */
  field?: "role" | "content";
}

function leavesOf(columns: readonly ParquetColumn[]): Leaf[] {
  const leaves: Leaf[] = [];
  for (const c of columns) {
    if (c.type === "messages") {
      for (const field of ["role", "content"] as const) {
        leaves.push({ path: [c.name, "list", "element", field], type: T.BYTE_ARRAY, utf8: true, maxDef: 1, maxRep: 1, column: c, field });
      }
      continue;
    }
    const type = c.type === "double" ? T.DOUBLE : c.type === "int64" ? T.INT64 : c.type === "boolean" ? T.BOOLEAN : T.BYTE_ARRAY;
    leaves.push({ path: [c.name], type, utf8: type === T.BYTE_ARRAY, maxDef: c.optional ? 1 : 0, maxRep: 0, column: c });
  }
  return leaves;
}

function schemaElements(w: CompactWriter, columns: readonly ParquetColumn[]): void {
  type El = { name: string; type?: number; repetition?: number; children?: number; converted?: number };
  const elements: El[] = [{ name: "schema", children: columns.length }];
  for (const c of columns) {
    if (c.type === "messages") {
      elements.push({ name: c.name, repetition: REPETITION.REQUIRED, children: 1, converted: CONVERTED.LIST });
      elements.push({ name: "list", repetition: REPETITION.REPEATED, children: 1 });
      elements.push({ name: "element", repetition: REPETITION.REQUIRED, children: 2 });
      elements.push({ name: "role", type: T.BYTE_ARRAY, repetition: REPETITION.REQUIRED, converted: CONVERTED.UTF8 });
      elements.push({ name: "content", type: T.BYTE_ARRAY, repetition: REPETITION.REQUIRED, converted: CONVERTED.UTF8 });
      continue;
    }
    const leaf = leavesOf([c])[0];
    elements.push({
      name: c.name,
      type: leaf.type,
      repetition: c.optional ? REPETITION.OPTIONAL : REPETITION.REQUIRED,
      converted: leaf.utf8 ? CONVERTED.UTF8 : undefined,
    });
  }
  w.structList(2, elements, (s, e) => {
    if (e.type !== undefined) s.i32(1, e.type);
    if (e.repetition !== undefined) s.i32(3, e.repetition);
    s.string(4, e.name);
    if (e.children !== undefined) s.i32(5, e.children);
    if (e.converted !== undefined) s.i32(6, e.converted);
  });
}

/** RLE/bit-packing hybrid with RLE runs only, prefixed by its byte length (data page v1 levels). */
function levels(values: number[], maxLevel: number): Buffer {
  const width = Math.ceil(Math.log2(maxLevel + 1));
  const bytesPerValue = Math.ceil(width / 8);
  const out: number[] = [];
  let i = 0;
  while (i < values.length) {
    let j = i;
    while (j < values.length && values[j] === values[i]) j++;
    let count = (j - i) * 2; // run header: count << 1, low bit 0 = RLE run
    while (count >= 0x80) {
      out.push((count % 0x80) | 0x80);
      count = Math.floor(count / 0x80);
    }
    out.push(count);
    for (let b = 0; b < bytesPerValue; b++) out.push((values[i] >> (8 * b)) & 0xff);
    i = j;
  }
  const len = Buffer.alloc(4);
  len.writeUInt32LE(out.length);
  return Buffer.concat([len, Buffer.from(out)]);
}

function plain(leaf: Leaf, values: unknown[]): Buffer {
  if (leaf.type === T.BOOLEAN) {
    const b = Buffer.alloc(Math.ceil(values.length / 8));
    values.forEach((v, i) => {
      if (v) b[i >> 3] |= 1 << (i & 7);
    });
    return b;
  }
  if (leaf.type === T.DOUBLE) {
    const b = Buffer.alloc(values.length * 8);
    values.forEach((v, i) => b.writeDoubleLE(Number(v), i * 8));
    return b;
  }
  if (leaf.type === T.INT64) {
    const b = Buffer.alloc(values.length * 8);
    values.forEach((v, i) => b.writeBigInt64LE(BigInt(Math.trunc(Number(v))), i * 8));
    return b;
  }
  const parts: Buffer[] = [];
  for (const v of values) {
    const s = Buffer.from(typeof v === "string" ? v : JSON.stringify(v), "utf8");
    const len = Buffer.alloc(4);
    len.writeUInt32LE(s.length);
    parts.push(len, s);
  }
  return Buffer.concat(parts);
}

interface ChunkMeta {
  leaf: Leaf;
  offset: number;
  size: number;
  numValues: number;
}

/**
 * Writes rows into Parquet through `write` (called with consecutive chunks of the file). Rows are
 * held until `rowGroupSize` of them are buffered, then written as one row group.
 */
export class ParquetWriter {
  private readonly leaves: Leaf[];
  private rows: Record<string, unknown>[] = [];
  private offset = 0;
  private groups: { columns: ChunkMeta[]; rows: number; bytes: number }[] = [];
  private total = 0;

  constructor(
    private readonly columns: readonly ParquetColumn[],
    private readonly write: (chunk: Buffer) => void,
    private readonly rowGroupSize = 5000,
  ) {
    this.leaves = leavesOf(columns);
    this.emit(Buffer.from("PAR1"));
  }

  private emit(chunk: Buffer): void {
    this.write(chunk);
    this.offset += chunk.length;
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
    const chunks: ChunkMeta[] = [];
    const start = this.offset;
    for (const leaf of this.leaves) {
      const values: unknown[] = [];
      const defs: number[] = [];
      const reps: number[] = [];
      for (const row of this.rows) {
        const v = row[leaf.column.name];
        if (leaf.field) {
          const messages = v as { role: string; content: string }[];
          if (messages.length === 0) {
            defs.push(0);
            reps.push(0);
          }
          messages.forEach((m, i) => {
            defs.push(1);
            reps.push(i === 0 ? 0 : 1);
            values.push(m[leaf.field!]);
          });
        } else if (v === undefined || v === null) defs.push(0);
        else {
          defs.push(1);
          values.push(v);
        }
      }
      const body = Buffer.concat([
        ...(leaf.maxRep > 0 ? [levels(reps, leaf.maxRep)] : []),
        ...(leaf.maxDef > 0 ? [levels(defs, leaf.maxDef)] : []),
        plain(leaf, values),
      ]);
      const numValues = leaf.maxDef > 0 ? defs.length : values.length;
      const header = new CompactWriter()
        .i32(1, 0) // DATA_PAGE
        .i32(2, body.length)
        .i32(3, body.length)
        .struct(5, (s) => s.i32(1, numValues).i32(2, ENCODING.PLAIN).i32(3, ENCODING.RLE).i32(4, ENCODING.RLE))
        .end();
      const offset = this.offset;
      this.emit(header);
      this.emit(body);
      chunks.push({ leaf, offset, size: header.length + body.length, numValues });
    }
    this.groups.push({ columns: chunks, rows: this.rows.length, bytes: this.offset - start });
    this.total += this.rows.length;
    this.rows = [];
  }

  /** Writes what is buffered and the footer. */
  close(): void {
    this.flush();
    const w = new CompactWriter().i32(1, 1);
    schemaElements(w, this.columns);
    w.i64(3, this.total);
    w.structList(4, this.groups, (g, group) => {
      g.structList(1, group.columns, (cc, chunk) => {
        cc.i64(2, chunk.offset);
        cc.struct(3, (m) =>
          m
            .i32(1, chunk.leaf.type)
            .i32List(2, [ENCODING.PLAIN, ENCODING.RLE])
            .stringList(3, chunk.leaf.path)
            .i32(4, 0) // UNCOMPRESSED
            .i64(5, chunk.numValues)
            .i64(6, chunk.size)
            .i64(7, chunk.size)
            .i64(9, chunk.offset),
        );
      });
      g.i64(2, group.bytes);
      g.i64(3, group.rows);
    });
    w.string(6, "arbiter");
    const footer = w.end();
    const len = Buffer.alloc(4);
    len.writeUInt32LE(footer.length);
    this.emit(footer);
    this.emit(len);
    this.emit(Buffer.from("PAR1"));
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

/** The columns of an export format in Parquet; null when the format has no Parquet form. */
export function parquetColumns(format: string, conversational: boolean): ParquetColumn[] | null {
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
      return [...RAW_COLUMNS];
    default:
      return null; // openai-dpo: OpenAI takes JSONL
  }
}
