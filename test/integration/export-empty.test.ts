// Exports and empty responses (issue 13 points 5 and 10): pairs with an empty side are left out and
// counted unless keepEmpty (`--keep-empty`, `keep_empty=1`, the form's checkbox); the dry run reports
// the same agreement as the dataset card; the CLI counts CSV rows, not lines.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { parse as parseCsv } from "csv-parse/sync";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { main } from "@/lib/cli/main";
import { exportOptionsFromQuery } from "@/lib/formats/export/options";
import { parseFieldMap } from "@/lib/formats/import/field-map";
import { dryRunExport, openExport, readExportOptions, writeExport } from "@/lib/services/exporter";
import { importItems } from "@/lib/services/importer";
import { ENGINES, importText, jsonl, makeProject, tempDbOn, type TempDb } from "../helpers/db";
import { collect } from "../helpers/collect";
import { needsSharedData, PANDALM_TEST } from "../helpers/shared-data";

const shared = needsSharedData(PANDALM_TEST);
const [PANDALM] = shared.files;
const PANDALM_MAP = "prompt=instruction+input,responses=response1|response2,models=cmp_key,id=idx,annotations=annotator1|annotator2|annotator3,labels=0:tie|1:A|2:B";

describe.each(ENGINES)("empty responses on %s", (kind) => {
  let t: TempDb;
  beforeEach(async () => {
    t = await tempDbOn(kind);
  });
  afterEach(() => t.close());


  const agree = (choice: string) => [{ annotator: "v1", choice }, { annotator: "v2", choice }];
  const records = [
    { id: "full", prompt: "First line\nsecond line\nthird line", responses: ["Good,\nwith two lines", "Bad"], annotations: agree("A") },
    { id: "empty-rejected", prompt: "q2", responses: ["Fine", ""], annotations: agree("A") },
    { id: "empty-chosen", prompt: "q3", responses: ["  ", "Something"], annotations: agree("A") },
    { id: "split-vote", prompt: "q4", responses: ["x", "y"], annotations: [{ annotator: "v1", choice: "A" }, { annotator: "v2", choice: "B" }] },
  ];

  async function project() {
    const p = await makeProject(t);
    await importText(t, p.slug, jsonl(records));
    return p;
  }

  async function cli(...args: string[]) {
    let out = "";
    let err = "";
    const code = await main([...args, ...(kind === "postgres" ? ["--database-url", t.file] : ["--db", t.file])], { out: (s) => (out += s), err: (s) => (err += s) });
    return { code, out, err };
  }

  describe("empty responses in exports", () => {
    it("leaves out pairs with an empty side and counts them; keepEmpty writes them", async () => {
      const p = await project();
      const counts = await dryRunExport({ ctx: t.system, input: { slug: p.slug, format: "trl-dpo" } });
      expect(counts).toMatchObject({ items: 4, kept_items: 1, rows: 1, left_out_empty: 2 });
      expect(counts.dropped).toMatchObject({ empty_response: 2, no_majority: 1 });
      const rows = (await collect((await openExport({ ctx: t.system, input: { slug: p.slug, format: "trl-dpo" } })).lines)).map((l) => JSON.parse(l));
      expect(rows.map((r) => r.chosen)).toEqual(["Good,\nwith two lines"]);

      const kept = await dryRunExport({ ctx: t.system, input: { slug: p.slug, format: "trl-dpo", keepEmpty: true } });
      expect(kept).toMatchObject({ kept_items: 3, rows: 3, left_out_empty: 0 });
      expect(kept.dropped.empty_response).toBe(0);
      const all = (await collect((await openExport({ ctx: t.system, input: { slug: p.slug, format: "trl-dpo", keepEmpty: true } })).lines)).map((l) => JSON.parse(l));
      expect(all.map((r) => [r.chosen, r.rejected])).toEqual([["Good,\nwith two lines", "Bad"], ["Fine", ""], ["  ", "Something"]]);

      // KTO: an empty completion is one row left out, the other side of the pair stays.
      const kto = await dryRunExport({ ctx: t.system, input: { slug: p.slug, format: "trl-kto" } });
      expect(kto).toMatchObject({ rows: 4, left_out_empty: 2 });
    });

    it("the option comes from the one table: --keep-empty, keep_empty=1, and the dry run says what was left out", async () => {
      const p = await project();
      expect(readExportOptions(exportOptionsFromQuery(new URLSearchParams("format=trl-dpo&keep_empty=1")), "query").keepEmpty).toBe(true);
      expect(readExportOptions(exportOptionsFromQuery(new URLSearchParams("format=trl-dpo")), "query").keepEmpty).toBe(false);
      const dry = await cli("export", "--project", p.slug, "--format", "trl-dpo", "--dry-run");
      expect(dry.out).toContain("Dropped, empty response: 2");
      expect(dry.out).toContain("Left out, empty response: 2 row(s) (--keep-empty keeps them)");
      const keep = await cli("export", "--project", p.slug, "--format", "trl-dpo", "--dry-run", "--keep-empty");
      expect(keep.out).toContain("Kept: 3 item(s) → 3 row(s)");
      expect(keep.out).not.toContain("empty response");
    });
  });

  describe("export counts", () => {
    it("the dry run reports the agreement the dataset card states", async () => {
      const p = await project();
      const dry = await dryRunExport({ ctx: t.system, input: { slug: p.slug, format: "trl-dpo" } });
      // Three items agree, one does not: 3 of 4 pairs of judgments.
      expect(dry.agreement).toEqual({ percent: 0.75, n_pairs: 4, n_items: 4 });
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), "arbiter-card-"));
      const written = await writeExport({ ctx: t.system, input: { slug: p.slug, format: "trl-dpo" }, target: { dir } });
      expect(written.counts.agreement).toEqual(dry.agreement);
      expect(written.card).toContain("Pairwise percent agreement: 75.0% (4 annotator pairs on 4 items");
      const out = await cli("export", "--project", p.slug, "--format", "trl-dpo", "--dry-run");
      expect(out.out).toContain("Agreement: 75.0% over 4 pair(s) of judgments on 4 item(s)");
      fs.rmSync(dir, { recursive: true, force: true });
    });

    it("a CSV export to stdout reports rows, not lines", async () => {
      const p = await project();
      const exp = await openExport({ ctx: t.system, input: { slug: p.slug, format: "trl-dpo", fileFormat: "csv", keepEmpty: true } });
      const text = (await collect(exp.lines)).join("");
      expect(exp.written.rows).toBe(3);
      expect(parseCsv(text, { columns: true })).toHaveLength(3);
      expect(text.split("\n").length - 1).toBeGreaterThan(4);
    });

    shared.it("PandaLM: the dry run's agreement is the card's, over 2,997 pairs; pairs with one of its 54 empty responses are left out", async () => {
      const p = await makeProject(t);
      await importItems({ ctx: t.system, input: { slug: p.slug, source: () => fs.createReadStream(PANDALM), map: parseFieldMap(PANDALM_MAP) } });
      const dry = await dryRunExport({ ctx: t.system, input: { slug: p.slug, format: "trl-dpo" } });
      expect(dry.agreement.n_pairs).toBe(2997);
      expect(dry.agreement.percent).not.toBeNull();
      const kept = await dryRunExport({ ctx: t.system, input: { slug: p.slug, format: "trl-dpo", keepEmpty: true } });
      expect(kept.rows).toBe(894);
      expect(dry.rows + dry.left_out_empty).toBe(894);
      expect(dry.left_out_empty).toBeGreaterThan(0);
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), "arbiter-card-"));
      const written = await writeExport({ ctx: t.system, input: { slug: p.slug, format: "trl-dpo" }, target: { dir } });
      expect(written.counts.agreement).toEqual(dry.agreement);
      expect(written.card).toContain(`Pairwise percent agreement: ${(dry.agreement.percent! * 100).toFixed(1)}% (2997 annotator pairs`);
      console.log(`PandaLM dry run: ${dry.rows} rows, ${dry.left_out_empty} left out for an empty response, agreement ${(dry.agreement.percent! * 100).toFixed(1)}%`);
      fs.rmSync(dir, { recursive: true, force: true });
    });
  });
});
