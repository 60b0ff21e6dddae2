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
import { MIGRATIONS_DIR } from "@/db/migrate";
import { migrateConnection } from "@/db/sqlite";
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
migrateConnection(db.$client, MIGRATIONS_DIR);
const sqlite = db.$client;

function generate() {
  const rng = mulberry32(7);
  const start = Date.UTC(2026, 0, 1);
  sqlite.prepare(`insert into projects (slug, name, overlap) values ('bench', 'Benchmark', ${OVERLAP})`).run();
  const projectId = (sqlite.prepare(`select id from projects where slug = 'bench'`).get() as { id: number }).id;
  const insertUser = sqlite.prepare(`insert into users (email, name, role) values (?, ?, 'annotator')`);
  const userIds: number[] = [];
  for (let a = 0; a < N_ANNOTATORS; a++) userIds.push(Number(insertUser.run(`annotator${a}@bench.local`, `Annotator ${a}`).lastInsertRowid));
  const insertItem = sqlite.prepare(`insert into items (project_id, external_id, prompt, gold, judgment_count, created_at) values (?, ?, ?, ?, ?, ?)`);
  const insertCandidate = sqlite.prepare(`insert into candidates (item_id, position, content, model) values (?, ?, ?, ?)`);
  const insertJudgment = sqlite.prepare(
    `insert into judgments (project_id, item_id, user_id, type, choice, winner_candidate_id, slot_order, duration_ms, source, created_at)
     values (?, ?, ?, 'pairwise', ?, ?, ?, ?, 'app', ?)`,
  );
  let left = N_JUDGMENTS;
  sqlite.transaction(() => {
    for (let i = 0; i < N_ITEMS; i++) {
      const k = Math.min(OVERLAP, left);
      left -= k;
      const gold = i % 10 === 0 ? JSON.stringify({ choice: "A" }) : null;
      const itemId = Number(insertItem.run(projectId, `item-${i}`, JSON.stringify(`Prompt ${i}`), gold, k, start).lastInsertRowid);
      const candidateIds = [0, 1].map((position) => Number(insertCandidate.run(itemId, position, `Answer ${position} to ${i}`, `model-${position}`).lastInsertRowid));
      const first = Math.floor(rng() * N_ANNOTATORS);
      for (let j = 0; j < k; j++) {
        const a = (first + j * 7) % N_ANNOTATORS;
        const winner = rng() < 0.7 ? 0 : 1;
        // Mostly 5–60 s, now and then an abandoned tab of up to an hour (over the 600 s cap).
        const duration = rng() < 0.03 ? Math.round(600_000 + 3_000_000 * rng()) : Math.round(5_000 + 55_000 * rng());
        insertJudgment.run(projectId, itemId, userIds[a], "A", candidateIds[winner], JSON.stringify([candidateIds[winner], candidateIds[1 - winner]]), duration, start + Math.floor((i / N_ITEMS) * 30 * DAY));
      }
    }
  })();
}

function time<T>(fn: () => T): { ms: number; value: T } {
  const t0 = performance.now();
  const value = fn();
  return { ms: performance.now() - t0, value };
}

function bareScan(): number {
  let rows = 0;
  for (const _row of sqlite.prepare(`select user_id, created_at, duration_ms from judgments`).raw(true).iterate()) rows++;
  return rows;
}

const generated = time(generate);
console.log(`Generated ${N_JUDGMENTS} judgments on ${N_ITEMS} items by ${N_ANNOTATORS} annotators over 30 days in ${(generated.ms / 1000).toFixed(1)} s`);

const ctx = { db, caller: null };
const input = { slug: "bench", from: "2025-12-31", to: "2026-01-31" };
const results: { scan: number; day: number; week: number }[] = [];
bareScan();
for (let r = 0; r < RUNS; r++) {
  const scan = time(bareScan);
  const day = time(() => timeReport({ ctx, input: { ...input, by: "day", tz: "America/Los_Angeles" } }));
  const week = time(() => timeReport({ ctx, input: { ...input, by: "week", tz: "Asia/Kolkata" } }));
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
sqlite.close();
fs.rmSync(dir, { recursive: true, force: true });
