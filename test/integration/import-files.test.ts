// Importing real files and broken ones through the import service on a real database of each
// engine: the full HH-RLHF test set, PandaLM with its three annotators, and malformed inputs that
// must be refused with their line and field while writing nothing.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import { gzipSync } from "node:zlib";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { checkTrlRow } from "@/lib/formats/export";
import { parseFieldMap } from "@/lib/formats/import/normalize";
import { main } from "@/lib/cli/main";
import { dryRunExport, openExport } from "@/lib/services/exporter";
import { importItems, type ImportProgress } from "@/lib/services/importer";
import { dynamicQuery, type Param, type Row } from "@/db/engine";
import { countRowsAsync, ENGINES, importText, jsonl, makeProject, pairRecord, tempDbOn, type TempDb } from "../helpers/db";
import { collect } from "../helpers/collect";
import { HH_RLHF_TEST, needsSharedData, PANDALM_TEST } from "../helpers/shared-data";
import { expectTotalsInStep } from "../helpers/totals";

const shared = needsSharedData(HH_RLHF_TEST, PANDALM_TEST);
const [HH, PANDALM] = shared.files;
const PANDALM_MAP = "prompt=instruction+input,responses=response1|response2,models=cmp_key,id=idx,annotations=annotator1|annotator2|annotator3,labels=0:tie|1:A|2:B";

describe.each(ENGINES)("import files on %s", (kind) => {
  let t: TempDb;
  beforeEach(async () => {
    t = await tempDbOn(kind);
  });
  afterEach(() => t.close());

  /** The rows of SQL that runs on both engines. */
  const select = (text: string, params: Param[] = []): Promise<Row[]> => t.db.many(dynamicQuery(text), params);
  /** The database flag of the CLI for this engine. */
  const dbFlag = () => (kind === "postgres" ? ["--database-url", t.file] : ["--db", t.file]);



  shared.describe("real files", () => {
    it("imports every row of the HH-RLHF harmless test set, once", async () => {
      const p = await makeProject(t);
      const progress: ImportProgress[] = [];
      const summary = await importItems({
        ctx: t.system,
        input: { slug: p.slug, source: () => fs.createReadStream(HH), onProgress: (x) => progress.push(x) },
      });
      expect(summary).toMatchObject({ inserted: 2312, duplicates: 0, annotations: 0, error_count: 0, rejected: false });
      expect(await countRowsAsync(t, "items")).toBe(2312);
      expect(await countRowsAsync(t, "candidates")).toBe(4624);
      // The source's own label is kept as candidate metadata, never as a judgment.
      expect(await countRowsAsync(t, "judgments")).toBe(0);
      expect(Number((await select("select count(*) as n from candidates where metadata ->> 'source_label' = 'chosen'"))[0].n)).toBe(2312);
      expect(progress.at(-1)).toMatchObject({ phase: "inserting", rows: 2312, total: 2312, bytes: fs.statSync(HH).size });
      expect(progress.some((x) => x.phase === "validating")).toBe(true);

      const again = await importItems({ ctx: t.system, input: { slug: p.slug, source: () => fs.createReadStream(HH) } });
      expect(again).toMatchObject({ inserted: 0, duplicates: 2312 });
    });

    it("imports PandaLM with its three annotators: 999 items, 2,997 judgments, the published majorities", async () => {
      const p = await makeProject(t);
      const summary = await importItems({ ctx: t.system, input: { slug: p.slug, source: () => fs.createReadStream(PANDALM), map: parseFieldMap(PANDALM_MAP) } });
      expect(summary).toMatchObject({ inserted: 999, annotations: 2997, error_count: 0 });
      expect(await countRowsAsync(t, "judgments")).toBe(2997);
      const externals = (await select("select email, external, password_hash from users where external = true order by email")).map((u) => ({ ...u, external: Number(u.external) }));
      expect(externals).toEqual(["annotator1", "annotator2", "annotator3"].map((n) => ({ email: `${n}@external.invalid`, external: 1, password_hash: null })));
      expect(Number((await select("select count(*) as n from judgments where source = 'import' and payload ->> 'type' = 'pairwise'"))[0].n)).toBe(2997);
      expect(Number((await select("select count(*) as n from items where judgment_count = 3"))[0].n)).toBe(999);
      await expectTotalsInStep(t.db); // 999 judgments for each annotator, counted batch by batch

      // The published majority label distribution: 105 ties / 422 response1 / 472 response2.
      // keepEmpty: PandaLM has empty responses, which an export otherwise leaves out (export-empty.test.ts).
      const counts = await dryRunExport({ ctx: t.system, input: { slug: p.slug, format: "trl-dpo", keepEmpty: true } });
      const exp = await openExport({ ctx: t.system, input: { slug: p.slug, format: "trl-dpo", keepEmpty: true } });
      const rows = (await collect(exp.lines)).map((l) => JSON.parse(l));
      for (const row of rows) expect(checkTrlRow("trl-dpo", row)).toEqual([]);
      expect(rows.length).toBe(422 + 472);
      expect(counts.rows).toBe(894);
      expect(counts.dropped.tie + counts.dropped.no_majority).toBe(105);
    });
  });

  describe("malformed inputs", () => {
    async function rejected(text: string | Buffer, options: { format?: "csv" } = {}) {
      const p = await makeProject(t);
      const summary = await importItems({ ctx: t.system, input: { slug: p.slug, source: () => Readable.from([text]), ...options } });
      expect(summary.rejected).toBe(true);
      expect(Number((await select("select count(*) as n from items where project_id = ?", [p.id]))[0].n)).toBe(0);
      return summary.errors;
    }

    it("refuses truncated JSON, wrong types and a single response, naming line and field", async () => {
      const errors = await rejected(
        jsonl([
          pairRecord(1),
          '{"prompt": "q", "responses": ["a", "b"',
          { prompt: 42, responses: ["a", "b"] },
          { prompt: "q", responses: ["only one"] },
          { prompt: "q", responses: ["a", { content: null }] },
          pairRecord(6),
        ]),
      );
      expect(errors.map((e) => [e.line, e.field])).toEqual([
        [2, undefined],
        [3, "prompt"],
        [4, "responses"],
        [5, "responses[1].content"],
      ]);
      expect(errors[0].message).toMatch(/JSON/i);
      expect(errors[2].message).toBe("responses: expected 2 to 8 responses, got 1");
    });

    it("refuses invalid UTF-8 on its line", async () => {
      const good = Buffer.from(jsonl([pairRecord(1)]));
      const bad = Buffer.concat([Buffer.from('{"prompt": "caf'), Buffer.from([0xc3, 0x28]), Buffer.from('", "responses": ["a", "b"]}\n')]);
      const errors = await rejected(Buffer.concat([good, bad]));
      expect(errors).toHaveLength(1);
      expect(errors[0].line).toBe(2);
      expect(errors[0].message).toMatch(/UTF-8/);
    });

    it("reads a 10 MB line, and names the field when it is wrong", async () => {
      const big = "x".repeat(10 * 1024 * 1024);
      const p = await makeProject(t);
      const ok = await importText(t, p.slug, jsonl([pairRecord(1), { id: "big", prompt: "q", responses: [big, "b"] }]));
      expect(ok).toMatchObject({ inserted: 2, error_count: 0 });
      expect(Number((await select("select length(content) as n from candidates where content like 'xxx%'"))[0].n)).toBe(big.length);
      const errors = await rejected(jsonl([{ prompt: "q", responses: [big, null], id: "big2" }]));
      expect(errors).toEqual([{ line: 1, field: "responses[1]", message: expect.any(String) }]);
    });

    it("reads CSV with quoted newlines and reports the starting line of a bad row", async () => {
      const p = await makeProject(t);
      const csv = 'id,prompt,response_a,response_b\n1,"two\nlines","a, with comma","b ""quoted"""\n2,,a,b\n3,q,a,b\n';
      const summary = await importText(t, p.slug, csv);
      expect(summary.rejected).toBe(true);
      expect(summary.errors).toEqual([{ line: 4, field: "prompt", message: "prompt: must not be empty" }]);
      const skipped = await importText(t, p.slug, csv, { skipInvalid: true });
      expect(skipped).toMatchObject({ inserted: 2, error_count: 1 });
      const [first] = await select("select prompt from items where external_id = '1'");
      expect(JSON.parse(first.prompt as string)).toBe("two\nlines");
      expect((await select("select content from candidates order by id limit 2")).map((c) => c.content)).toEqual(["a, with comma", 'b "quoted"']);
    });

    it("refuses text holding a NUL character on every engine (PostgreSQL stores none), naming line and field", async () => {
      const records = [
        pairRecord(1),
        { id: "n2", prompt: "before\u0000after", responses: ["a", "b"] },
        { id: "n3", prompt: "q", responses: ["a", "b\u0000"] },
        { id: "n4", prompt: "q", responses: ["a", "b"], metadata: { "key\u0000": 1 } },
        { id: "n5", prompt: "q", responses: ["a", "b"], annotations: [{ annotator: "x", choice: "A", rationale: "why\u0000" }] },
      ];
      const errors = await rejected(jsonl(records));
      expect(errors.map((e) => [e.line, e.field])).toEqual([
        [2, "prompt"],
        [3, "responses.1.content"],
        [4, "metadata.key\\u0000"],
        [5, "annotations.0.rationale"],
      ]);
      expect(errors[0].message).toBe("prompt: contains a NUL character (\\u0000), which cannot be stored");
      // With skipInvalid the other rows land, and no text with a NUL is stored.
      const p = await makeProject(t);
      expect(await importText(t, p.slug, jsonl(records), { skipInvalid: true })).toMatchObject({ inserted: 1, error_count: 4 });
      expect(await countRowsAsync(t, "items")).toBe(1);
      const named = importItems({ ctx: t.system, input: { slug: p.slug, source: () => Readable.from([jsonl([pairRecord(9)])]), sourceName: "file\u0000.jsonl" } });
      await expect(named).rejects.toMatchObject({ code: "bad_request", message: expect.stringMatching(/source: contains a NUL character/) });
    });

    it("refuses annotations that do not fit the record, with the field", async () => {
      const errors = await rejected(
        jsonl([
          { prompt: "q", responses: ["a", "b"], annotations: [{ annotator: "x", ranking: [["A"], ["C"]] }] },
          { prompt: "q", responses: ["a", "b"], annotations: [{ annotator: "x", choice: "B", strength: -2 }] },
        ]),
      );
      expect(errors.map((e) => e.field)).toEqual(["annotations[0].ranking[1][0]", "annotations[0].strength"]);
    });

    it("reads gzip directly and stops the error list at the limit, counting the rest", async () => {
      const lines = Array.from({ length: 150 }, (_, i) => ({ prompt: "q", responses: [`only ${i}`] }));
      const p = await makeProject(t);
      const summary = await importItems({ ctx: t.system, input: { slug: p.slug, source: () => Readable.from([gzipSync(jsonl(lines))]) } });
      expect(summary).toMatchObject({ rejected: true, error_count: 150 });
      expect(summary.errors).toHaveLength(100);
    });
  });

  describe("the import and export commands", () => {
    function run(args: string[]) {
      let out = "";
      let err = "";
      return main(args, { out: (s) => (out += s), err: (s) => (err += s) }).then((code) => ({ code, out, err }));
    }

    it("explains a bad --map as a usage error with the map grammar", async () => {
      const r = await run(["import", ...dbFlag(), "--project", "x", "--map", "prompt=", PANDALM]);
      expect(r.code).toBe(2);
      expect(r.err).toMatch(/--map: /);
      expect(r.err).toMatch(/field map/i);
    });

    shared.it("imports PandaLM with --map and prints the dry-run counts as JSON", async () => {
      const p = await makeProject(t);
      const imp = await run(["import", ...dbFlag(), "--project", p.slug, "--map", PANDALM_MAP, "--json", PANDALM]);
      expect(imp.code).toBe(0);
      expect(JSON.parse(imp.out)).toMatchObject({ inserted: 999, annotations: 2997 });
      const dry = await run(["export", ...dbFlag(), "--project", p.slug, "--format", "trl-kto", "--policy", "unanimous", "--dry-run", "--json"]);
      expect(dry.code).toBe(0);
      const counts = JSON.parse(dry.out);
      expect(counts.items).toBe(999);
      expect(counts.kept_items + Object.values(counts.dropped as Record<string, number>).reduce((a, b) => a + b, 0)).toBe(999);
      const human = await run(["export", ...dbFlag(), "--project", p.slug, "--format", "trl-dpo", "--dry-run", "--keep-empty"]);
      expect(human.out).toContain("Kept: 894 item(s) → 894 row(s)");
      const bad = await run(["export", ...dbFlag(), "--project", p.slug, "--format", "trl-dpo", "--min-agreement", "2"]);
      expect(bad.code).toBe(1);
      expect(bad.err).toMatch(/--min-agreement: must be between 0 and 1/);
    });

    shared.it("writes one file per split with --out", async () => {
      const p = await makeProject(t);
      await importItems({ ctx: t.system, input: { slug: p.slug, source: () => fs.createReadStream(PANDALM), map: parseFieldMap(PANDALM_MAP) } });
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), "arbiter-out-"));
      try {
        const r = await run(["export", ...dbFlag(), "--project", p.slug, "--format", "trl-dpo", "--split", "test=0.1", "--seed", "42", "--keep-empty", "--out", path.join(dir, "pandalm.jsonl")]);
        expect(r.code).toBe(0);
        expect(fs.readdirSync(dir).sort()).toEqual(["pandalm.test.jsonl", "pandalm.train.jsonl"]);
        const n = (f: string) => fs.readFileSync(path.join(dir, f), "utf8").split("\n").filter(Boolean).length;
        expect(n("pandalm.test.jsonl") + n("pandalm.train.jsonl")).toBe(894);
        expect(n("pandalm.test.jsonl")).toBeGreaterThan(60);
        expect(n("pandalm.test.jsonl")).toBeLessThan(120);
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });
  });
});
