// Benchmark: claim-next with routing `required` (20 skills over 100,000 items) against the same
// project without routing, in the same run, through the claim service on one SQLite file.
//
//   npx tsx test/bench/routing.bench.ts [--items 100000] [--skills 20] [--annotators 64] [--rounds 30]
//
// Two projects hold the same items, each tagged with one of the skills (every tenth with two); one
// routes `required`, the other `open`. Each annotator holds 3 skills. The projects take turns round
// by round (a noisy machine slows both alike); in a round every annotator claims once (timed), then
// this process judges the open leases straight in the database (untimed), so each claim does a fresh
// pick. It prints claims/s and p50/p99 per project, the ratio routed/open (target ≥ 0.9), and the
// time of a 204: an annotator whose skills match none of the 100,000 items, which wait for others.
// In-process (no HTTP): it measures what routing adds to the claim itself; over HTTP the same
// absolute cost is a smaller share of each request.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { openDatabase } from "@/db/client";
import { at, dynamicQuery, num } from "@/db/engine";
import { runMigrations } from "@/db/migrate";
import { claimNext } from "@/lib/services/assignment";
import type { Ctx } from "@/lib/services/context";
import { createProject, updateProject } from "@/lib/services/projects";

const { values: opts } = parseArgs({
  options: {
    items: { type: "string", default: "100000" },
    skills: { type: "string", default: "20" },
    annotators: { type: "string", default: "64" },
    rounds: { type: "string", default: "30" },
  },
});
const ITEMS = Number(opts.items);
const SKILLS = Number(opts.skills);
const ANNOTATORS = Number(opts.annotators);
const ROUNDS = Number(opts.rounds);

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "arbiter-routing-bench-"));
const db = openDatabase(path.join(dir, "bench.db"));
const system: Ctx = { db, caller: null };
const skill = (i: number) => `skill-${i % SKILLS}`;

// The generator's statements and the untimed judging between rounds, through the engine like everything else.
const id = (r: Record<string, unknown>) => num(r.id);
const INSERT_ITEM = dynamicQuery(`insert into items (project_id, external_id, prompt, tags, tag_key, created_at) values (?, ?, ?, ?, ?, ?) returning id`, id);
const INSERT_CANDIDATE = dynamicQuery(`insert into candidates (item_id, position, content, model) values (?, ?, ?, ?)`);
const SET_TAG_KEYS = dynamicQuery(`update projects set tag_keys = ? where id = ?`);
const INSERT_USER = dynamicQuery(`insert into users (email, name, role, password_hash, skills, created_at) values (?, ?, 'annotator', null, ?, ?) returning id`, id);
const JUDGE_LEASED = dynamicQuery(
  `insert into judgments (project_id, item_id, user_id, assignment_id, type, choice, slot_order, source, client_id, created_at)
   select project_id, item_id, user_id, id, 'pairwise', 'tie', slot_order, 'app', 'local-' || id, ? from assignments where status = 'leased'`,
);
const COUNT_LEASED = dynamicQuery(`update items set judgment_count = judgment_count + (select count(*) from assignments a where a.item_id = items.id and a.status = 'leased')
  where id in (select item_id from assignments where status = 'leased')`);
const CLOSE_LEASED = dynamicQuery(`update assignments set status = 'submitted', closed_at = ? where status = 'leased'`);

async function main() {
  await runMigrations(db);
  console.log(`Generating ${ITEMS} items × 2 projects, ${SKILLS} skills, ${ANNOTATORS} annotators…`);
  const projects: { slug: string; routing: "open" | "required" }[] = [];
  for (const routing of ["open", "required"] as const) {
    const p = await createProject({ ctx: system, input: { slug: `bench-${routing}`, name: routing, overlap: 3 } });
    await updateProject({ ctx: system, input: { slug: p.slug, status: "active", routing } });
    const keys = new Set<string>();
    await db.write(async (tx) => {
      for (let i = 0; i < ITEMS; i++) {
        const tags = [...new Set(i % 10 === 0 ? [skill(i), skill(i + 7)] : [skill(i)])].sort();
        const id = (await tx.first(INSERT_ITEM, [p.id, `b${i}`, JSON.stringify(`Benchmark prompt ${i}`), JSON.stringify(tags), tags.join("|"), at(0)]))!;
        await tx.exec(INSERT_CANDIDATE, [id, 0, `Response one to ${i}. `.repeat(20), "model-a"]);
        await tx.exec(INSERT_CANDIDATE, [id, 1, `Response two to ${i}. `.repeat(20), "model-b"]);
        keys.add(tags.join("|"));
      }
      // What the importer keeps for a routed claim: the project's tag keys.
      await tx.exec(SET_TAG_KEYS, [JSON.stringify([...keys].sort()), p.id]);
    });
    projects.push({ slug: p.slug, routing });
  }
  await db.exec(dynamicQuery("analyze"));

  const annotators: Ctx[] = [];
  for (let i = 0; i < ANNOTATORS; i++) {
    const skills = [...new Set([skill(i), skill(i * 3 + 1), skill(i * 7 + 2)])].sort();
    const id = (await db.first(INSERT_USER, [`bench${i}@bench.local`, `Bench ${i}`, JSON.stringify(skills), at(0)]))!;
    annotators.push({ db, caller: { userId: id, email: `bench${i}@bench.local`, role: "annotator" } });
  }

  const judgeOpenLeases = () =>
    db.write(async (tx) => {
      await tx.exec(JUDGE_LEASED, [at(0)]);
      await tx.exec(COUNT_LEASED);
      await tx.exec(CLOSE_LEASED, [at(0)]);
    });

  const samples = new Map<string, number[]>(projects.map((p) => [p.slug, []]));
  for (let round = 0; round < ROUNDS; round++) {
    for (const p of round % 2 ? projects.slice().reverse() : projects) {
      const into = samples.get(p.slug)!;
      for (const ctx of annotators) {
        const start = process.hrtime.bigint();
        const claimed = await claimNext({ ctx, input: { slug: p.slug } });
        into.push(Number(process.hrtime.bigint() - start) / 1e6);
        if (!claimed) throw new Error(`no item for annotator ${ctx.caller!.userId} in ${p.slug}`);
      }
      await judgeOpenLeases();
    }
  }

  const quantile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
  const rates = new Map<string, number>();
  for (const p of projects) {
    const ms = samples.get(p.slug)!.slice().sort((a, b) => a - b);
    const rps = ms.length / (ms.reduce((s, x) => s + x, 0) / 1000);
    rates.set(p.routing, rps);
    console.log(`routing ${p.routing.padEnd(8)} claims ${ms.length}  ${rps.toFixed(0)} claims/s  p50 ${quantile(ms, 0.5).toFixed(3)} ms  p99 ${quantile(ms, 0.99).toFixed(3)} ms`);
  }
  console.log(`ratio required/open: ${(rates.get("required")! / rates.get("open")!).toFixed(2)} (target ≥ 0.90)`);

  // The 204 case: someone whose skills match no item, while 100,000 items wait for others.
  const outsider = (await db.first(INSERT_USER, ["outsider@bench.local", "Outsider", JSON.stringify(["nobody-has-this"]), at(0)]))!;
  const ctx: Ctx = { db, caller: { userId: outsider, email: "outsider@bench.local", role: "annotator" } };
  const empty: number[] = [];
  for (let i = 0; i < 200; i++) {
    const start = process.hrtime.bigint();
    if (await claimNext({ ctx, input: { slug: "bench-required" } })) throw new Error("the outsider got an item");
    empty.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  empty.sort((a, b) => a - b);
  console.log(`204 for an annotator matching none of ${ITEMS} items: p50 ${quantile(empty, 0.5).toFixed(3)} ms  p99 ${quantile(empty, 0.99).toFixed(3)} ms`);

  await db.close();
  fs.rmSync(dir, { recursive: true, force: true });
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
