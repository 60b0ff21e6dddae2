// Export and import speed and memory against baselines measured in the same run.
//
//   npx tsx test/bench/export-import.bench.ts            (export 1,000,000 judgments, import 100,000 records)
//   npx tsx test/bench/export-import.bench.ts --big 300  (also: a 300 MB gzip import in a child
//                                                          process limited to --max-old-space-size=64)
//
// Targets (issue 5): trl-dpo export ≥ 0.3 × a bare better-sqlite3 scan of the judgments table, peak
// RSS under 256 MB (as JSONL and as Parquet); import of 100,000 canonical records ≥ 0.2 × bare prepared inserts of the same
// rows in one transaction, with flat memory.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { createGzip } from "node:zlib";
import { openDatabase } from "@/db/client";
import { runMigrations } from "@/db/migrate";
import type { Ctx } from "@/lib/services/context";
import { openExport } from "@/lib/services/exporter";
import { importItems } from "@/lib/services/importer";
import { createProject } from "@/lib/services/projects";

const ITEMS = 333_334;
const JUDGMENTS = 1_000_000;
const IMPORT_RECORDS = 100_000;

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MB`;
const rate = (n: number, ms: number) => Math.round((n / ms) * 1000);

/** Samples RSS every 20 ms while `fn` runs; returns its result, duration and the peak. */
async function measured<T>(fn: () => Promise<T> | T): Promise<{ result: T; ms: number; peakRss: number; startRss: number }> {
  const startRss = process.memoryUsage.rss();
  let peakRss = startRss;
  const timer = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage.rss())), 20);
  const t0 = performance.now();
  const result = await fn();
  const ms = performance.now() - t0;
  clearInterval(timer);
  peakRss = Math.max(peakRss, process.memoryUsage.rss());
  return { result, ms, peakRss, startRss };
}

function record(i: number) {
  return {
    id: `r${i}`,
    prompt: `Question ${i}: explain why the sky looks blue at noon and red at sunset, briefly.`,
    responses: [
      { content: `Answer ${i} from the first model: Rayleigh scattering favours short wavelengths.`, model: "model-a" },
      { content: `Answer ${i} from the second model: the light travels through more air at sunset.`, model: "model-b" },
    ],
    metadata: { source: "bench", n: i },
  };
}

async function benchExport(dir: string) {
  const file = path.join(dir, "export.db");
  const db = openDatabase(file);
  await runMigrations(db);
  const ctx: Ctx = { db, caller: null };
  const project = createProject({ ctx, input: { status: "active", slug: "bench", name: "Bench", overlap: 3 } });
  const client = db.$client;
  const t0 = performance.now();
  const users = [1, 2, 3].map(
    (n) => client.prepare("insert into users (email, name, role, external, created_at) values (?, ?, 'annotator', 1, 0) returning id").pluck().get(`bench${n}@external.invalid`, `bench${n}`) as number,
  );
  const insItem = client.prepare("insert into items (project_id, external_id, prompt, judgment_count, created_at) values (?, ?, ?, ?, 0)");
  const insCand = client.prepare("insert into candidates (item_id, position, content, model) values (?, ?, ?, ?)");
  const insJudg = client.prepare(
    "insert into judgments (project_id, item_id, user_id, type, choice, winner_candidate_id, slot_order, payload, source, created_at) values (?, ?, ?, 'pairwise', ?, ?, ?, ?, 'import', 0)",
  );
  client.transaction(() => {
    let left = JUDGMENTS;
    for (let i = 0; i < ITEMS; i++) {
      const r = record(i);
      const votes = Math.min(3, left);
      left -= votes;
      const itemId = Number(insItem.run(project.id, r.id, JSON.stringify(r.prompt), votes).lastInsertRowid);
      const ids = r.responses.map((c, pos) => Number(insCand.run(itemId, pos, c.content, c.model).lastInsertRowid));
      const order = JSON.stringify(i % 2 ? [ids[1], ids[0]] : ids);
      for (let v = 0; v < votes; v++) {
        // mostly agreeing votes with some dissent and ties, like real data
        const k = (i * 7 + v * 3) % 10;
        const choice = k < 6 ? "A" : k < 9 ? "B" : "tie";
        const winner = choice === "tie" ? null : ids[choice === "A" ? 0 : 1];
        insJudg.run(project.id, itemId, users[v], choice, winner, order, JSON.stringify({ type: "pairwise", choice, winner }));
      }
    }
  })();
  client.pragma("wal_checkpoint(TRUNCATE)");
  console.log(`generated ${ITEMS.toLocaleString("en")} items, ${JUDGMENTS.toLocaleString("en")} judgments in ${((performance.now() - t0) / 1000).toFixed(1)} s (${mb(fs.statSync(file).size)})`);

  // Baseline: a bare scan of the judgments table on a fresh read-only connection.
  const scan = await measured(() => {
    const conn = new (client.constructor as typeof import("better-sqlite3"))(file, { readonly: true });
    let n = 0;
    for (const _ of conn.prepare("select * from judgments where project_id = ?").raw().iterate(project.id)) n++;
    conn.close();
    return n;
  });
  const exp = await measured(() => {
    const e = openExport({ ctx, input: { slug: "bench", format: "trl-dpo" } });
    let lines = 0;
    let bytes = 0;
    for (const line of e.lines) {
      lines++;
      bytes += line.length;
    }
    return { lines, bytes };
  });
  const scanRate = rate(scan.result, scan.ms);
  const exportRate = rate(JUDGMENTS, exp.ms);
  console.log(`bare scan:      ${scan.result.toLocaleString("en")} judgments in ${scan.ms.toFixed(0)} ms → ${scanRate.toLocaleString("en")} judgments/s`);
  console.log(
    `trl-dpo export: ${JUDGMENTS.toLocaleString("en")} judgments → ${exp.result.lines.toLocaleString("en")} rows (${mb(exp.result.bytes)}) in ${exp.ms.toFixed(0)} ms → ${exportRate.toLocaleString("en")} judgments/s`,
  );
  console.log(`  ratio ${(exportRate / scanRate).toFixed(2)} (target ≥ 0.30); peak RSS during export ${mb(exp.peakRss)} (target < 256 MB; ${mb(exp.startRss)} at start)`);
  // The same export as Parquet, as the HTTP route streams it (row groups of 5,000 rows).
  const parquet = await measured(() => {
    const e = openExport({ ctx, input: { slug: "bench", format: "trl-dpo", fileFormat: "parquet" } });
    let bytes = 0;
    if ("chunks" in e) for (const chunk of e.chunks) bytes += chunk.byteLength;
    return { bytes };
  });
  const parquetRate = rate(JUDGMENTS, parquet.ms);
  console.log(
    `trl-dpo Parquet: ${JUDGMENTS.toLocaleString("en")} judgments → ${mb(parquet.result.bytes)} in ${parquet.ms.toFixed(0)} ms → ${parquetRate.toLocaleString("en")} judgments/s`,
  );
  console.log(`  ratio ${(parquetRate / scanRate).toFixed(2)} (target ≥ 0.30); peak RSS during export ${mb(parquet.peakRss)} (target < 256 MB; ${mb(parquet.startRss)} at start)`);
  client.close();
}

async function benchImport(dir: string) {
  const jsonlFile = path.join(dir, "records.jsonl");
  fs.writeFileSync(jsonlFile, Array.from({ length: IMPORT_RECORDS }, (_, i) => JSON.stringify(record(i))).join("\n") + "\n");

  const db = openDatabase(path.join(dir, "import.db"));
  await runMigrations(db);
  const ctx: Ctx = { db, caller: null };
  createProject({ ctx, input: { status: "active", slug: "imp", name: "Import" } });
  const imp = await measured(() => importItems({ ctx, input: { slug: "imp", source: () => fs.createReadStream(jsonlFile) } }));
  if (imp.result.inserted !== IMPORT_RECORDS) throw new Error(`imported ${imp.result.inserted}, expected ${IMPORT_RECORDS}`);
  db.$client.close();

  // Baseline: the same rows inserted with bare prepared statements in one transaction.
  const baseDb = openDatabase(path.join(dir, "import-base.db"));
  await runMigrations(baseDb);
  const baseCtx: Ctx = { db: baseDb, caller: null };
  const baseProject = createProject({ ctx: baseCtx, input: { status: "active", slug: "base", name: "Base" } });
  const rows = Array.from({ length: IMPORT_RECORDS }, (_, i) => record(i));
  const base = await measured(() => {
    const c = baseDb.$client;
    const insItem = c.prepare("insert into items (project_id, external_id, prompt, metadata, created_at) values (?, ?, ?, ?, 0)");
    const insCand = c.prepare("insert into candidates (item_id, position, content, model) values (?, ?, ?, ?)");
    c.transaction(() => {
      for (const r of rows) {
        const id = insItem.run(baseProject.id, r.id, JSON.stringify(r.prompt), JSON.stringify(r.metadata)).lastInsertRowid;
        r.responses.forEach((resp, pos) => insCand.run(id, pos, resp.content, resp.model));
      }
    })();
  });
  baseDb.$client.close();

  const baseRate = rate(IMPORT_RECORDS, base.ms);
  const impRate = rate(IMPORT_RECORDS, imp.ms);
  console.log(`bare inserts:   ${IMPORT_RECORDS.toLocaleString("en")} records in ${base.ms.toFixed(0)} ms → ${baseRate.toLocaleString("en")} records/s`);
  console.log(`importItems:    ${IMPORT_RECORDS.toLocaleString("en")} records (${mb(fs.statSync(jsonlFile).size)} JSONL, both passes) in ${imp.ms.toFixed(0)} ms → ${impRate.toLocaleString("en")} records/s`);
  console.log(`  ratio ${(impRate / baseRate).toFixed(2)} (target ≥ 0.20); RSS ${mb(imp.startRss)} at start, peak ${mb(imp.peakRss)}`);
}

/** A gzip file larger than the heap the child may use, imported in a child with a 64 MB old space. */
async function benchBig(dir: string, megabytes: number) {
  const gz = path.join(dir, "big.jsonl.gz");
  const pad = "lorem ipsum dolor sit amet ".repeat(20);
  let written = 0;
  let i = 0;
  const target = megabytes * 1024 * 1024;
  await pipeline(
    Readable.from(
      (function* () {
        while (written < target) {
          const r = record(i++);
          r.responses[0].content += pad + i;
          const line = JSON.stringify(r) + "\n";
          written += line.length;
          yield line;
        }
      })(),
    ),
    createGzip({ level: 1 }),
    fs.createWriteStream(gz),
  );
  console.log(`big file: ${i.toLocaleString("en")} records, ${mb(written)} uncompressed, ${mb(fs.statSync(gz).size)} gzip`);
  const db = path.join(dir, "big.db");
  const script = path.join(dir, "big-import.ts");
  fs.writeFileSync(
    script,
    `import { openDatabase } from "@/db/client";
import { MIGRATIONS_DIR } from "@/db/migrate";
import { migrateConnection } from "@/db/sqlite";
import fs from "node:fs";
import { createProject } from "@/lib/services/projects";
import { importItems } from "@/lib/services/importer";
const db = openDatabase(${JSON.stringify(db)});
migrateConnection(db.$client, MIGRATIONS_DIR);
const ctx = { db, caller: null };
createProject({ ctx, input: { status: "active", slug: "big", name: "Big" } });
let peak = 0;
const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage.rss(), 0)), 50);
const t0 = performance.now();
importItems({ ctx, input: { slug: "big", source: () => fs.createReadStream(${JSON.stringify(gz)}) } }).then((s) => {
  clearInterval(timer);
  console.log(JSON.stringify({ inserted: s.inserted, ms: Math.round(performance.now() - t0), peakRssMb: Math.round(peak / 1048576), heapMb: Math.round(process.memoryUsage().heapUsed / 1048576) }));
});
`,
  );
  const child = spawnSync(process.execPath, ["--max-old-space-size=64", "--import", "tsx", script], {
    cwd: process.cwd(),
    encoding: "utf8",
    env: { ...process.env, TSX_TSCONFIG_PATH: path.resolve("tsconfig.json") },
  });
  if (child.status !== 0) {
    console.log(`big import FAILED (exit ${child.status}):\n${child.stderr.slice(-2000)}`);
    return;
  }
  const r = JSON.parse(child.stdout.trim().split("\n").pop()!);
  console.log(`big import under --max-old-space-size=64: ${r.inserted.toLocaleString("en")} records in ${(r.ms / 1000).toFixed(1)} s, peak RSS ${r.peakRssMb} MB, heap at end ${r.heapMb} MB`);
}

async function main() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "arbiter-bench-"));
  const bigAt = process.argv.indexOf("--big");
  try {
    console.log(`node ${process.version}, ${os.cpus()[0]?.model ?? "cpu"}`);
    if (!process.argv.includes("--import-only")) await benchExport(dir);
    if (!process.argv.includes("--export-only")) await benchImport(dir);
    if (bigAt > 0) await benchBig(dir, Number(process.argv[bigAt + 1] ?? 300));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

void main();
