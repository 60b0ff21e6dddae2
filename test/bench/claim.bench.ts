// Benchmark: claim-next and submit-judgment over HTTP against the production server, compared with a
// bare Next.js route handler that inserts one row into SQLite (app/api/bench/insert), in the same run.
//
//   npx tsx test/bench/claim.bench.ts [--items 20000] [--requests 2000] [--annotators 64] [--build-dir DIR] [--kinds K,…] [--profile DIR] [--synchronous NORMAL,FULL]
//                                     [--routing required|preferred [--skills 20]]
//
// By default it re-runs itself under the shared build lock (/tmp/arbiter-build.lock) for its whole
// run and builds the shared .next if it is stale. With --build-dir DIR it copies the sources to DIR
// and builds and serves that private copy instead, leaving the shared .next alone (no lock needed).
// It generates a database (one
// project, overlap 3, N items, 64 annotators with Bearer tokens), starts `next start` on 127.0.0.1
// with ARBITER_BENCH=1, and at 16 and 32 concurrent keep-alive connections runs, in rounds of one
// request per annotator that take turns, a bounded number of requests of each kind:
//   bare    POST /api/bench/insert
//   claim   POST /api/v1/projects/{slug}/assignments/next  (between rounds this process judges the open
//           leases straight in the database, untimed, so every claim does a fresh pick)
//   submit  POST /api/v1/judgments                   (the leases are made by this process in the
//           database before each round, untimed; only the submits are timed)
//   routed  (with --routing) the same claim on a second project holding the same items, routed by
//           skill: every item tagged with one of --skills skills, every annotator holding 3 of them;
//           the first project keeps routing open, so "claim-next" and "claim-next routed" compare
//           the two in the same run
// and prints req/s (requests over the time spent on that kind) with p50 and p99 latency. Finally it compares the 201
// answers with the judgment rows to count lost or duplicated judgments.
//
// The server opens the database with the durability setting ARBITER_SQLITE_SYNCHRONOUS (NORMAL or
// FULL, db/client.ts) from this process's environment; `--synchronous NORMAL,FULL` instead starts
// one server per setting, each on its own copy of the generated database, and the settings take
// turns round by round, so a noisy machine slows both alike; it ends with each setting's req/s
// against the first's.
import { spawnSync, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { Readable } from "node:stream";
import { openDatabase, synchronousMode, type Db, type SynchronousMode } from "@/db/client";
import { at, dynamicQuery, num } from "@/db/engine";
import { runMigrations } from "@/db/migrate";
import { buildIsStale } from "@/lib/cli/start";
import type { Ctx } from "@/lib/services/context";
import { importItems } from "@/lib/services/importer";
import { createProject, updateProject } from "@/lib/services/projects";
import { createToken } from "@/lib/services/tokens";
import { startNextServer } from "../helpers/next-server";

const ROOT = path.resolve(__dirname, "../..");
// Next must come from the same node_modules as React: the served folder's own.
const nextBin = (dir: string) => path.join(dir, "node_modules/next/dist/bin/next");
const SLUG = "bench";

const { values: opts } = parseArgs({
  options: {
    items: { type: "string", default: "20000" },
    requests: { type: "string", default: "2000" },
    annotators: { type: "string", default: "64" },
    // Build and serve a private copy of the sources in DIR instead of the shared .next (no lock needed).
    "build-dir": { type: "string" },
    // Write the server's CPU profile (.cpuprofile) to DIR, to see where its time goes.
    profile: { type: "string" },
    // Only these kinds (comma-separated: bare,claim,submit), e.g. to profile one of them alone.
    kinds: { type: "string", default: "bare,claim,submit" },
    // Durability settings to compare (comma-separated: NORMAL,FULL): one server each, on its own copy
    // of the database, taking turns round by round. Default: ARBITER_SQLITE_SYNCHRONOUS or NORMAL.
    synchronous: { type: "string" },
    // Also claim on a copy of the project routed by skill (required or preferred), with this many skills.
    routing: { type: "string" },
    skills: { type: "string", default: "20" },
  },
});
const ITEMS = Number(opts.items);
const REQUESTS = Number(opts.requests);
const ANNOTATORS = Number(opts.annotators);
const CONCURRENCY = [16, 32];
const KINDS = new Set(opts.kinds.split(","));
const ROUTING = opts.routing as "required" | "preferred" | undefined;
if (ROUTING && !["required", "preferred"].includes(ROUTING)) throw new Error("--routing must be required or preferred");
if (ROUTING) KINDS.add("routed");
const SKILLS = Number(opts.skills);
const ROUTED_SLUG = "bench-routed";
const skillOf = (i: number) => `skill-${i % SKILLS}`;
const MODES: SynchronousMode[] = opts.synchronous
  ? opts.synchronous.split(",").map((m) => synchronousMode({ ARBITER_SQLITE_SYNCHRONOUS: m }))
  : [synchronousMode()];

interface Annotator {
  id: number;
  token: string;
}

/** Builds when the sources are newer than the build; returns the folder to serve from. */
function build(): string {
  let dir = ROOT;
  if (opts["build-dir"]) {
    // A private copy: the sources (not .next, node_modules or data) copied over.
    dir = path.resolve(opts["build-dir"]);
    fs.mkdirSync(dir, { recursive: true });
    for (const entry of fs.readdirSync(ROOT)) {
      if ([".next", "node_modules", "data", ".git"].includes(entry)) continue;
      fs.rmSync(path.join(dir, entry), { recursive: true, force: true });
      fs.cpSync(path.join(ROOT, entry), path.join(dir, entry), { recursive: true, preserveTimestamps: true });
    }
    // Turbopack resolves nothing outside the project root, so node_modules is a hard-linked copy, not a link.
    // Re-linked when a package was added or removed since the copy.
    const lock = (d: string) => (fs.existsSync(path.join(d, "node_modules")) ? fs.readdirSync(path.join(d, "node_modules")).sort().join("\n") : "");
    if (fs.existsSync(path.join(dir, "node_modules")) && lock(dir) !== lock(ROOT)) fs.rmSync(path.join(dir, "node_modules"), { recursive: true, force: true });
    if (!fs.existsSync(path.join(dir, "node_modules"))) {
      const r = spawnSync("cp", ["-al", path.join(ROOT, "node_modules"), path.join(dir, "node_modules")], { stdio: "inherit" });
      if (r.status !== 0) throw new Error("linking node_modules failed");
    }
  }
  if (!buildIsStale(dir)) return dir;
  const r = spawnSync(process.execPath, [nextBin(dir), "build"], { cwd: dir, stdio: "inherit", env: { ...process.env, NODE_ENV: "production" } });
  if (r.status !== 0) throw new Error("next build failed");
  return dir;
}

// What this process does straight in the database, untimed, through the engine like everything else.
const INSERT_USER = dynamicQuery(`insert into users (email, name, role, password_hash, created_at, skills) values (?, ?, 'annotator', null, ?, ?) returning id`, (r) => num(r.id));
const JUDGE_LEASED = dynamicQuery(
  `insert into judgments (project_id, item_id, user_id, assignment_id, type, choice, slot_order, source, client_id, created_at)
   select project_id, item_id, user_id, id, 'pairwise', 'tie', slot_order, 'app', 'local-' || id, ? from assignments where status = 'leased'`,
);
const COUNT_LEASED = dynamicQuery(`update items set judgment_count = judgment_count + (select count(*) from assignments a where a.item_id = items.id and a.status = 'leased')
  where id in (select item_id from assignments where status = 'leased')`);
const CLOSE_LEASED = dynamicQuery(`update assignments set status = 'submitted', closed_at = ? where status = 'leased'`);
const FRESH_ITEMS = dynamicQuery(
  `select i.id from items i where i.judgment_count = 0 and not exists (select 1 from assignments a where a.item_id = i.id) order by i.id desc limit ?`,
  (r) => num(r.id),
);
const INSERT_LEASE = dynamicQuery(
  (d) => `insert into assignments (project_id, item_id, user_id, status, slot_order, leased_at, expires_at)
   select project_id, ?, ?, 'leased', (select ${d.jsonGroupArray("id")} from (select id from candidates where item_id = ? order by position) c), ?, ?
   from items where id = ? returning id`,
  (r) => num(r.id),
);
const count = (text: string) => dynamicQuery(`select count(*) as n from ${text}`, (r) => num(r.n));
const COUNT_JUDGMENTS = count("judgments");
const COUNT_HTTP_JUDGMENTS = count("judgments where client_id like 'http-%'");
const COUNT_DUPLICATES = count("(select item_id, user_id from judgments group by item_id, user_id having count(*) > 1) d");
const COUNT_OVER = count("items where judgment_count > 3 + extra_overlap");
const COUNT_DRIFT = count("items i where i.judgment_count <> (select count(*) from judgments j where j.item_id = i.id)");
const VACUUM_INTO = dynamicQuery("vacuum into ?");

async function generate(file: string): Promise<{ db: Db; annotators: Annotator[] }> {
  const db = openDatabase(file);
  await runMigrations(db);
  const system: Ctx = { db, caller: null };
  await createProject({ ctx: system, input: { status: "active", slug: SLUG, name: "Benchmark", overlap: 3, leaseMinutes: 30 } });
  const lines = function* () {
    for (let i = 0; i < ITEMS; i++) {
      yield JSON.stringify({
        id: `b${i}`,
        prompt: `Benchmark prompt ${i}: explain the trade-offs of approach ${i % 97}.`,
        responses: [
          { content: `Response one to ${i}. `.repeat(20), model: "model-a" },
          { content: `Response two to ${i}. `.repeat(20), model: "model-b" },
        ],
        ...(ROUTING ? { tags: [skillOf(i)] } : {}),
      }) + "\n";
    }
  };
  await importItems({ ctx: system, input: { slug: SLUG, source: () => Readable.from(lines()) } });
  if (ROUTING) {
    await createProject({ ctx: system, input: { slug: ROUTED_SLUG, name: "Benchmark, routed", overlap: 3, leaseMinutes: 30 } });
    await importItems({ ctx: system, input: { slug: ROUTED_SLUG, source: () => Readable.from(lines()) } });
    await updateProject({ ctx: system, input: { slug: ROUTED_SLUG, status: "active", routing: ROUTING } });
  }
  await updateProject({ ctx: system, input: { slug: SLUG, status: "active" } });
  // Accounts straight into the table: 64 scrypt password hashes would only slow the set-up down.
  const annotators: Annotator[] = [];
  for (let i = 0; i < ANNOTATORS; i++) {
    const email = `bench${i}@bench.local`;
    const skills = ROUTING ? [...new Set([skillOf(i), skillOf(i * 3 + 1), skillOf(i * 7 + 2)])].sort() : [];
    const id = (await db.first(INSERT_USER, [email, `Bench ${i}`, at(Date.now()), JSON.stringify(skills)]))!;
    const { token } = await createToken({ ctx: system, input: { email } });
    annotators.push({ id, token });
  }
  return { db, annotators };
}

async function startServer(file: string, dir: string, synchronous: SynchronousMode): Promise<{ baseUrl: string; server: ChildProcess; log: string }> {
  const { baseUrl, server, logFile } = await startNextServer({
    dir,
    database: file,
    env: { ARBITER_BENCH: "1", NEXTAUTH_SECRET: "bench-secret-bench-secret-bench-secret-0", ARBITER_SQLITE_SYNCHRONOUS: synchronous },
    nodeArgs: opts.profile ? ["--cpu-prof", `--cpu-prof-dir=${path.resolve(opts.profile)}`] : [],
  });
  return { baseUrl, server, log: logFile };
}

const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });

function post(baseUrl: string, urlPath: string, token: string | null, body: string): Promise<{ status: number; body: string; ms: number }> {
  const url = new URL(baseUrl + urlPath);
  return new Promise((resolve, reject) => {
    const start = process.hrtime.bigint();
    const req = http.request(
      {
        agent,
        host: url.hostname,
        port: url.port,
        path: url.pathname,
        method: "POST",
        headers: { "content-type": "application/json", "content-length": Buffer.byteLength(body), ...(token ? { authorization: `Bearer ${token}` } : {}) },
      },
      (res) => {
        let data = "";
        res.setEncoding("utf8");
        res.on("data", (d) => (data += d));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body: data, ms: Number(process.hrtime.bigint() - start) / 1e6 }));
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

interface Result {
  name: string;
  concurrency: number;
  requests: number;
  rps: number;
  p50: number;
  p99: number;
}

function quantile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

interface Sample {
  latencies: number[];
  seconds: number;
}

/** Runs `total` operations over `concurrency` workers; each returns the latency of its timed request. */
async function run(concurrency: number, total: number, op: (worker: number) => Promise<number>, into: Sample): Promise<void> {
  let issued = 0;
  const start = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: concurrency }, async (_, w) => {
      while (issued < total) {
        issued++;
        into.latencies.push(await op(w));
      }
    }),
  );
  into.seconds += Number(process.hrtime.bigint() - start) / 1e9;
}

function summary(name: string, concurrency: number, sample: Sample): Result {
  const sorted = sample.latencies.slice().sort((a, b) => a - b);
  return { name, concurrency, requests: sorted.length, rps: sorted.length / sample.seconds, p50: quantile(sorted, 0.5), p99: quantile(sorted, 0.99) };
}


/** One server under test: its durability setting, database, connection and tallies. */
interface Target {
  mode: SynchronousMode;
  db: Db;
  baseUrl: string;
  server: ChildProcess;
  log: string;
  /** One round of each kind at `c` connections, into `into`. */
  round(c: number, into: Samples): Promise<void>;
  created201: number;
  createdLocally: number;
  failures: Map<string, number>;
}

type Samples = Record<"bare" | "claim" | "routed" | "submit", Sample>;

async function startTarget(mode: SynchronousMode, file: string, db: Db, serveDir: string, annotators: Annotator[]): Promise<Target> {
  const { baseUrl, server, log } = await startServer(file, serveDir, mode);
  const t: Target = { mode, db, baseUrl, server, log, round: async () => {}, created201: 0, createdLocally: 0, failures: new Map() };
  const fail = (what: string) => t.failures.set(what, (t.failures.get(what) ?? 0) + 1);
  let choiceN = 0;
  const choice = () => (["A", "B", "tie"] as const)[choiceN++ % 3];

  const bare = async () => {
    const r = await post(baseUrl, "/api/bench/insert", null, "");
    if (r.status !== 201) fail(`bare ${r.status}`);
    return r.ms;
  };
  // (a) claim over HTTP (timed). Each round, every annotator claims once; between rounds (untimed,
  // no request in flight) this process judges all open leases straight in the database, so every
  // claim of the next round does a fresh pick on a project whose frontier moves as in real use.
  let turn = 0;
  const claimOn = (slug: string) => async () => {
    const a = annotators[turn++ % annotators.length];
    const r = await post(baseUrl, `/api/v1/projects/${slug}/assignments/next`, a.token, "");
    if (r.status !== 200) fail(`claim ${r.status}: ${r.body.slice(0, 120)}`);
    return r.ms;
  };
  const claim = claimOn(SLUG);
  const routed = claimOn(ROUTED_SLUG);
  const judgeOpenLeases = (now: number) =>
    db.write(async (tx) => {
      const inserted = await tx.exec(JUDGE_LEASED, [at(now)]);
      await tx.exec(COUNT_LEASED);
      await tx.exec(CLOSE_LEASED, [at(now)]);
      return inserted;
    });
  // (b) leases made here beforehand (untimed, fresh items, each (item, annotator) once, at most three
  // per item); the submits go over HTTP (timed), with no other work between them.
  const leaseQueue = (offset: number, concurrency: number, total: number): Promise<{ id: number; a: Annotator }[]> =>
    db.write(async (tx) => {
      const now = Date.now();
      const fresh = await tx.many(FRESH_ITEMS, [Math.ceil(total / 3) + 1]);
      if (fresh.length * 3 < total) throw new Error("the benchmark project ran out of fresh items; use more --items");
      const queue: { id: number; a: Annotator }[] = [];
      for (let k = 0; k < total; k++) {
        const item = fresh[Math.floor(k / 3)];
        // Three different annotators of this phase's `concurrency` per item.
        const a = annotators[(offset + ((Math.floor(k / 3) * 3 + (k % 3)) % concurrency)) % annotators.length];
        queue.push({ id: (await tx.first(INSERT_LEASE, [item, a.id, item, at(now), at(now + 30 * 60_000), item]))!, a });
      }
      return queue;
    });
  const submit = (queue: { id: number; a: Annotator }[]) => async () => {
    const { id: assignmentId, a } = queue.shift()!;
    const body = JSON.stringify({ assignment_id: assignmentId, choice: choice(), client_id: `http-${a.id}-${assignmentId}` });
    const r = await post(baseUrl, "/api/v1/judgments", a.token, body);
    if (r.status === 201) t.created201++;
    else fail(`submit ${r.status}: ${r.body.slice(0, 120)}`);
    return r.ms;
  };

  // Each kind runs in rounds of one request per annotator; the kinds take turns round by round, so
  // a change in the machine's background load during the run hits all three alike. req/s is the
  // requests of a kind over the time spent running that kind's rounds.
  const ROUND = annotators.length;
  let flip = 0;
  t.round = async (c, into) => {
    if (KINDS.has("bare")) await run(c, ROUND, bare, into.bare);
    turn = 0;
    // Open and routed claims take turns in which goes first, round by round.
    const claims = [["claim", claim], ["routed", routed]] as const;
    for (const [kind, op] of flip++ % 2 ? claims.slice().reverse() : claims) {
      turn = 0;
      if (KINDS.has(kind)) await run(c, ROUND, op, into[kind]);
    }
    t.createdLocally += await judgeOpenLeases(Date.now());
    if (KINDS.has("submit")) await run(c, ROUND, submit(await leaseQueue(0, ROUND, ROUND)), into.submit);
  };
  return t;
}

/** Prints a target's table and checks its judgments; true when nothing was lost, duplicated or refused. */
async function report(t: Target, results: Result[]): Promise<boolean> {
  const { db } = t;
  console.log(`\nsynchronous = ${t.mode}`);
  console.log("route              conc   req/s    p50 ms   p99 ms   vs bare (routed: vs open claim)");
  for (const r of results) {
    // A routed claim is compared with the open one (the target: at least 90%), the rest with the bare insert.
    const base = results.find((b) => b.name === (r.name === "claim-next routed" ? "claim-next" : "bare insert") && b.concurrency === r.concurrency);
    console.log(
      `${r.name.padEnd(18)} ${String(r.concurrency).padStart(4)} ${r.rps.toFixed(0).padStart(7)} ${r.p50.toFixed(2).padStart(9)} ${r.p99.toFixed(2).padStart(8)}   ${base ? ((100 * r.rps) / base.rps).toFixed(0) + "%" : "-"}`,
    );
  }

  // Lost or duplicated judgments: every 201 (and every local insert) is exactly one row.
  const n = async (q: typeof COUNT_JUDGMENTS) => ({ n: (await db.first(q))! });
  const rows = await n(COUNT_JUDGMENTS);
  const httpRows = await n(COUNT_HTTP_JUDGMENTS);
  const dupes = await n(COUNT_DUPLICATES);
  const over = await n(COUNT_OVER);
  const drift = await n(COUNT_DRIFT);
  const { created201, createdLocally, failures } = t;
  console.log(
    `submit 201 answers: ${created201}; judgment rows from HTTP submits: ${httpRows.n} → lost ${created201 - httpRows.n > 0 ? created201 - httpRows.n : 0}, extra ${httpRows.n - created201 > 0 ? httpRows.n - created201 : 0}`,
  );
  console.log(`all judgment rows: ${rows.n} (= ${created201} HTTP + ${createdLocally} local: ${rows.n === created201 + createdLocally ? "yes" : "NO"}); duplicated (item, annotator): ${dupes.n}; items past overlap: ${over.n}; counter drift: ${drift.n}`);
  if (failures.size) console.log("non-success answers:", Object.fromEntries(failures));
  console.log(`server log: ${t.log}`);
  return !(failures.size || created201 !== httpRows.n || dupes.n || over.n || drift.n);
}

async function main() {
  // Hold the shared build lock for the whole run: nobody may rebuild .next under the running server.
  if (!process.env.ARBITER_BENCH_LOCKED && !opts["build-dir"]) {
    const r = spawnSync("flock", ["/tmp/arbiter-build.lock", "npx", "tsx", __filename, ...process.argv.slice(2)], {
      cwd: ROOT,
      stdio: "inherit",
      env: { ...process.env, ARBITER_BENCH_LOCKED: "1" },
    });
    process.exit(r.status ?? 1);
  }
  const modes = MODES;
  const serveDir = build();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "arbiter-bench-"));
  const fileOf = (mode: SynchronousMode) => path.join(dir, mode.toLowerCase(), "bench.db");
  const t0 = Date.now();
  const { db, annotators } = await generate(fileOf(modes[0]));
  // Every other setting gets its own server on its own copy of the same database.
  const dbs = [db];
  for (const mode of modes.slice(1)) {
    fs.mkdirSync(path.dirname(fileOf(mode)), { recursive: true });
    await db.exec(VACUUM_INTO, [fileOf(mode)]);
    dbs.push(openDatabase(fileOf(mode)));
  }
  console.log(`Generated ${ITEMS} items, ${ANNOTATORS} annotators in ${((Date.now() - t0) / 1000).toFixed(1)} s (${dir})`);
  const targets: Target[] = [];
  for (const [i, mode] of modes.entries()) targets.push(await startTarget(mode, fileOf(mode), dbs[i], serveDir, annotators));

  const fresh = (): Samples => ({ bare: { latencies: [], seconds: 0 }, claim: { latencies: [], seconds: 0 }, routed: { latencies: [], seconds: 0 }, submit: { latencies: [], seconds: 0 } });
  // Warm-up: the first requests compile and cache each route.
  for (let r = 0; r < 4; r++) for (const t of targets) await t.round(4, fresh());

  const ROUND = annotators.length;
  const results = new Map<Target, Result[]>(targets.map((t) => [t, []]));
  const rounds = Math.ceil(REQUESTS / ROUND);
  for (const c of CONCURRENCY) {
    const samples = new Map(targets.map((t) => [t, fresh()]));
    // The settings take turns round by round, so the machine's background load hits each alike.
    for (let r = 0; r < rounds; r++) for (const t of targets) await t.round(c, samples.get(t)!);
    for (const t of targets) {
      const s = samples.get(t)!;
      if (KINDS.has("bare")) results.get(t)!.push(summary("bare insert", c, s.bare));
      if (KINDS.has("claim")) results.get(t)!.push(summary("claim-next", c, s.claim));
      if (KINDS.has("routed")) results.get(t)!.push(summary("claim-next routed", c, s.routed));
      if (KINDS.has("submit")) results.get(t)!.push(summary("submit-judgment", c, s.submit));
    }
  }
  for (const t of targets) {
    const exited = new Promise((r) => t.server.once("exit", r));
    t.server.kill("SIGTERM");
    await exited;
  }
  agent.destroy();

  console.log(`\n${rounds * ROUND} requests per row, in rounds of ${ROUND}; ${os.cpus().length} CPU(s), ${os.cpus()[0]?.model ?? ""}; Node ${process.version}`);
  let ok = true;
  for (const t of targets) ok = (await report(t, results.get(t)!)) && ok;
  if (targets.length > 1) {
    // Each setting against the first, route by route: the cost of the stricter setting.
    const [first, ...others] = targets;
    for (const t of others) {
      console.log(`\nreq/s with synchronous = ${t.mode} against ${first.mode}`);
      for (const [i, r] of results.get(t)!.entries()) {
        const base = results.get(first)![i];
        console.log(`${r.name.padEnd(18)} ${String(r.concurrency).padStart(4)} ${((100 * (r.rps - base.rps)) / base.rps).toFixed(1).padStart(7)}%`);
      }
    }
  }
  for (const d of dbs) await d.close();
  process.exitCode = ok ? 0 : 1;
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
