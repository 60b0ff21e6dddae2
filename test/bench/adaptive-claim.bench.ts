// Benchmark: claiming under adaptive overlap when most items have stopped, in process (no server).
//
//   npx tsx test/bench/adaptive-claim.bench.ts [--items 100000] [--claims 2000] [--open 0.01]
//
// It builds one database with two projects of N items each, in the state a long-running project
// reaches: all but a share `--open` of the items finished, the rest untouched.
//   fixed     overlap 3, finished items at 3 judgments (out of finish-first's index range)
//   adaptive  min 2 / max 5, finished items stopped at 2 (target 2), still inside the index's
//             judgment_count range: only the partial items_claim_idx keeps them out of the walk
// and times claimNext for fresh annotators (finish-first), then repeats the adaptive case with
// items_claim_idx rebuilt without its WHERE clause (the index before adaptive overlap), to show what
// the partial index saves. Between claims the lease is deleted, untimed, so every claim picks afresh.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { Readable } from "node:stream";
import { openDatabase } from "@/db/client";
import { dynamicQuery } from "@/db/engine";
import { runMigrations } from "@/db/migrate";
import { claimNext } from "@/lib/services/assignment";
import type { Ctx } from "@/lib/services/context";
import { importItems } from "@/lib/services/importer";
import { createProject, updateProject } from "@/lib/services/projects";
import { createUser } from "@/lib/services/users";

const { values: opts } = parseArgs({ options: { items: { type: "string", default: "100000" }, claims: { type: "string", default: "2000" }, open: { type: "string", default: "0.01" } } });
const N = Number(opts.items);
const CLAIMS = Number(opts.claims);
const OPEN = Number(opts.open);

const quantile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];

async function main() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "arbiter-adaptive-bench-"));
  const db = openDatabase(path.join(dir, "bench.db"));
  await runMigrations(db);
  const system: Ctx = { db, caller: null };
  for (const slug of ["fixed", "adaptive"]) {
    await createProject({ ctx: system, input: { slug, name: slug, overlap: 3 } });
    await updateProject({ ctx: system, input: { slug, status: "active", ...(slug === "adaptive" ? { minJudgments: 2, maxJudgments: 5 } : {}) } });
    const lines = function* () {
      for (let i = 0; i < N; i++) yield JSON.stringify({ id: `${slug}-${i}`, prompt: `Prompt ${i}`, responses: [{ content: "one" }, { content: "two" }] }) + "\n";
    };
    await importItems({ ctx: system, input: { slug, source: () => Readable.from(lines()) } });
  }
  // Finished items: every item but one in 1/OPEN (spread through the id range).
  const every = Math.max(1, Math.round(1 / OPEN));
  await db.exec(dynamicQuery(`update items set judgment_count = 3 where project_id = (select id from projects where slug = 'fixed') and id % ? <> 0`), [every]);
  await db.exec(dynamicQuery(`update items set judgment_count = 2, judgment_target = 2 where project_id = (select id from projects where slug = 'adaptive') and id % ? <> 0`), [every]);
  await db.exec(dynamicQuery(`analyze`));
  const users: Ctx[] = [];
  for (let k = 0; k < 50; k++) {
    const { user } = await createUser({ ctx: system, input: { email: `a${k}@bench.local`, role: "annotator", password: "bench-password-123" } });
    users.push({ db, caller: { userId: user.id, email: user.email, role: "annotator" } });
  }
  const DROP_LEASE = dynamicQuery(`delete from assignments where id = ?`);

  const run = async (slug: string) => {
    const times: number[] = [];
    for (let n = 0; n < CLAIMS; n++) {
      const ctx = users[n % users.length];
      const t0 = process.hrtime.bigint();
      const c = await claimNext({ ctx, input: { slug } });
      times.push(Number(process.hrtime.bigint() - t0) / 1e6);
      if (!c) throw new Error(`nothing served in ${slug}`);
      await db.exec(DROP_LEASE, [c.assignment.id]);
    }
    times.sort((a, b) => a - b);
    const total = times.reduce((s, x) => s + x, 0);
    return `${(CLAIMS / (total / 1000)).toFixed(0).padStart(7)} claims/s   p50 ${quantile(times, 0.5).toFixed(3)} ms   p99 ${quantile(times, 0.99).toFixed(3)} ms`;
  };

  console.log(`${N} items per project, ${(OPEN * 100).toFixed(1)}% open, ${CLAIMS} claims each (finish-first):`);
  await run("fixed"); // warm-up
  console.log(`  fixed overlap 3              ${await run("fixed")}`);
  console.log(`  adaptive 2–5, partial index  ${await run("adaptive")}`);
  await db.exec(dynamicQuery(`drop index items_claim_idx`));
  await db.exec(dynamicQuery(`create index items_claim_idx on items (project_id, priority, judgment_count, id desc)`));
  await db.exec(dynamicQuery(`analyze`));
  console.log(`  adaptive 2–5, full index     ${await run("adaptive")}`);
  await db.close();
  fs.rmSync(dir, { recursive: true, force: true });
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
