// Benchmark: claim-next and submit-judgment over HTTP against the production server, compared with a
// bare Next.js route handler that inserts one row through the same engine (app/api/bench/insert: on
// PostgreSQL an insert through the server's own pool), in the same run.
//
//   npx tsx test/bench/claim.bench.ts [--engine sqlite|postgres] [--instances 1|2] [--baseline REV]
//                                     [--items 20000] [--requests 2000] [--annotators 64] [--build-dir DIR] [--kinds K,…] [--profile DIR] [--synchronous NORMAL,FULL]
//                                     [--routing required|preferred [--skills 20]] [--auth token|session] [--connections 16,32]
//
// By default it re-runs itself under the shared build lock (/tmp/arbiter-build.lock) for its whole
// run and builds the shared .next if it is stale. With --build-dir DIR it copies the sources to DIR
// and builds and serves that private copy instead, leaving the shared .next alone (no lock needed).
// It generates a database (one project, overlap 3, N items, 64 annotators with bearer tokens, or
// with sessions under --auth session): a SQLite file, or with --engine postgres a fresh database on
// the PostgreSQL test server (ARBITER_TEST_DATABASE_URL, default the local one). It starts `next start` on 127.0.0.1 with
// ARBITER_BENCH=1 (--instances 2: two processes on the same database, the connections split between
// them), and at 16 and 32 concurrent keep-alive connections (--connections) runs, in rounds of one request per
// annotator that take turns, a bounded number of requests of each kind:
//   bare    POST /api/bench/insert
//   claim   POST /api/v1/projects/{slug}/assignments/next  (between rounds this process judges the open
//           leases straight in the database, untimed, so every claim does a fresh pick)
//   submit  POST /api/v1/judgments                   (the leases are made by this process in the
//           database before each round, untimed; only the submits are timed)
//   routed  (with --routing) the same claim on a second project holding the same items, routed by
//           skill: every item tagged with one of --skills skills, every annotator holding 3 of them;
//           the first project keeps routing open, so "claim-next" and "claim-next routed" compare
//           the two in the same run
// and prints req/s (requests over the time spent on that kind) with p50 and p99 latency, and where
// the machine's CPU went: milliseconds per request of the servers (all their threads, from /proc on
// Linux) and, on PostgreSQL, of the backends serving them. Finally it compares the 201
// answers with the judgment rows to count lost or duplicated judgments.
//
// --auth session sends the annotators' claims and submits with a session cookie, as the browser
// workspace does, instead of a bearer token (the default): each annotator's next-auth session
// token, signed here with the servers' NEXTAUTH_SECRET as signing in would sign it, so the run needs
// no sign-ins (which the sign-in throttle would hold back).
//
// --baseline REV also builds git revision REV (bench-servers.ts `buildRevision`) and serves it on
// its own copy of the same generated database; the two take turns round by round, so a noisy
// machine slows both alike, and it ends with this checkout's req/s against REV's, route by route.
//
// On SQLite the server opens the database with the durability setting ARBITER_SQLITE_SYNCHRONOUS
// (NORMAL or FULL, db/client.ts) from this process's environment; `--synchronous NORMAL,FULL`
// instead starts one server per setting, each on its own copy of the generated database, and the
// settings take turns round by round; it ends with each setting's req/s against the first's.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { Readable } from "node:stream";
import { encode } from "next-auth/jwt";
import { openDatabase, synchronousMode, type Db, type SynchronousMode } from "@/db/client";
import { at, dynamicQuery, num, type Engine, type EngineKind } from "@/db/engine";
import { runMigrations } from "@/db/migrate";
import { CREATE_BENCH_ROWS } from "@/db/queries/health";
import { USER_INSERT } from "@/db/queries/users";
import type { Ctx } from "@/lib/services/context";
import { importItems } from "@/lib/services/importer";
import { createProject, updateProject } from "@/lib/services/projects";
import { createToken } from "@/lib/services/tokens";
import { buildRevision, createBenchDatabase, sameMigrations, type BenchDatabase } from "../helpers/bench-servers";
import { ensureBuilt } from "../helpers/build";
import { startNextServer, stopNextServer, type RunningServer } from "../helpers/next-server";
import { postgresAvailable } from "../helpers/postgres";
import { cpuMeasurable, cpuSpent, cpuTimes, postgresBackends, withDescendants } from "../helpers/process-cpu";

const ROOT = path.resolve(__dirname, "../..");
const SLUG = "bench";

const { values: opts } = parseArgs({
  options: {
    // The engine under test: a SQLite file, or a fresh database on the PostgreSQL test server.
    engine: { type: "string", default: "sqlite" },
    // Next.js processes serving the same database; the connections are split evenly between them.
    instances: { type: "string", default: "1" },
    // A git revision (main, a commit) built and measured in the same run, on a copy of the same database.
    baseline: { type: "string" },
    items: { type: "string", default: "20000" },
    requests: { type: "string", default: "2000" },
    annotators: { type: "string", default: "64" },
    // Build and serve a private copy of the sources in DIR instead of the shared .next (no lock needed).
    "build-dir": { type: "string" },
    // Write the servers' CPU profiles (.cpuprofile) to DIR, to see where their time goes.
    profile: { type: "string" },
    // Only these kinds (comma-separated: bare,claim,submit), e.g. to profile one of them alone.
    kinds: { type: "string", default: "bare,claim,submit" },
    // Durability settings to compare (comma-separated: NORMAL,FULL): one server each, on its own copy
    // of the database, taking turns round by round. Default: ARBITER_SQLITE_SYNCHRONOUS or NORMAL.
    synchronous: { type: "string" },
    // Also claim on a copy of the project routed by skill (required or preferred), with this many skills.
    routing: { type: "string" },
    skills: { type: "string", default: "20" },
    // The numbers of concurrent connections to measure at, each in turn (one alone, e.g. to profile it).
    connections: { type: "string", default: "16,32" },
    // How the annotators authenticate: a bearer token each, or a browser's session cookie.
    auth: { type: "string", default: "token" },
  },
});

function fail(message: string): never {
  console.error(`claim.bench: ${message}`);
  process.exit(2);
}

const ENGINE = opts.engine as EngineKind;
if (ENGINE !== "sqlite" && ENGINE !== "postgres") fail(`--engine must be sqlite or postgres (got "${opts.engine}")`);
const INSTANCES = Number(opts.instances);
if (INSTANCES !== 1 && INSTANCES !== 2) fail(`--instances must be 1 or 2 (got "${opts.instances}")`);
if (ENGINE === "sqlite" && INSTANCES === 2) console.warn("claim.bench: two instances on one SQLite file share its write lock between two processes (supported, but the PostgreSQL case is what --instances is for)");
if (opts.synchronous && ENGINE !== "sqlite") fail("--synchronous is a SQLite setting; leave it out with --engine postgres");
const positive = (flag: string, raw: string) => {
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) fail(`--${flag} must be a whole number of at least 1 (got "${raw}")`);
  return n;
};
const ITEMS = positive("items", opts.items);
const REQUESTS = positive("requests", opts.requests);
const ANNOTATORS = positive("annotators", opts.annotators);
const CONCURRENCY = opts.connections.split(",").map((c) => positive("connections", c));
const KINDS = new Set(opts.kinds.split(","));
for (const k of KINDS) if (!["bare", "claim", "submit"].includes(k)) fail(`--kinds: unknown kind "${k}" (bare, claim, submit)`);
const ROUTING = opts.routing as "required" | "preferred" | undefined;
if (ROUTING && !["required", "preferred"].includes(ROUTING)) fail("--routing must be required or preferred");
if (ROUTING) KINDS.add("routed");
const SKILLS = positive("skills", opts.skills);
const AUTH = opts.auth as "token" | "session";
if (AUTH !== "token" && AUTH !== "session") fail(`--auth must be token or session (got "${opts.auth}")`);
/** The servers' auth secret, with which the session cookies of --auth session are signed. */
const AUTH_SECRET = "bench-secret-bench-secret-bench-secret-0";
const ROUTED_SLUG = "bench-routed";
const skillOf = (i: number) => `skill-${i % SKILLS}`;
const MODES: SynchronousMode[] = opts.synchronous
  ? opts.synchronous.split(",").map((m) => synchronousMode({ ARBITER_SQLITE_SYNCHRONOUS: m }))
  : [synchronousMode()];

interface Annotator {
  id: number;
  /** The headers its requests authenticate with (--auth). */
  auth: Record<string, string>;
}

/** Builds when the sources are newer than the build; returns the folder to serve from. */
async function build(): Promise<string> {
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
  await ensureBuilt(dir);
  return dir;
}

async function generate(db: Db): Promise<Annotator[]> {
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
    const { id } = (await db.first(USER_INSERT, [email, `Bench ${i}`, "annotator", null, JSON.stringify(skills)]))!;
    if (AUTH === "token") {
      const { token } = await createToken({ ctx: system, input: { email } });
      annotators.push({ id, auth: { authorization: `Bearer ${token}` } });
    } else {
      // What signing in puts in the session (lib/auth/options.ts `jwt`): the user id, role and session version.
      const session = await encode({ token: { sub: String(id), email, uid: id, role: "annotator", sv: 0 }, secret: AUTH_SECRET });
      annotators.push({ id, auth: { cookie: `next-auth.session-token=${session}` } });
    }
  }
  return annotators;
}

interface Result {
  name: string;
  concurrency: number;
  requests: number;
  rps: number;
  p50: number;
  p99: number;
  /** CPU milliseconds per request of the servers and of the PostgreSQL backends serving them (null: not measured). */
  serverCpu: number | null;
  dbCpu: number | null;
}

function quantile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

interface Sample {
  latencies: number[];
  seconds: number;
  /** CPU seconds the servers and the PostgreSQL backends serving them spent in this kind's rounds. */
  serverCpu: number;
  dbCpu: number;
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
  const perRequest = (seconds: number) => (cpuMeasurable ? (1000 * seconds) / sorted.length : null);
  return {
    name,
    concurrency,
    requests: sorted.length,
    rps: sorted.length / sample.seconds,
    p50: quantile(sorted, 0.5),
    p99: quantile(sorted, 0.99),
    serverCpu: perRequest(sample.serverCpu),
    dbCpu: ENGINE === "postgres" ? perRequest(sample.dbCpu) : null,
  };
}

// The untimed work this process does straight in the database, written once for both engines.
const JUDGE_OPEN_LEASES = dynamicQuery(
  `insert into judgments (project_id, item_id, user_id, assignment_id, type, choice, slot_order, source, client_id, created_at)
   select project_id, item_id, user_id, id, 'pairwise', 'tie', slot_order, 'app', 'local-' || id, ? from assignments where status = 'leased'`,
);
const COUNT_OPEN_LEASES = dynamicQuery(
  `update items set judgment_count = judgment_count + (select count(*) from assignments a where a.item_id = items.id and a.status = 'leased')
   where id in (select item_id from assignments where status = 'leased')`,
);
const CLOSE_OPEN_LEASES = dynamicQuery(`update assignments set status = 'submitted', closed_at = ? where status = 'leased'`);
const FRESH_ITEMS = dynamicQuery(
  `select i.id from items i where i.judgment_count = 0 and not exists (select 1 from assignments a where a.item_id = i.id) order by i.id desc limit ?`,
  (r) => num(r.id),
);
const LEASE_FOR_SUBMIT = dynamicQuery(
  (d) => `insert into assignments (project_id, item_id, user_id, status, slot_order, leased_at, expires_at)
   select project_id, ?, ?, 'leased', (select ${d.kind === "sqlite" ? "json_group_array(id) from (select id from candidates where item_id = ? order by position)" : "coalesce(jsonb_agg(id order by position), '[]'::jsonb) from candidates where item_id = ?"}), ?, ?
   from items where id = ? returning id`,
  (r) => num(r.id),
);
const count = (text: string) => dynamicQuery(text, (r) => num(r.n));
const CHECKS = {
  rows: count("select count(*) as n from judgments"),
  httpRows: count("select count(*) as n from judgments where client_id like 'http-%'"),
  dupes: count("select count(*) as n from (select item_id, user_id from judgments group by item_id, user_id having count(*) > 1) d"),
  over: count("select count(*) as n from items where judgment_count > 3 + extra_overlap"),
  drift: count("select count(*) as n from items i where i.judgment_count <> (select count(*) from judgments j where j.item_id = i.id)"),
};

/** One system under test: a build (this checkout or the baseline) with its servers on its own database. */
interface Target {
  label: string;
  mode: SynchronousMode;
  db: Db;
  servers: RunningServer[];
  /** One round of each kind at `c` connections, into `into`. */
  round(c: number, into: Samples): Promise<void>;
  created201: number;
  createdLocally: number;
  failures: Map<string, number>;
}

type Samples = Record<"bare" | "claim" | "routed" | "submit", Sample>;

const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });

/**
 * A keep-alive socket the server closed as idle (its keepAliveTimeout) just as a request was sent on
 * it fails with ECONNRESET before the server read anything: sent again on a fresh socket (Node's
 * `reusedSocket` pattern). On a loaded machine a pause between rounds is enough for it.
 */
async function post(baseUrl: string, urlPath: string, auth: Record<string, string>, body: string): Promise<{ status: number; body: string; ms: number }> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await postOnce(baseUrl, urlPath, auth, body);
    } catch (e) {
      if (attempt >= 2 || !(e as { reusedSocket?: boolean }).reusedSocket || (e as { code?: string }).code !== "ECONNRESET") throw e;
    }
  }
}

function postOnce(baseUrl: string, urlPath: string, auth: Record<string, string>, body: string): Promise<{ status: number; body: string; ms: number }> {
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
        headers: { "content-type": "application/json", "content-length": Buffer.byteLength(body), ...auth },
      },
      (res) => {
        let data = "";
        res.setEncoding("utf8");
        res.on("data", (d) => (data += d));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body: data, ms: Number(process.hrtime.bigint() - start) / 1e6 }));
      },
    );
    req.on("error", (e) => reject(Object.assign(e, { reusedSocket: req.reusedSocket })));
    req.end(body);
  });
}

async function startTarget(label: string, mode: SynchronousMode, database: BenchDatabase, serveDir: string, annotators: Annotator[], logDir: string): Promise<Target> {
  const servers: RunningServer[] = [];
  for (let n = 0; n < INSTANCES; n++) {
    const name = `${label.replace(/[^a-z0-9-]/gi, "_")}-${mode.toLowerCase()}-${n + 1}`;
    servers.push(
      await startNextServer({
        dir: serveDir,
        database: database.target,
        logFile: path.join(logDir, `server-${name}.log`),
        env: { ARBITER_BENCH: "1", NEXTAUTH_SECRET: AUTH_SECRET, ARBITER_SQLITE_SYNCHRONOUS: mode },
        nodeArgs: opts.profile ? ["--cpu-prof", `--cpu-prof-dir=${path.resolve(opts.profile)}`, `--cpu-prof-name=${name}.cpuprofile`] : [],
      }),
    );
  }
  const db = openDatabase(database.target);
  const t: Target = { label, mode, db, servers, round: async () => {}, created201: 0, createdLocally: 0, failures: new Map() };
  const fail = (what: string) => t.failures.set(what, (t.failures.get(what) ?? 0) + 1);
  // Worker w of a phase talks to instance w mod INSTANCES: the connections are split evenly.
  const urlOf = (worker: number) => servers[worker % servers.length].baseUrl;
  let choiceN = 0;
  const choice = () => (["A", "B", "tie"] as const)[choiceN++ % 3];

  const bare = async (w: number) => {
    const r = await post(urlOf(w), "/api/bench/insert", {}, "");
    if (r.status !== 201) fail(`bare ${r.status}`);
    return r.ms;
  };
  // (a) claim over HTTP (timed). Each round, every annotator claims once; between rounds (untimed,
  // no request in flight) this process judges all open leases straight in the database, so every
  // claim of the next round does a fresh pick on a project whose frontier moves as in real use.
  let turn = 0;
  const claimOn = (slug: string) => async (w: number) => {
    const a = annotators[turn++ % annotators.length];
    const r = await post(urlOf(w), `/api/v1/projects/${slug}/assignments/next`, a.auth, "");
    if (r.status !== 200) fail(`claim ${r.status}: ${r.body.slice(0, 120)}`);
    return r.ms;
  };
  const claim = claimOn(SLUG);
  const routed = claimOn(ROUTED_SLUG);
  const judgeOpenLeases = (now: number) =>
    db.write(async (tx: Engine) => {
      const inserted = await tx.exec(JUDGE_OPEN_LEASES, [at(now)]);
      await tx.exec(COUNT_OPEN_LEASES);
      await tx.exec(CLOSE_OPEN_LEASES, [at(now)]);
      return inserted;
    });
  // (b) leases made here beforehand (untimed, fresh items, each (item, annotator) once, at most three
  // per item); the submits go over HTTP (timed), with no other work between them.
  const leaseQueue = async (offset: number, concurrency: number, total: number): Promise<{ id: number; a: Annotator }[]> => {
    const now = Date.now();
    return db.write(async (tx) => {
      const fresh = await tx.many(FRESH_ITEMS, [Math.ceil(total / 3) + 1]);
      if (fresh.length * 3 < total) throw new Error("the benchmark project ran out of fresh items; use more --items");
      const queue: { id: number; a: Annotator }[] = [];
      for (let k = 0; k < total; k++) {
        const item = fresh[Math.floor(k / 3)];
        // Three different annotators of this phase's `concurrency` per item.
        const a = annotators[(offset + ((Math.floor(k / 3) * 3 + (k % 3)) % concurrency)) % annotators.length];
        queue.push({ id: (await tx.first(LEASE_FOR_SUBMIT, [item, a.id, item, at(now), at(now + 30 * 60_000), item]))!, a });
      }
      return queue;
    });
  };
  const submit = (queue: { id: number; a: Annotator }[]) => async (w: number) => {
    const { id: assignmentId, a } = queue.shift()!;
    const body = JSON.stringify({ assignment_id: assignmentId, choice: choice(), client_id: `http-${a.id}-${assignmentId}` });
    const r = await post(urlOf(w), "/api/v1/judgments", a.auth, body);
    if (r.status === 201) t.created201++;
    else fail(`submit ${r.status}: ${r.body.slice(0, 120)}`);
    return r.ms;
  };

  // Each kind runs in rounds of one request per annotator; the kinds take turns round by round, so
  // a change in the machine's background load during the run hits all three alike. req/s is the
  // requests of a kind over the time spent running that kind's rounds.
  const ROUND = annotators.length;
  // A round of one kind, with the CPU its servers and their PostgreSQL backends spent on it (backends
  // the pool opened during the round are counted from zero).
  const serverPids = () => servers.flatMap((s) => (s.server.pid ? withDescendants(s.server.pid) : []));
  // The PostgreSQL connections serving the servers: every one on the target's database but the one
  // asking (this process's own connections are idle while a kind's round runs).
  const backendPids = () => postgresBackends(db, { exceptAsking: true });
  const metered = async (c: number, op: (worker: number) => Promise<number>, into: Sample) => {
    const backendsBefore = await backendPids();
    const before = { server: cpuTimes(serverPids()), db: cpuTimes(backendsBefore) };
    await run(c, ROUND, op, into);
    const after = { server: cpuTimes(serverPids()), db: cpuTimes(new Set([...backendsBefore, ...(await backendPids())])) };
    into.serverCpu += cpuSpent(before.server, after.server);
    into.dbCpu += cpuSpent(before.db, after.db);
  };
  let flip = 0;
  t.round = async (c, into) => {
    if (KINDS.has("bare")) await metered(c, bare, into.bare);
    turn = 0;
    // Open and routed claims take turns in which goes first, round by round.
    const claims = [["claim", claim], ["routed", routed]] as const;
    for (const [kind, op] of flip++ % 2 ? claims.slice().reverse() : claims) {
      turn = 0;
      if (KINDS.has(kind)) await metered(c, op, into[kind]);
    }
    t.createdLocally += await judgeOpenLeases(Date.now());
    if (KINDS.has("submit")) await metered(c, submit(await leaseQueue(0, ROUND, ROUND)), into.submit);
  };
  return t;
}

/** Prints a target's table and checks its judgments; true when nothing was lost, duplicated or refused. */
async function report(t: Target, results: Result[]): Promise<boolean> {
  const { db } = t;
  console.log(`\n${t.label}: ${ENGINE}${ENGINE === "sqlite" ? `, synchronous = ${t.mode}` : ""}, ${t.servers.length} instance(s)`);
  console.log("| route | conns | req/s | p50 ms | p99 ms | vs bare (routed: vs open claim) | server CPU ms/req | PostgreSQL CPU ms/req |");
  console.log("|---|---|---|---|---|---|---|---|");
  const ms = (x: number | null) => (x == null ? "-" : x.toFixed(2));
  for (const r of results) {
    // A routed claim is compared with the open one (the target: at least 90%), the rest with the bare insert.
    const base = results.find((b) => b.name === (r.name === "claim-next routed" ? "claim-next" : "bare insert") && b.concurrency === r.concurrency);
    console.log(`| ${r.name} | ${r.concurrency} | ${r.rps.toFixed(0)} | ${r.p50.toFixed(1)} | ${r.p99.toFixed(1)} | ${base ? ((100 * r.rps) / base.rps).toFixed(0) + "%" : "-"} | ${ms(r.serverCpu)} | ${ms(r.dbCpu)} |`);
  }

  // Lost or duplicated judgments: every 201 (and every local insert) is exactly one row.
  const [rows, httpRows, dupes, over, drift] = await Promise.all([CHECKS.rows, CHECKS.httpRows, CHECKS.dupes, CHECKS.over, CHECKS.drift].map(async (q) => (await db.first(q))!));
  const { created201, createdLocally, failures } = t;
  console.log(`submit 201 answers: ${created201}; judgment rows from HTTP submits: ${httpRows} → lost ${Math.max(0, created201 - httpRows)}, extra ${Math.max(0, httpRows - created201)}`);
  console.log(`all judgment rows: ${rows} (= ${created201} HTTP + ${createdLocally} local: ${rows === created201 + createdLocally ? "yes" : "NO"}); duplicated (item, annotator): ${dupes}; items past overlap: ${over}; counter drift: ${drift}`);
  if (failures.size) console.log("non-success answers:", Object.fromEntries(failures));
  console.log(`server logs: ${t.servers.map((s) => s.logFile).join(", ")}`);
  return !(failures.size || created201 !== httpRows || dupes || over || drift);
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
  if (ENGINE === "postgres" && !(await postgresAvailable())) fail("no PostgreSQL server answers (see the message above)");
  if (opts.baseline && !sameMigrations(ROOT, opts.baseline, ENGINE)) {
    fail(`--baseline ${opts.baseline}: its ${ENGINE === "sqlite" ? "db/migrations" : "db/migrations-pg"} differ from this checkout's, and both are served on copies of one database generated here`);
  }
  const serveDir = await build();
  const baseline = opts.baseline ? { label: `baseline ${opts.baseline}`, ...(await buildRevision(ROOT, opts.baseline)) } : null;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "arbiter-bench-"));
  const t0 = Date.now();
  const source = await createBenchDatabase(ENGINE, dir);
  const generated = openDatabase(source.target);
  const annotators = await generate(generated);
  // The bare route's scratch table, made here once: servers starting together would otherwise race to
  // create it (on PostgreSQL, two concurrent `create table if not exists` can both try, and one fails).
  await generated.exec(CREATE_BENCH_ROWS);
  await generated.close();
  console.log(`Generated ${ITEMS} items, ${ANNOTATORS} annotators on ${ENGINE} in ${((Date.now() - t0) / 1000).toFixed(1)} s (${dir})`);

  // Every build and setting gets its own servers on its own copy of the generated database.
  const plans: { label: string; mode: SynchronousMode; dir: string }[] = [];
  for (const mode of MODES) {
    plans.push({ label: "this checkout", mode, dir: serveDir });
    if (baseline) plans.push({ label: `${baseline.label} (${baseline.commit.slice(0, 8)})`, mode, dir: baseline.dir });
  }
  const databases: BenchDatabase[] = [];
  for (const [i, plan] of plans.entries()) databases.push(await source.copy(`${i}-${plan.mode}`));
  const targets: Target[] = [];
  try {
    for (const [i, plan] of plans.entries()) targets.push(await startTarget(plan.label, plan.mode, databases[i], plan.dir, annotators, dir));
    const sample = (): Sample => ({ latencies: [], seconds: 0, serverCpu: 0, dbCpu: 0 });
    const fresh = (): Samples => ({ bare: sample(), claim: sample(), routed: sample(), submit: sample() });
    // Warm-up: the first requests compile and cache each route (on every instance).
    for (let r = 0; r < 4; r++) for (const t of targets) await t.round(4, fresh());

    const ROUND = annotators.length;
    const results = new Map<Target, Result[]>(targets.map((t) => [t, []]));
    const rounds = Math.ceil(REQUESTS / ROUND);
    for (const c of CONCURRENCY) {
      const samples = new Map(targets.map((t) => [t, fresh()]));
      // The targets take turns round by round, so the machine's background load hits each alike.
      for (let r = 0; r < rounds; r++) for (const t of targets) await t.round(c, samples.get(t)!);
      for (const t of targets) {
        const s = samples.get(t)!;
        if (KINDS.has("bare")) results.get(t)!.push(summary("bare insert", c, s.bare));
        if (KINDS.has("claim")) results.get(t)!.push(summary("claim-next", c, s.claim));
        if (KINDS.has("routed")) results.get(t)!.push(summary("claim-next routed", c, s.routed));
        if (KINDS.has("submit")) results.get(t)!.push(summary("submit-judgment", c, s.submit));
      }
    }
    for (const t of targets) for (const s of t.servers) await stopNextServer(s);
    agent.destroy();

    const pool = ENGINE === "postgres" ? `, pool ${process.env.ARBITER_PG_POOL_SIZE || 10} connections per instance` : "";
    console.log(`\n${rounds * ROUND} requests per row, in rounds of ${ROUND}; ${INSTANCES} instance(s)${pool}; annotators authenticate with ${AUTH === "token" ? "bearer tokens" : "session cookies"}; ${os.cpus().length} CPU(s), ${os.cpus()[0]?.model ?? ""}; Node ${process.version}; ${new Date().toISOString()}`);
    let ok = true;
    for (const t of targets) ok = (await report(t, results.get(t)!)) && ok;
    // Each other target against the first (this checkout, first setting), route by route.
    const [first, ...others] = targets;
    for (const t of others) {
      console.log(`\nreq/s of ${first.label}${MODES.length > 1 ? ` (${first.mode})` : ""} against ${t.label}${MODES.length > 1 ? ` (${t.mode})` : ""}`);
      for (const [i, r] of results.get(first)!.entries()) {
        const other = results.get(t)![i];
        console.log(`${r.name.padEnd(18)} ${String(r.concurrency).padStart(4)} ${((100 * (r.rps - other.rps)) / other.rps).toFixed(1).padStart(7)}%`);
      }
    }
    process.exitCode = ok ? 0 : 1;
  } finally {
    for (const t of targets) {
      for (const s of t.servers) await stopNextServer(s);
      await t.db.close();
    }
    for (const d of [source, ...databases]) await d.drop();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
