// Benchmark: the time report (lib/services/reports.ts) over a project's judgments, by day in Los
// Angeles and by week in Kolkata, against a bare scan of the same judgments, in the same run on the
// same file. A month of 1,000,000 judgments by 30 annotators, one in ten on a gold item.
//
//   npx tsx test/bench/report.bench.ts [--judgments N] [--runs R]
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { openDatabase } from "@/db/client";
import { at, dynamicQuery, num, type Engine } from "@/db/engine";
import { runMigrations } from "@/db/migrate";
import { openSqliteConnection } from "@/db/sqlite";
import { mulberry32 } from "@/lib/stats";
import { timeReport } from "@/lib/services/reports";

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};
const N_JUDGMENTS = arg("judgments", 1_000_000);
const RUNS = arg("runs", 3);
const OVERLAP = 3;
const N_ITEMS = Math.ceil(N_JUDGMENTS / OVERLAP);
const N_ANNOTATORS = 30;
const DAY = 86_400_000;

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "arbiter-bench-"));
const file = path.join(dir, "bench.db");
const db = openDatabase(file);

// The generator's statements (plain inserts returning the new row's id, through the engine like everything else).
const id = (r: Record<string, unknown>) => num(r.id);
const INSERT_PROJECT = dynamicQuery(`insert into projects (slug, name, overlap) values ('bench', 'Benchmark', ?) returning id`, id);
const INSERT_USER = dynamicQuery(`insert into users (email, name, role) values (?, ?, 'annotator') returning id`, id);
const INSERT_ITEM = dynamicQuery(`insert into items (project_id, external_id, prompt, gold, judgment_count, created_at) values (?, ?, ?, ?, ?, ?) returning id`, id);
const INSERT_CANDIDATE = dynamicQuery(`insert into candidates (item_id, position, content, model) values (?, ?, ?, ?) returning id`, id);
const INSERT_JUDGMENT = dynamicQuery(
  `insert into judgments (project_id, item_id, user_id, type, choice, winner_candidate_id, slot_order, duration_ms, source, created_at)
   values (?, ?, ?, 'pairwise', ?, ?, ?, ?, 'app', ?)`,
);

async function generate(tx: Engine) {
  const rng = mulberry32(7);
  const start = Date.UTC(2026, 0, 1);
  const projectId = (await tx.first(INSERT_PROJECT, [OVERLAP]))!;
  const userIds: number[] = [];
  for (let a = 0; a < N_ANNOTATORS; a++) userIds.push((await tx.first(INSERT_USER, [`annotator${a}@bench.local`, `Annotator ${a}`]))!);
  let left = N_JUDGMENTS;
  for (let i = 0; i < N_ITEMS; i++) {
    const k = Math.min(OVERLAP, left);
    left -= k;
    const gold = i % 10 === 0 ? JSON.stringify({ choice: "A" }) : null;
    const itemId = (await tx.first(INSERT_ITEM, [projectId, `item-${i}`, JSON.stringify(`Prompt ${i}`), gold, k, at(start)]))!;
    const candidateIds = [(await tx.first(INSERT_CANDIDATE, [itemId, 0, `Answer 0 to ${i}`, "model-0"]))!, (await tx.first(INSERT_CANDIDATE, [itemId, 1, `Answer 1 to ${i}`, "model-1"]))!];
    const first = Math.floor(rng() * N_ANNOTATORS);
    for (let j = 0; j < k; j++) {
      const a = (first + j * 7) % N_ANNOTATORS;
      const winner = rng() < 0.7 ? 0 : 1;
      // Mostly 5–60 s, now and then an abandoned tab of up to an hour (over the 600 s cap).
      const duration = rng() < 0.03 ? Math.round(600_000 + 3_000_000 * rng()) : Math.round(5_000 + 55_000 * rng());
      const createdAt = at(start + Math.floor((i / N_ITEMS) * 30 * DAY));
      await tx.exec(INSERT_JUDGMENT, [projectId, itemId, userIds[a], "A", candidateIds[winner], JSON.stringify([candidateIds[winner], candidateIds[1 - winner]]), duration, createdAt]);
    }
  }
}

function time<T>(fn: () => T): { ms: number; value: T } {
  const t0 = performance.now();
  const value = fn();
  return { ms: performance.now() - t0, value };
}

async function timeAsync<T>(fn: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const t0 = performance.now();
  const value = await fn();
  return { ms: performance.now() - t0, value };
}

// The yardstick: the cheapest read of the judgments the report reads, a driver-level scan on a
// read-only connection of its own, below any engine or service (which is what is measured against it).
let scanner: ReturnType<typeof openSqliteConnection>;
function bareScan(): number {
  let rows = 0;
  for (const _row of scanner.prepare(`select user_id, created_at, duration_ms from judgments`).raw(true).iterate()) rows++;
  return rows;
}

async function main() {
  await runMigrations(db);
  const generated = await timeAsync(() => db.write(generate));
  console.log(`Generated ${N_JUDGMENTS} judgments on ${N_ITEMS} items by ${N_ANNOTATORS} annotators over 30 days in ${(generated.ms / 1000).toFixed(1)} s`);
  scanner = openSqliteConnection(file, { readonly: true });
  const ctx = { db, caller: null };
  const input = { slug: "bench", from: "2025-12-31", to: "2026-01-31" };
  const results: { scan: number; day: number; week: number }[] = [];
  bareScan();
  for (let r = 0; r < RUNS; r++) {
    const scan = time(bareScan);
    const day = await timeAsync(() => timeReport({ ctx, input: { ...input, by: "day", tz: "America/Los_Angeles" } }));
    const week = await timeAsync(() => timeReport({ ctx, input: { ...input, by: "week", tz: "Asia/Kolkata" } }));
    if (day.value.totals.judgments !== scan.value || week.value.totals.judgments !== scan.value) throw new Error("the report did not count every judgment");
    results.push({ scan: scan.ms, day: day.ms, week: week.ms });
    console.log(
      `run ${r + 1}: bare scan ${scan.ms.toFixed(0)} ms | by day (Los Angeles) ${day.ms.toFixed(0)} ms (${(day.ms / scan.ms).toFixed(2)}×, ${day.value.rows.length} rows)` +
        ` | by week (Kolkata) ${week.ms.toFixed(0)} ms (${(week.ms / scan.ms).toFixed(2)}×, ${week.value.rows.length} rows)`,
    );
    if (r === RUNS - 1) {
      const t = day.value.totals;
      console.log(`  totals: ${t.judgments} judgments, ${(t.active_seconds / 3600).toFixed(1)} h active, ${t.capped_judgments} capped, ${t.judgments_per_hour?.toFixed(1)} per hour, gold ${t.gold_accuracy?.toFixed(3)} (${t.gold_n})`);
    }
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  console.log(`median: by day ${median(results.map((r) => r.day)).toFixed(0)} ms (${median(results.map((r) => r.day / r.scan)).toFixed(2)}× the bare scan), by week ${median(results.map((r) => r.week)).toFixed(0)} ms`);
  scanner.close();
  await db.close();
  fs.rmSync(dir, { recursive: true, force: true });
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
