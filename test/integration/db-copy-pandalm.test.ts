// Issue 11's end-to-end check of `arbiter db copy`: the demo project and the PandaLM test set with its
// three annotators' judgments, built on SQLite through the CLI, copied into another database; then
// `arbiter stats --json` of each project and every export (each format in each file encoding) must be
// the same on both, byte for byte. Copying into PostgreSQL needs the services to run there; copying
// into SQLite checks the test itself. Skipped without the shared PandaLM file (test/helpers/shared-data.ts)
// and, for PostgreSQL, without a server (test/helpers/postgres.ts).
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { closeDatabases } from "@/db/client";
import { isPostgresUrl } from "@/db/postgres";
import { main } from "@/lib/cli/main";
import { EXPORT_FORMAT_NAMES } from "@/lib/formats/export/options";
import { clearStatsCache } from "@/lib/services/stats";
import { ENGINES, tempDbOn, type TempDb } from "../helpers/db";
import { needsSharedData, PANDALM_TEST } from "../helpers/shared-data";

const pandalm = needsSharedData(PANDALM_TEST);
const [PANDALM] = pandalm.files;
const PANDALM_MAP =
  "id=idx,prompt=instruction+input,responses=response1|response2,models=cmp_key,metadata=motivation_app,annotations=annotator1|annotator2|annotator3,labels=0:tie,1:A,2:B";
const FILE_FORMATS = ["jsonl", "csv", "parquet"] as const;

/** `arbiter …` in this process against `db` (a SQLite file or a postgres:// URL). */
async function arbiter(db: string, ...args: string[]) {
  let out = "";
  let err = "";
  const target = isPostgresUrl(db) ? ["--database-url", db] : ["--db", db];
  const code = await main([...args, ...target], { out: (s) => void (out += s), err: (s) => void (err += s) });
  return { code, out, err };
}

async function ok(db: string, ...args: string[]): Promise<string> {
  const r = await arbiter(db, ...args);
  expect(r.code, `arbiter ${args.join(" ")}: ${r.err}`).toBe(0);
  return r.out;
}

pandalm.describe("db copy of the demo project and the PandaLM set", () => {
  let source: TempDb;
  let slugs: string[];

  beforeAll(async () => {
    source = await tempDbOn("sqlite");
    await ok(source.file, "seed", "--demo");
    await ok(source.file, "project", "create", "--slug", "pandalm", "--name", "PandaLM test set", "--status", "active", "--overlap", "3");
    const imported = JSON.parse(await ok(source.file, "import", "--project", "pandalm", PANDALM, "--format", "json", "--map", PANDALM_MAP, "--json"));
    expect(imported).toMatchObject({ inserted: 999, annotations: 2997, error_count: 0 });
    slugs = (JSON.parse(await ok(source.file, "project", "list", "--json")) as { projects: { slug: string }[] }).projects.map((p) => p.slug).sort();
    expect(slugs).toHaveLength(2);
  }, 300_000);

  afterAll(async () => {
    await closeDatabases();
    await source?.close();
  });

  describe.each(ENGINES)("into %s", (kind) => {
    let target: TempDb;
    let out: string;

    beforeAll(async () => {
      out = fs.mkdtempSync(path.join(os.tmpdir(), "arbiter-copy-exports-"));
      target = await tempDbOn(kind);
      let printed = "";
      const code = await main(["db", "copy", "--from", source.file, "--to", target.file, "--json"], { out: (s) => void (printed += s), err: (s) => void (printed += s) });
      expect(code, printed).toBe(0);
      const copied = JSON.parse(printed);
      expect(copied.verified).toBe(true);
      expect(copied.tables.judgments.rows).toBe(2997);
    }, 300_000);

    afterAll(async () => {
      // The CLI's commands opened their databases through getDb; closed before the test database is dropped.
      await closeDatabases();
      await target?.close();
      if (out) fs.rmSync(out, { recursive: true, force: true });
    });

    it("arbiter stats --json is the same on both sides for every project", async () => {
      // Some figures count from the time of asking (generated_at, the projection's history): ask both at one moment.
      vi.useFakeTimers({ toFake: ["Date"] });
      vi.setSystemTime(Date.UTC(2030, 0, 1));
      try {
        for (const slug of slugs) {
          clearStatsCache();
          const before = JSON.parse(await ok(source.file, "stats", "--project", slug, "--json"));
          clearStatsCache();
          const after = JSON.parse(await ok(target.file, "stats", "--project", slug, "--json"));
          expect(after, slug).toEqual(before);
        }
      } finally {
        vi.useRealTimers();
      }
    }, 300_000);

    it("every export format is byte-identical on both sides", async () => {
      let written = 0;
      for (const slug of slugs) {
        for (const format of EXPORT_FORMAT_NAMES) {
          for (const fileFormat of FILE_FORMATS) {
            const name = `${slug}.${format}.${fileFormat}`;
            // Raw exports name annotators by a pseudonym salted afresh on every export: emails compare.
            const args = ["export", "--project", slug, "--format", format, "--file-format", fileFormat, ...(format === "raw" ? ["--reveal-annotators"] : [])];
            const a = await arbiter(source.file, ...args, "--out", path.join(out, `source-${name}`));
            const b = await arbiter(target.file, ...args, "--out", path.join(out, `target-${name}`));
            expect({ code: b.code, err: b.err }, name).toEqual({ code: a.code, err: a.err });
            const files = (side: string) => fs.readdirSync(out).filter((f) => f.startsWith(`${side}-${name}`)).sort();
            expect(files("target").map((f) => f.slice("target-".length)), name).toEqual(files("source").map((f) => f.slice("source-".length)));
            for (const f of files("source")) {
              const there = fs.readFileSync(path.join(out, `target-${f.slice("source-".length)}`));
              expect(there.equals(fs.readFileSync(path.join(out, f))), `${f} differs`).toBe(true);
              written++;
            }
          }
        }
      }
      // The PandaLM project exports in every format and encoding.
      expect(written).toBeGreaterThanOrEqual(EXPORT_FORMAT_NAMES.length * FILE_FORMATS.length);
    }, 600_000);
  });
});
