import { randomBytes } from "node:crypto";
import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { parseFieldMap } from "@/lib/formats/import/field-map";
import { detectFormat, isGzip, readRecords } from "@/lib/formats/import/read";
import type { ReadResult } from "@/lib/formats/record";
import { readAll } from "./data";

const row = (id: string, extra: object = {}) => JSON.stringify({ id, prompt: `q${id}`, responses: ["a", "b"], ...extra });

function summary(results: ReadResult[]): (string | number)[][] {
  return results.map((r) => ("record" in r ? [r.line, r.record.id ?? "?"] : [r.line, `error: ${r.error.message}`]));
}

describe("detectFormat", () => {
  it("looks at the first non-blank byte after a byte-order mark", () => {
    const bytes = (s: string) => Buffer.from(s, "utf8");
    expect(detectFormat(bytes("  \n[{}]"))).toBe("json");
    expect(detectFormat(bytes('\r\n{"a":1}'))).toBe("jsonl");
    expect(detectFormat(bytes("\uFEFF[1]"))).toBe("json");
    expect(detectFormat(bytes("prompt,response_a"))).toBe("csv");
    expect(detectFormat(bytes(""))).toBe("jsonl");
    expect(isGzip(gzipSync("x"))).toBe(true);
    expect(isGzip(bytes("{}"))).toBe(false);
  });
});

describe("JSONL", () => {
  it("numbers physical lines from 1 and skips blank lines", async () => {
    const text = `${row("a")}\n\n   \n${row("b")}\r\n${row("c")}`;
    expect(summary(await readAll(text))).toEqual([[1, "a"], [4, "b"], [5, "c"]]);
  });

  it("reports invalid JSON with the parser's message and carries on", async () => {
    const results = await readAll(`${row("a")}\n{"id": "b", "prompt": \n${row("c")}\n`);
    expect(results.map((r) => r.line)).toEqual([1, 2, 3]);
    const bad = results[1];
    expect("error" in bad && bad.error.message).toMatch(/^invalid JSON: .+/);
    expect("record" in results[2]).toBe(true);
  });

  it("reports a normalisation error with its field and line", async () => {
    const results = await readAll(`${row("a")}\n${JSON.stringify({ prompt: "q", responses: ["only"] })}\n`);
    expect(results[1]).toEqual({
      line: 2,
      error: { line: 2, field: "responses", message: "responses: expected 2 to 8 responses, got 1" },
    });
  });

  it("reports invalid UTF-8 on its own line only", async () => {
    const bad = Buffer.concat([Buffer.from('{"prompt": "caf'), Buffer.from([0xc3, 0x28]), Buffer.from('", "responses": ["a", "b"]}')]);
    const data = Buffer.concat([Buffer.from(`${row("a")}\n`), bad, Buffer.from(`\n${row("ü")}\n`)]);
    expect(summary(await readAll(data))).toEqual([[1, "a"], [2, "error: invalid UTF-8"], [3, "ü"]]);
  });

  it("keeps multi-byte characters split across chunks intact", async () => {
    const text = `${row("é😀")}\n${row("ß")}\n`;
    expect(summary(await readAll(text, {}, 1))).toEqual([[1, "é😀"], [2, "ß"]]);
  });

  it("reads a 10 MB line", async () => {
    const big = "x".repeat(10 * 1024 * 1024);
    const text = `${row("a")}\n${JSON.stringify({ id: "big", prompt: "q", responses: [big, "b"] })}\n${row("c")}\n`;
    const results = await readAll(text);
    expect(summary(results)).toEqual([[1, "a"], [2, "big"], [3, "c"]]);
    expect("record" in results[1] && results[1].record.responses[0].content.length).toBe(big.length);
  });

  it("accepts string chunks", async () => {
    async function* strings() {
      yield `${row("a")}\n${row("b").slice(0, 5)}`;
      yield `${row("b").slice(5)}\n`;
    }
    const results: ReadResult[] = [];
    for await (const r of readRecords(strings())) results.push(r);
    expect(summary(results)).toEqual([[1, "a"], [2, "b"]]);
  });
});

describe("gzip", () => {
  it("detects gzip from the magic bytes and decompresses as a stream", async () => {
    const data = gzipSync(`${row("a")}\n${row("b")}\n`);
    expect(summary(await readAll(data, {}, 3))).toEqual([[1, "a"], [2, "b"]]);
    expect(summary(await readAll(data, {}, 1))).toEqual([[1, "a"], [2, "b"]]);
  });

  it("reports a damaged gzip stream as an error after the rows it could read", async () => {
    const lines = Array.from({ length: 2000 }, (_, i) => row(`r${i}`, { note: `${i}`.repeat(50) })).join("\n");
    const data = gzipSync(lines);
    const results = await readAll(data.subarray(0, Math.floor(data.length / 2)));
    const last = results.at(-1)!;
    expect("error" in last && last.error.message).toMatch(/^invalid gzip data: /);
    expect(results.length).toBeGreaterThan(1);
    expect(results.slice(0, -1).every((r) => "record" in r)).toBe(true);
  });
});

describe("JSON array", () => {
  it("gives each element the line it starts on", async () => {
    const text = `[\n  ${row("a")},\n  {\n    "id": "b",\n    "prompt": "q",\n    "responses": ["a", "b"]\n  },\n  ${row("c")}\n]\n`;
    expect(summary(await readAll(text))).toEqual([[2, "a"], [3, "b"], [8, "c"]]);
  });

  it("reports one error with its line for a truncated array, after the complete elements", async () => {
    const text = `[\n${row("a")},\n${row("b")},\n{"id": "c", "prompt": "unfinished`;
    expect(summary(await readAll(text))).toEqual([
      [2, "a"],
      [3, "b"],
      [4, "error: invalid JSON: the file ends inside this element (truncated?)"],
    ]);
    expect(summary(await readAll(`[\n${row("a")},\n`))).toEqual([
      [2, "a"],
      [3, "error: invalid JSON: the file ends before the array is closed with ]"],
    ]);
  });

  it("keeps going past a malformed element and handles brackets inside strings", async () => {
    const text = `[{"id": "a", "prompt": "[not] {a} \\"struct\\"", "responses": ["x", "y"]},\n{"id": "b", "prompt": oops},\n${row("c")}]`;
    const results = await readAll(text);
    expect(summary(results)[0]).toEqual([1, "a"]);
    expect("record" in results[0] && results[0].record.prompt).toBe('[not] {a} "struct"');
    expect(summary(results)[1][1]).toMatch(/^error: invalid JSON: /);
    expect(summary(results)[2]).toEqual([3, "c"]);
  });

  it("reports elements that are not objects", async () => {
    expect(summary(await readAll("[1, \"x\"]"))).toEqual([
      [1, "error: expected a JSON object, got a number"],
      [1, "error: expected a JSON object, got a string"],
    ]);
  });

  it("honours an explicit format", async () => {
    expect(summary(await readAll(`{"a": 1}`, { format: "json" }))).toEqual([[1, "error: invalid JSON: expected a JSON array starting with ["]]);
  });
});

describe("CSV", () => {
  it("reads a header row, quoted newlines and the line each record starts on", async () => {
    const csv = [
      "id,prompt,response_a,response_b,model_a,model_b",
      '1,"Write a poem\r\nabout rain","Drops fall,\n""softly""",b,m1,',
      "",
      "2,q2,a2,b2,,",
    ].join("\r\n");
    const results = await readAll(csv);
    expect(summary(results)).toEqual([[2, "1"], [6, "2"]]);
    expect("record" in results[0] && results[0].record).toEqual({
      id: "1",
      prompt: "Write a poem\r\nabout rain",
      responses: [{ content: 'Drops fall,\n"softly"', model: "m1" }, { content: "b" }],
    });
  });

  it("reads a JSON message list in the prompt cell and a numeric priority", async () => {
    const prompt = JSON.stringify([{ role: "user", content: "Hi, there" }]);
    const csv = `prompt,response_a,response_b,priority,topic\n"${prompt.replaceAll('"', '""')}",a,b,3,\n"[not json",a,b,,x\n`;
    const results = await readAll(csv);
    expect("record" in results[0] && results[0].record).toEqual({
      prompt: [{ role: "user", content: "Hi, there" }],
      responses: [{ content: "a" }, { content: "b" }],
      priority: 3,
    });
    expect("record" in results[1] && results[1].record).toEqual({
      prompt: "[not json",
      responses: [{ content: "a" }, { content: "b" }],
      metadata: { topic: "x" },
    });
  });

  it("reports a wrong column count, an unclosed quote and invalid UTF-8 by line", async () => {
    const data = Buffer.concat([
      Buffer.from("prompt,response_a,response_b\nq1,a,b\nq2,a\n"),
      Buffer.from([0x71, 0xff, 0x2c, 0x61, 0x2c, 0x62, 0x0a]),
      Buffer.from('q4,a,b\nq5,"never closed,b\nmore\n'),
    ]);
    const results = await readAll(data);
    expect(summary(results)).toEqual([
      [2, "?"],
      [3, "error: invalid CSV: expected 3 columns as in the header, got 2"],
      [4, "error: invalid UTF-8"],
      [5, "?"],
      [6, "error: invalid CSV: Quote Not Closed: the parsing is finished with an opening quote at line 7"],
    ]);
    expect("record" in results[3] && results[3].record.prompt).toBe("q4");
  });

  it("reads cells as they are when a field map is given", async () => {
    const map = parseFieldMap("prompt=instruction,responses=r1|r2,annotations=ann,labels=1:A,2:B");
    const results = await readAll("instruction,r1,r2,ann\nDo it,x,,2\n", { map });
    expect("record" in results[0] && results[0].record).toEqual({
      prompt: "Do it",
      responses: [{ content: "x" }, { content: "" }],
      warnings: [{ field: "r2", message: "empty response" }],
      annotations: [{ annotator: "ann", choice: "B" }],
    });
  });

  it("rejects a header with a duplicate column", async () => {
    expect(summary(await readAll("prompt,prompt\nq,q\n"))).toEqual([[1, 'error: invalid CSV header: column "prompt" appears twice']]);
  });
});

describe("streaming", () => {
  /** A source of `rows` lines that counts how many chunks the reader has pulled. */
  function countingSource(lines: string[], compress = false) {
    const state = { pulled: 0, total: lines.length };
    async function* source() {
      for (const line of lines) {
        state.pulled++;
        yield compress ? gzipSync(line) : Buffer.from(line); // concatenated gzip members are one stream
      }
    }
    return { state, source };
  }

  // 1,000 rows of about 10 kB of random text (so gzip cannot shrink them): a reader that buffered
  // the file would pull all 10 MB before its first row; a streaming one holds a few buffers' worth.
  const pad = randomBytes(7_500).toString("base64");
  it.each([
    ["JSONL", Array.from({ length: 1000 }, (_, i) => `${row(`r${i}`, { pad })}\n`), false],
    ["gzipped JSONL", Array.from({ length: 1000 }, (_, i) => `${row(`r${i}`, { pad })}\n`), true],
    ["CSV", ["prompt,response_a,response_b\n", ...Array.from({ length: 1000 }, (_, i) => `q${i},"a\n${pad}",b\n`)], false],
  ])("yields the first %s rows before reading far ahead", async (_, lines, compress) => {
    const { state, source } = countingSource(lines as string[], compress as boolean);
    const seen: ReadResult[] = [];
    for await (const result of readRecords(source())) {
      seen.push(result);
      if (seen.length === 10) break;
    }
    expect(seen.every((r) => "record" in r)).toBe(true);
    expect(state.pulled).toBeLessThan(100);
  });
});
