// Benchmark: projectStats (the full stats JSON with 100 bootstrap rounds) on 1,000,000 judgments
// against a bare scan of the judgments table, measured in the same run on the same file.
// Target (issue 6): stats ≤ 5 × bare scan.
//
//   npx tsx test/bench/stats.bench.ts [--judgments N] [--runs R]
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { openDatabase } from "@/db/client";
import { at, dynamicQuery, num, type Engine } from "@/db/engine";
import { runMigrations } from "@/db/migrate";
import { openSqliteConnection } from "@/db/sqlite";
import { mulberry32 } from "@/lib/stats";
import { clearStatsCache, projectStats } from "@/lib/services/stats";

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};
const N_JUDGMENTS = arg("judgments", 1_000_000);
const RUNS = arg("runs", 3);
const OVERLAP = 3;
const N_ITEMS = Math.ceil(N_JUDGMENTS / OVERLAP);
const N_MODELS = 10;
const N_ANNOTATORS = 30;
const DAY = 86_400_000;

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "arbiter-bench-"));
const file = path.join(dir, "bench.db");
const db = openDatabase(file);

// The generator's statements (plain inserts returning the new row's id, through the engine like everything else).
const id = (r: Record<string, unknown>) => num(r.id);
const INSERT_PROJECT = dynamicQuery(`insert into projects (slug, name, overlap) values ('bench', 'Benchmark', ?) returning id`, id);
const INSERT_USER = dynamicQuery(`insert into users (email, name, role) values (?, ?, 'annotator') returning id`, id);
const INSERT_ITEM = dynamicQuery(`insert into items (project_id, external_id, prompt, judgment_count, created_at) values (?, ?, ?, ?, ?) returning id`, id);
const INSERT_CANDIDATE = dynamicQuery(`insert into candidates (item_id, position, content, model, metadata) values (?, ?, ?, ?, ?) returning id`, id);
const INSERT_JUDGMENT = dynamicQuery(
  `insert into judgments (project_id, item_id, user_id, type, choice, winner_candidate_id, slot_order, payload, duration_ms, source, created_at)
   values (?, ?, ?, 'pairwise', ?, ?, ?, ?, ?, 'app', ?)`,
);
const COUNTS = dynamicQuery(`select (select count(*) from judgments) as j, (select count(*) from items) as i`, (r) => ({ j: num(r.j), i: num(r.i) }));

async function generate(tx: Engine) {
  const rng = mulberry32(42);
  const start = Date.UTC(2026, 0, 1);
  const projectId = (await tx.first(INSERT_PROJECT, [OVERLAP]))!;
  const userIds: number[] = [];
  for (let a = 0; a < N_ANNOTATORS; a++) userIds.push((await tx.first(INSERT_USER, [`annotator${a}@bench.local`, `Annotator ${a}`]))!);
  const strength = Array.from({ length: N_MODELS }, (_, m) => (m - N_MODELS / 2) / 3);
  const speed = userIds.map((_, a) => (a === 0 ? 800 : 5000 + 20000 * rng()));
  let left = N_JUDGMENTS;
  for (let i = 0; i < N_ITEMS; i++) {
    const k = Math.min(OVERLAP, left);
    left -= k;
    const itemId = (await tx.first(INSERT_ITEM, [projectId, `item-${i}`, JSON.stringify(`Prompt ${i}`), k, at(start)]))!;
    const mA = Math.floor(rng() * N_MODELS);
    const mB = (mA + 1 + Math.floor(rng() * (N_MODELS - 1))) % N_MODELS;
    const candidateIds: number[] = [];
    for (const [position, m] of [mA, mB].entries()) {
      const metadata = { temperature: [0, 0.7, 1][m % 3], latency_ms: Math.round(200 + 800 * rng()), output_tokens: Math.round(50 + 500 * rng()), prompt_template: `v${m % 4}` };
      candidateIds.push((await tx.first(INSERT_CANDIDATE, [itemId, position, `Answer ${position} to ${i}`, `model-${m}`, JSON.stringify(metadata)]))!);
    }
    const first = Math.floor(rng() * N_ANNOTATORS);
    const pA = 1 / (1 + Math.exp(strength[mB] - strength[mA]));
    for (let j = 0; j < k; j++) {
      const a = (first + j * 7) % N_ANNOTATORS;
      const r = rng();
      const winner = r < 0.1 ? null : r < 0.12 ? -1 : rng() < pA ? 0 : 1;
      const order = rng() < 0.5 ? [candidateIds[0], candidateIds[1]] : [candidateIds[1], candidateIds[0]];
      const winnerId = winner === null || winner < 0 ? null : candidateIds[winner];
      const choice = winner === null ? "tie" : winner < 0 ? "both_bad" : order[0] === winnerId ? "A" : "B";
      const payload: Record<string, unknown> = { type: "pairwise", choice, winner: winnerId };
      if (rng() < 0.02) payload.flags = { [String(candidateIds[0])]: ["unsafe"] };
      const createdAt = at(start + Math.floor((i / N_ITEMS) * 30 * DAY));
      await tx.exec(INSERT_JUDGMENT, [projectId, itemId, userIds[a], choice, winnerId, JSON.stringify(order), JSON.stringify(payload), Math.round(speed[a] * (0.5 + rng())), createdAt]);
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

// The yardstick: the cheapest read of every judgment there is, a driver-level scan on a read-only
// connection of its own, below any engine or service (which is what is measured against it).
let scanner: ReturnType<typeof openSqliteConnection>;
function bareScan(): number {
  let rows = 0;
  for (const _row of scanner.prepare(`select * from judgments`).raw(true).iterate()) rows++;
  return rows;
}

async function main() {
  await runMigrations(db);
  const generated = await timeAsync(() => db.write(generate));
  const counts = (await db.first(COUNTS))!;
  console.log(`Generated ${counts.j} judgments on ${counts.i} items (${N_MODELS} models, ${N_ANNOTATORS} annotators, overlap ${OVERLAP}) in ${(generated.ms / 1000).toFixed(1)} s; file ${(fs.statSync(file).size / 1e6).toFixed(0)} MB`);
  scanner = openSqliteConnection(file, { readonly: true });
  const ctx = { db, caller: null };
  const results: { scan: number; stats: number; by: number }[] = [];
  // One unmeasured round each first, so that both read a warm page cache.
  bareScan();
  for (let r = 0; r < RUNS; r++) {
    const scan = time(bareScan);
    clearStatsCache();
    const stats = await timeAsync(() => projectStats({ ctx, input: { slug: "bench", rounds: 100 } }));
    clearStatsCache();
    const by = await timeAsync(() => projectStats({ ctx, input: { slug: "bench", rounds: 100, by: "prompt_template" } }));
    if (scan.value !== stats.value.judgments) throw new Error(`scan saw ${scan.value} rows, stats ${stats.value.judgments}`);
    results.push({ scan: scan.ms, stats: stats.ms, by: by.ms });
    console.log(
      `run ${r + 1}: bare scan ${scan.ms.toFixed(0)} ms | projectStats ${stats.ms.toFixed(0)} ms (${(stats.ms / scan.ms).toFixed(2)}×)` +
        ` | with by=prompt_template ${by.ms.toFixed(0)} ms (${(by.ms / scan.ms).toFixed(2)}×)`,
    );
    if (r === RUNS - 1) {
      const s = stats.value;
      console.log(
        `  agreement: percent ${s.agreement.percent?.toFixed(4)} [${s.agreement.percent_ci.low?.toFixed(4)}, ${s.agreement.percent_ci.high?.toFixed(4)}],` +
          ` fleiss ${s.agreement.fleiss_kappa?.toFixed(4)}, ${s.agreement.cohen_kappa.length} annotator pairs; leaderboard top ${s.leaderboard[0].model} ${s.leaderboard[0].rating.toFixed(1)};` +
          ` outliers ${s.annotators.filter((a) => a.outliers.length).map((a) => `${a.email}:${a.outliers.join("+")}`).join(" ") || "none"}`,
      );
    }
    const cached = await timeAsync(() => projectStats({ ctx, input: { slug: "bench", rounds: 100, by: "prompt_template" } }));
    if (r === RUNS - 1) console.log(`  cached result served in ${cached.ms.toFixed(1)} ms`);
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const ratio = median(results.map((r) => r.stats / r.scan));
  console.log(`median ratio projectStats / bare scan: ${ratio.toFixed(2)}× (target ≤ 5×) — ${ratio <= 5 ? "OK" : "ABOVE TARGET"}`);
  console.log(`median ratio with by=prompt_template: ${median(results.map((r) => r.by / r.scan)).toFixed(2)}×`);
  scanner.close();
  await db.close();
  if (process.env.KEEP_BENCH_DB) console.log(`kept ${file}`);
  else fs.rmSync(dir, { recursive: true, force: true });
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
