// The Parquet writer (hyparquet-writer underneath): file structure, Snappy pages, row groups handed
// out one at a time, and every file read back by a full Parquet reader (hyparquet).
import { describe, expect, it } from "vitest";
import { ParquetWriter, parquetColumns, type ParquetColumn } from "@/lib/formats/export/parquet";

function write(columns: ParquetColumn[], rows: Record<string, unknown>[], groupSize = 1000): Buffer {
  const chunks: Buffer[] = [];
  const w = new ParquetWriter(columns, (c) => chunks.push(Buffer.from(c)), groupSize);
  for (const r of rows) w.append(r);
  w.close();
  return Buffer.concat(chunks);
}

describe("ParquetWriter", () => {
  it("frames the file with PAR1 and a footer whose length is stored before the closing magic", () => {
    const file = write(parquetColumns("trl-dpo", false)!, [{ prompt: "p", chosen: "c", rejected: "r" }]);
    expect(file.subarray(0, 4).toString()).toBe("PAR1");
    expect(file.subarray(-4).toString()).toBe("PAR1");
    const footerLength = file.readUInt32LE(file.length - 8);
    const footer = file.subarray(file.length - 8 - footerLength, file.length - 8);
    expect(footerLength).toBeGreaterThan(20);
    // the schema and the column paths are in the footer
    for (const name of ["schema", "prompt", "chosen", "rejected", "arbiter"]) expect(footer.includes(Buffer.from(name))).toBe(true);
  });

  it("compresses every column chunk with Snappy and writes one row group per rowGroupSize rows", async () => {
    const { parquetMetadata } = await import("hyparquet");
    const rows = Array.from({ length: 7 }, (_, i) => ({ prompt: `prompt ${i} ünïcode`, chosen: `c${i}`, rejected: `r${i}` }));
    const file = write(parquetColumns("trl-dpo", false)!, rows, 3);
    const meta = parquetMetadata(file.buffer.slice(file.byteOffset, file.byteOffset + file.byteLength) as ArrayBuffer);
    expect(meta.row_groups.map((g) => Number(g.num_rows))).toEqual([3, 3, 1]);
    const codecs = new Set(meta.row_groups.flatMap((g) => g.columns.map((c) => c.meta_data!.codec)));
    expect([...codecs]).toEqual(["SNAPPY"]);
  });

  it("writes a repetitive text column in far fewer bytes than the text itself", () => {
    const text = "The quick brown fox jumps over the lazy dog. ".repeat(20);
    const rows = Array.from({ length: 2000 }, (_, i) => ({ prompt: `${i}: ${text}`, chosen: `yes ${i}`, rejected: `no ${i}` }));
    const plainBytes = rows.reduce((n, r) => n + Buffer.byteLength(r.prompt) + Buffer.byteLength(r.chosen) + Buffer.byteLength(r.rejected), 0);
    expect(write(parquetColumns("trl-dpo", false)!, rows).length).toBeLessThan(plainBytes / 4);
  });

  it("hands out the file a row group at a time", () => {
    const chunks: number[] = [];
    const w = new ParquetWriter(parquetColumns("trl-dpo", false)!, (c) => chunks.push(c.byteLength), 10);
    expect(chunks).toEqual([4]); // "PAR1"
    for (let i = 0; i < 9; i++) w.append({ prompt: `p${i}`, chosen: "c", rejected: "r" });
    expect(chunks).toHaveLength(1);
    w.append({ prompt: "p9", chosen: "c", rejected: "r" });
    expect(chunks).toHaveLength(2);
    w.close();
    expect(chunks).toHaveLength(3); // the footer
  });

  it("refuses a row that leaves out a required column or gives text for messages", () => {
    const w = new ParquetWriter(parquetColumns("trl-dpo", true)!, () => {});
    expect(() => w.append({ prompt: "text", chosen: [], rejected: [] })).toThrow(/prompt expects a list of messages/);
    const flat = new ParquetWriter(parquetColumns("trl-kto", false)!, () => {});
    expect(() => flat.append({ prompt: "p", completion: "c" })).toThrow(/label is required/);
  });

  it("has no Parquet form for openai-dpo", () => {
    expect(parquetColumns("openai-dpo", false)).toBeNull();
  });
});

describe("ParquetWriter read back by a full Parquet reader (hyparquet)", () => {
  async function readBack(file: Buffer): Promise<Record<string, unknown>[]> {
    const { parquetReadObjects } = await import("hyparquet");
    const ab = file.buffer.slice(file.byteOffset, file.byteOffset + file.byteLength) as ArrayBuffer;
    return (await parquetReadObjects({ file: ab })) as Record<string, unknown>[];
  }

  it("round-trips standard trl-dpo rows across several row groups", async () => {
    const rows = Array.from({ length: 25 }, (_, i) => ({ prompt: `prompt ${i} ünïcode`, chosen: `c${i}`, rejected: i % 5 ? `r${i}` : "" }));
    expect(await readBack(write(parquetColumns("trl-dpo", false)!, rows, 10))).toEqual(rows);
  });

  it("round-trips conversational rows as lists of {role, content}", async () => {
    const rows = [
      {
        prompt: [
          { role: "user", content: "Hi" },
          { role: "assistant", content: "Hello!" },
          { role: "user", content: "What is DPO?" },
        ],
        chosen: [{ role: "assistant", content: "Direct preference optimisation." }],
        rejected: [{ role: "assistant", content: "No idea." }],
      },
    ];
    expect(await readBack(write(parquetColumns("trl-dpo", true)!, rows))).toEqual(rows);
  });

  it("round-trips optional numbers, booleans and int64 and JSON columns, nulls included", async () => {
    const reward = [{ chosen: "q a", rejected: "q b", margin: 1.5 }, { chosen: "q c", rejected: "q d", margin: null }];
    expect(await readBack(write(parquetColumns("trl-reward", false)!, reward))).toEqual(reward);
    const kto = [{ prompt: "p", completion: "c", label: true }, { prompt: "p", completion: "d", label: false }];
    expect(await readBack(write(parquetColumns("trl-kto", false)!, kto))).toEqual(kto);
    const columns: ParquetColumn[] = [
      { name: "id", type: "int64" },
      { name: "duration", type: "int64", optional: true },
      { name: "payload", type: "json", optional: true },
    ];
    const read = await readBack(write(columns, [{ id: 1, duration: null, payload: { a: [1] } }, { id: 2, duration: 5, payload: null }]));
    expect(read).toEqual([{ id: 1n, duration: null, payload: '{"a":[1]}' }, { id: 2n, duration: 5n, payload: null }]);
  });
});
