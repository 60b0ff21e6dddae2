// Files that are not data, files with nothing in them, records of an unknown shape, and rows with
// empty or non-text responses: what the import service and `arbiter import` say about each, on a
// real database of each engine (issue 13 points 4 and 5).
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import { gzipSync } from "node:zlib";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { main } from "@/lib/cli/main";
import { parseFieldMap } from "@/lib/formats/import/field-map";
import { AppError } from "@/lib/services/errors";
import { importItems } from "@/lib/services/importer";
import { countRowsAsync, ENGINES, jsonl, makeProject, pairRecord, tempDbOn, type TempDb } from "../helpers/db";
import { needsSharedData, PANDALM_TEST } from "../helpers/shared-data";

const shared = needsSharedData(PANDALM_TEST);
const [PANDALM] = shared.files;
const PANDALM_MAP = "prompt=instruction+input,responses=response1|response2,models=cmp_key,id=idx,annotations=annotator1|annotator2|annotator3,labels=0:tie|1:A|2:B";
const PNG = Buffer.from("89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da63f8cfc0f01f0005000201a3e1c6a40000000049454e44ae426082", "hex");

describe.each(ENGINES)("import messages on %s", (kind) => {
  let t: TempDb;
  beforeEach(async () => {
    t = await tempDbOn(kind);
  });
  afterEach(() => t.close());


  async function importBytes(data: string | Buffer, options: { map?: string; format?: "csv" } = {}) {
    const p = await makeProject(t);
    return importItems({
      ctx: t.system,
      input: { slug: p.slug, source: () => Readable.from(data.length ? [data] : []), format: options.format, map: options.map ? parseFieldMap(options.map) : undefined },
    });
  }

  /** The refusal of a whole file: its message and the `body` field. */
  async function refusal(data: string | Buffer, options: { map?: string; format?: "csv" } = {}) {
    const error = await importBytes(data, options).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(AppError);
    expect(await countRowsAsync(t, "items")).toBe(0);
    const e = error as AppError;
    return { code: e.code, message: e.message, body: e.fields?.body };
  }

  async function cli(...args: string[]) {
    let out = "";
    let err = "";
    const code = await main([...args, ...(kind === "postgres" ? ["--database-url", t.file] : ["--db", t.file])], { out: (s) => (out += s), err: (s) => (err += s) });
    return { code, out, err };
  }

  describe("files that are not data", () => {
    it("refuses a PNG, a gzipped PNG, a PDF and an XLSX by what they look like, nothing else", async () => {
      expect(await refusal(PNG)).toEqual({
        code: "bad_request",
        message: "Not a JSON, JSONL or CSV file (looks like a PNG image); nothing was imported.",
        body: "not a JSON, JSONL or CSV file (looks like a PNG image)",
      });
      expect((await refusal(gzipSync(PNG))).body).toBe("not a JSON, JSONL or CSV file (looks like a PNG image)");
      expect((await refusal(Buffer.from("%PDF-1.4\n1 0 obj\n"))).body).toBe("not a JSON, JSONL or CSV file (looks like a PDF document)");
      const xlsx = Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04, 20, 0, 6, 0]), Buffer.from("[Content_Types].xml....xl/workbook.xml")]);
      expect((await refusal(xlsx)).body).toMatch(/looks like an Excel workbook \(XLSX\); save it as CSV\)$/);
    });

    it("refuses a one-line text file (and a few lines of prose) as plain text, not 'Inserted: 0'", async () => {
      expect((await refusal("Remember to buy milk\n")).body).toBe("not a JSON, JSONL or CSV file (looks like plain text)");
      expect((await refusal("Dear team\nthe file is attached\n")).body).toBe("not a JSON, JSONL or CSV file (looks like plain text)");
      // A lone JSON value reads the same way: one "column", no data.
      expect((await refusal('"x"')).body).toMatch(/looks like plain text/);
    });

    it("says 'no records found' for an empty file, blank lines, [] and a CSV header alone", async () => {
      expect(await refusal("")).toEqual({ code: "bad_request", message: "No records found: the file is empty; nothing was imported.", body: "no records found: the file is empty" });
      for (const data of ["\n \n", "[]", "prompt,response_a,response_b\n", gzipSync("")]) {
        expect((await refusal(data)).body).toMatch(/^no records found: send JSONL, a JSON array of records, or CSV/);
      }
    });

    it("suggests a field map when the records have no recognised shape", async () => {
      const summary = await importBytes(jsonl([{ instruction: "q", output_1: "a", output_2: "b" }]));
      expect(summary.rejected).toBe(true);
      expect(summary.errors[0].message).toMatch(/got keys instruction, output_1, output_2; a field map can say/);
      expect(summary.hint).toMatch(/^Rows have no recognised shape: give a field map/);
      // With the map it imports.
      const mapped = await importBytes(jsonl([{ instruction: "q", output_1: "a", output_2: "b" }]), { map: "prompt=instruction,responses=output_1|output_2" });
      expect(mapped).toMatchObject({ inserted: 1, error_count: 0 });
      expect(mapped.hint).toBeUndefined();
    });

    it("the CLI prints the same refusals, and the field-map grammar for an unknown shape", async () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), "arbiter-import-"));
      const p = await makeProject(t);
      const file = (name: string, data: string | Buffer) => (fs.writeFileSync(path.join(dir, name), data), path.join(dir, name));
      const png = await cli("import", "--project", p.slug, file("picture.png", PNG));
      expect(png.code).not.toBe(0);
      expect(png.err).toContain("Not a JSON, JSONL or CSV file (looks like a PNG image); nothing was imported.");
      expect(png.err).not.toMatch(/UTF-8/);
      const empty = await cli("import", "--project", p.slug, file("empty.jsonl", ""));
      expect(empty.err).toContain("No records found: the file is empty");
      const odd = await cli("import", "--project", p.slug, file("odd.jsonl", jsonl([{ instruction: "q", output_1: "a", output_2: "b" }])));
      expect(odd.code).toBe(1);
      expect(odd.err).toContain("Rows have no recognised shape");
      expect(odd.err).toContain("responses=F|G       the responses, in slot order");
      fs.rmSync(dir, { recursive: true, force: true });
    });
  });

  describe("empty and non-text responses", () => {
    it("imports them and lists each as a warning with its line and field", async () => {
      const records = [
        pairRecord(1),
        { id: "e", prompt: "q", responses: ["a", "  "] },
        { id: "t", prompt: "q", responses: [true, "b"] },
        { id: "s", prompt: "q", response_a: "", response_b: 3 },
      ];
      const summary = await importBytes(jsonl(records));
      expect(summary).toMatchObject({ inserted: 4, error_count: 0, warning_count: 4, rejected: false });
      expect(summary.warnings).toEqual([
        { line: 2, field: "responses[1]", message: "responses[1]: empty response" },
        { line: 3, field: "responses[0]", message: 'responses[0]: not text (true); imported as the text "true"' },
        { line: 4, field: "response_b", message: 'response_b: not text (3); imported as the text "3"' },
        { line: 4, field: "response_a", message: "response_a: empty response" },
      ]);
    });

    it("the CLI lists the warnings, and --json carries them", async () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), "arbiter-import-"));
      const p = await makeProject(t);
      const file = path.join(dir, "pairs.jsonl");
      fs.writeFileSync(file, jsonl([pairRecord(1), { id: "e", prompt: "q", responses: ["a", ""] }]));
      const text = await cli("import", "--project", p.slug, file);
      expect(text.code).toBe(0);
      expect(text.out).toContain("1 warning(s) (imported; check these rows):\n  line 2: responses[1]: empty response");
      const p2 = await makeProject(t);
      const json = JSON.parse((await cli("import", "--project", p2.slug, file, "--json")).out);
      expect(json).toMatchObject({ inserted: 2, warning_count: 1, warnings: [{ line: 2, field: "responses[1]", message: "responses[1]: empty response" }] });
      fs.rmSync(dir, { recursive: true, force: true });
    });

    shared.it("PandaLM: 54 empty responses and 6 `true` responses, each a warning with its line", async () => {
      const p = await makeProject(t);
      const summary = await importItems({ ctx: t.system, input: { slug: p.slug, source: () => fs.createReadStream(PANDALM), map: parseFieldMap(PANDALM_MAP), maxErrors: 1000 } });
      expect(summary).toMatchObject({ inserted: 999, error_count: 0, warning_count: 60 });
      expect(summary.warnings.filter((w) => w.message.endsWith("empty response"))).toHaveLength(54);
      const trues = summary.warnings.filter((w) => w.message.includes("not text (true)"));
      expect(trues.map((w) => w.field)).toEqual(["response1", "response1", "response1", "response2", "response2", "response1"]);
      // The line is where the record starts in the JSON array (12 lines per record, from line 2).
      const lines = fs.readFileSync(PANDALM, "utf8").split("\n");
      for (const w of trues) expect(lines[w.line - 1].trim()).toBe("{");
      expect(lines.slice(trues[0].line, trues[0].line + 12).join("\n")).toContain('"response1": true');
    });
  });
});
