// The Parquet writer's file structure. (Read back with a full Parquet reader — hyparquet — by hand
// during development; these checks pin the layout so a change that breaks it fails here.)
import { describe, expect, it } from "vitest";
import { ParquetWriter, parquetColumns, type ParquetColumn } from "@/lib/formats/export/parquet";

function write(columns: ParquetColumn[], rows: Record<string, unknown>[], groupSize = 1000): Buffer {
  const chunks: Buffer[] = [];
  const w = new ParquetWriter(columns, (c) => chunks.push(Buffer.from(c)), groupSize);
  for (const r of rows) w.append(r);
  w.close();
  return Buffer.concat(chunks);
}

function lengthPrefixed(text: string): Buffer {
  const b = Buffer.from(text, "utf8");
  const len = Buffer.alloc(4);
  len.writeUInt32LE(b.length);
  return Buffer.concat([len, b]);
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

  it("writes text values PLAIN (length-prefixed, in row order) and splits row groups", () => {
    const rows = Array.from({ length: 7 }, (_, i) => ({ prompt: `prompt ${i} ünïcode`, chosen: `c${i}`, rejected: `r${i}` }));
    const file = write(parquetColumns("trl-dpo", false)!, rows, 3);
    let at = 0;
    for (const r of rows) {
      const found = file.indexOf(lengthPrefixed(r.prompt), at);
      expect(found).toBeGreaterThan(at - 1);
      at = found;
    }
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
});
