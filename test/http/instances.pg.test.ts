// Exactness across instances (issue 11): 32 annotator processes judge over HTTP through two
// `arbiter start` instances on one PostgreSQL database; after KILL_AFTER acknowledged judgments one
// instance (A) is killed with SIGKILL (its whole process group: the CLI and its `next start`), and
// its annotators carry on through the other (B), re-sending what got no answer with the same
// client_id. The database must then hold every judgment a client was told about, each once, and no
// item past its overlap. Skipped with a message where no PostgreSQL server answers (failing under
// CI=true).
//
// A's annotators reach it through a proxy (test/helpers/holding-proxy.ts), the network path a load
// balancer would be. Just before the kill it keeps A's answers to judgments instead of delivering
// them, until HELD_JUDGMENTS are kept: judgments A recorded whose clients never heard of them, the
// case client_id exists for. A bare kill would hit that window only by luck.
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dynamicQuery, num, str } from "@/db/engine";
import { requeueItem } from "@/lib/services/adjudication";
import { updateItem } from "@/lib/services/items";
import { updateProject } from "@/lib/services/projects";
import { createToken } from "@/lib/services/tokens";
import { importText, jsonl, makeProject, makeUsers, pairRecord, tempDbOn, type TempDb } from "../helpers/db";
import type { Ack, WorkerSummary } from "../helpers/http-annotator-worker";
import { startHoldingProxy, type HoldingProxy } from "../helpers/holding-proxy";
import { ensureBuilt } from "../helpers/build";
import { freePort } from "../helpers/net";
import { withPostgres } from "../helpers/postgres";
import { runWorkerProcess } from "../helpers/worker-process";

const ROOT = path.resolve(__dirname, "../..");
const ANNOTATORS = 32;
const ITEMS = 150;
const GOLD = 8;
const OVERLAP = 3;
/** Acknowledged judgments (first deliveries) before one instance is killed: about half the work. */
const KILL_AFTER = 300;
/** Judgments A records without its answer reaching the client, before it is killed. */
const HELD_JUDGMENTS = 6;
/** Every Nth judgment of each annotator is delivered twice on purpose. */
const RESEND_EVERY = 7;
const SECRET = "instances-test-secret-instances-test-0123";

interface Instance {
  name: string;
  baseUrl: string;
  /** The `arbiter start` process, leader of its own process group. */
  process: ChildProcess;
  logFile: string;
  exited: Promise<void>;
}

let dir: string;
let t: TempDb | undefined;
const instances: Instance[] = [];
let proxy: HoldingProxy | undefined;
/** Annotator processes still running (a test that fails early leaves them to afterAll). */
const running = new Set<ChildProcess>();

function log(instance: Instance): string {
  return fs.existsSync(instance.logFile) ? fs.readFileSync(instance.logFile, "utf8").slice(-4000) : "(no log)";
}

/** `arbiter start` on a free port, in a process group of its own so that one signal reaches the CLI and its `next start`. */
async function startInstance(name: string, databaseUrl: string): Promise<Instance> {
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const logFile = path.join(dir, `${name}.log`);
  const fd = fs.openSync(logFile, "w");
  // The database is the one named on the command line: none from this process's environment.
  const { ARBITER_DB: _file, ARBITER_DATABASE_URL: _url, ...env } = process.env;
  const child = spawn(process.execPath, ["lib/cli/bin.mjs", "start", "--database-url", databaseUrl, "--port", String(port), "--host", "127.0.0.1"], {
    cwd: ROOT,
    detached: true,
    stdio: ["ignore", fd, fd],
    env: { ...env, NEXTAUTH_SECRET: SECRET, NEXTAUTH_URL: baseUrl },
  });
  fs.closeSync(fd);
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const instance = { name, baseUrl, process: child, logFile, exited };
  instances.push(instance);
  const deadline = Date.now() + 90_000;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`instance ${name} exited early:\n${log(instance)}`);
    try {
      if ((await fetch(`${baseUrl}/api/health`)).ok) return instance;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`instance ${name} did not answer /api/health in 90 s:\n${log(instance)}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Signals an instance's whole process group (no-op when it is gone). */
function signalGroup(instance: Instance, signal: NodeJS.Signals) {
  try {
    process.kill(-instance.process.pid!, signal);
  } catch (e) {
    if ((e as { code?: string }).code !== "ESRCH") throw e;
  }
}

function runWorker(args: string[]): Promise<WorkerSummary> {
  // The database is the one named on the command line: none from this process's environment.
  const { ARBITER_DB: _file, ARBITER_DATABASE_URL: _url, ...env } = process.env;
  return runWorkerProcess("test/helpers/http-annotator-worker.ts", args, { env, children: running });
}

function readAcks(file: string): Ack[] {
  if (!fs.existsSync(file)) return [];
  return fs
    .readFileSync(file, "utf8")
    .split("\n")
    .filter((line) => line !== "")
    .map((line) => JSON.parse(line) as Ack);
}

/** First deliveries acknowledged so far (lines are whole: each is written with one write and fsynced). */
function acknowledged(files: string[]): number {
  let n = 0;
  for (const file of files) if (fs.existsSync(file)) for (const line of fs.readFileSync(file, "utf8").split("\n")) if (line && !line.includes('"delivery":"again"')) n++;
  return n;
}

const rows = <R>(text: string, decode: (r: Record<string, unknown>) => R) => t!.db.many(dynamicQuery(text, decode));

describe.skipIf(!(await withPostgres()))("exactness across two instances on PostgreSQL", () => {
  beforeAll(async () => {
    // The server-pg project's setup builds before this file runs; by itself, the file builds here (under the build lock).
    await ensureBuilt(ROOT);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "arbiter-instances-"));
    t = await tempDbOn("postgres");
  }, 600_000);

  afterAll(async () => {
    for (const child of running) child.kill("SIGKILL");
    await proxy?.cut();
    for (const instance of instances) signalGroup(instance, "SIGTERM");
    await Promise.race([Promise.all(instances.map((i) => i.exited)), new Promise((r) => setTimeout(r, 5000))]);
    for (const instance of instances) signalGroup(instance, "SIGKILL");
    await t?.close();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  }, 60_000);

  it(`${ANNOTATORS} annotators over two instances, one killed with SIGKILL midway: every acknowledged judgment stored once, no item past its overlap`, async () => {
    const p = await makeProject(t!, { overlap: OVERLAP, leaseMinutes: 30 });
    await importText(
      t!,
      p.slug,
      jsonl([...Array.from({ length: ITEMS }, (_, i) => pairRecord(i)), ...Array.from({ length: GOLD }, (_, i) => pairRecord(1000 + i, { gold: { choice: "A" } }))]),
    );
    await updateProject({ ctx: t!.system, input: { slug: p.slug, goldRate: 0.1 } });
    const ids = await rows(`select id from items where project_id = ${p.id} and gold is null order by id`, (r) => num(r.id));
    // Some items want more judgments (sent back by a manager), some are served first.
    for (const id of ids.slice(0, 10)) await requeueItem({ ctx: t!.system, input: { itemId: id, extra: 2 } });
    for (const id of ids.slice(50, 60)) await updateItem({ ctx: t!.system, input: { itemId: id, priority: 5 } });
    const users = await makeUsers(t!, ANNOTATORS, "annotator");
    const tokens: string[] = [];
    for (const u of users) tokens.push((await createToken({ ctx: t!.system, input: { email: u.caller.email } })).token);

    // One after the other: the second finds the schema migrated and the accounts made.
    const a = await startInstance("a", t!.file);
    const b = await startInstance("b", t!.file);

    proxy = await startHoldingProxy(a.baseUrl);
    const aUrl = proxy.baseUrl;

    const ackFiles = users.map((_, i) => path.join(dir, `acks-${i}.jsonl`));
    // Even annotators start on A (the one killed), odd ones on B.
    const workers = users.map((_, i) => {
      const [home, other] = i % 2 === 0 ? [aUrl, b.baseUrl] : [b.baseUrl, aUrl];
      return runWorker([ackFiles[i], tokens[i], p.slug, home, other, String(RESEND_EVERY)]);
    });
    // The watch below stops when the workers are done, or one failed (its error is the test's, thrown by `await all`).
    let done = false;
    const all = Promise.all(workers);
    all.then(
      () => (done = true),
      () => (done = true),
    );

    const heldJudgments = () => proxy!.held().filter((h) => h.method === "POST" && h.path === "/api/v1/judgments" && h.status === 201);
    let ackedAtKill = -1;
    while (!done) {
      const n = acknowledged(ackFiles);
      if (n >= KILL_AFTER) {
        ackedAtKill = n;
        break;
      }
      await new Promise((r) => setTimeout(r, 20));
    }
    // Each of A's annotators stops at its next judgment, waiting for an answer that never comes.
    proxy.hold((method, url) => method === "POST" && url === "/api/v1/judgments");
    for (const deadline = Date.now() + 30_000; !done && heldJudgments().length < HELD_JUDGMENTS && Date.now() < deadline; ) await new Promise((r) => setTimeout(r, 20));
    const held = heldJudgments();
    signalGroup(a, "SIGKILL");
    await proxy.cut();
    const summaries = await all;
    expect(ackedAtKill, "the workers finished before the kill").toBeGreaterThanOrEqual(KILL_AFTER);
    expect(held.length, "judgments A recorded without answering before the kill").toBeGreaterThanOrEqual(HELD_JUDGMENTS);
    await a.exited;
    // A is gone (the CLI and its next start with it), B still serves.
    await expect(fetch(`${a.baseUrl}/api/health`)).rejects.toThrow();
    await expect(fetch(`${aUrl}/api/health`)).rejects.toThrow();
    expect((await fetch(`${b.baseUrl}/api/health`)).ok).toBe(true);

    const acks = ackFiles.flatMap(readAcks);
    const told = new Map<string, number>();
    for (const ack of acks) {
      // Every delivery of one client_id was answered with the same judgment.
      expect(told.get(ack.client_id) ?? ack.judgment_id, `client_id ${ack.client_id}`).toBe(ack.judgment_id);
      told.set(ack.client_id, ack.judgment_id);
    }
    const stored = await rows(`select id, client_id from judgments where project_id = ${p.id}`, (r) => ({ id: num(r.id), clientId: str(r.client_id) }));
    const storedIds = new Map(stored.map((j) => [j.clientId, j.id]));
    // Every acknowledged judgment is in the database under the id the client was given ...
    const missing = [...told].filter(([clientId, id]) => storedIds.get(clientId) !== id);
    expect(missing).toEqual([]);
    // ... and nothing else is: a judgment recorded by the killed instance before it could answer was
    // acknowledged when its client re-sent it, not stored a second time.
    expect(stored.length).toBe(told.size);
    expect(summaries.reduce((s, w) => s + w.judged, 0)).toBe(told.size);
    // No client_id twice, no (item, annotator) twice.
    expect(await rows(`select client_id from judgments group by client_id having count(*) > 1`, (r) => r.client_id)).toEqual([]);
    expect(await rows(`select item_id, user_id from judgments group by item_id, user_id having count(*) > 1`, (r) => r)).toEqual([]);
    // No item past its effective overlap (gold items are exempt: every annotator may get each once),
    // and every one reached it: the work was finished through the surviving instance.
    const counts = await rows(
      `select i.id, ${OVERLAP} + i.extra_overlap as wanted, (select count(*) from judgments j where j.item_id = i.id) as n, i.judgment_count
       from items i where i.project_id = ${p.id} and i.gold is null`,
      (r) => ({ id: num(r.id), wanted: num(r.wanted), n: num(r.n), counter: num(r.judgment_count) }),
    );
    expect(counts.filter((c) => c.n > c.wanted)).toEqual([]);
    expect(counts.filter((c) => c.n < c.wanted)).toEqual([]);
    expect(counts.filter((c) => c.counter !== c.n)).toEqual([]);
    expect((await rows(`select count(*) as n from judgments where project_id = ${p.id} and gold`, (r) => num(r.n)))[0]).toBeGreaterThan(0);

    // The kill happened in the middle of the work and its annotators carried on through B.
    expect(told.size).toBeGreaterThan(ackedAtKill);
    // Each judgment A recorded but never answered was re-sent to B with its client_id and answered
    // 200 with the judgment A recorded.
    const heldIds = held.map((h) => (JSON.parse(h.body) as { judgment: { id: number; client_id: string } }).judgment);
    for (const j of heldIds) {
      expect(acks.filter((ack) => ack.client_id === j.client_id).map((ack) => [ack.judgment_id, ack.status, ack.delivery, ack.instance])).toContainEqual([j.id, 200, "after_no_answer", b.baseUrl]);
    }
    const aWorkersOnB = ackFiles.filter((_, i) => i % 2 === 0).flatMap(readAcks).filter((ack) => ack.instance === b.baseUrl && ack.delivery !== "again");
    expect(aWorkersOnB.length, "A's annotators judged through B after the kill").toBeGreaterThan(0);
    expect(summaries.filter((_, i) => i % 2 === 0).every((w) => w.failovers > 0)).toBe(true);
    expect(summaries.reduce((s, w) => s + w.recoveredRecorded, 0)).toBeGreaterThanOrEqual(held.length);
    // The deliberate second deliveries (the client never saw the first answer) were all answered 200 with the same judgment.
    expect(summaries.reduce((s, w) => s + w.resent, 0)).toBeGreaterThan(0);
    expect(acks.filter((ack) => ack.delivery === "again").every((ack) => ack.status === 200)).toBe(true);

    const recovered = summaries.reduce((s, w) => ({ recorded: s.recorded + w.recoveredRecorded, fresh: s.fresh + w.recoveredNew }), { recorded: 0, fresh: 0 });
    console.log(
      `instances: ${told.size} judgments, A killed after ${ackedAtKill} with ${held.length} judgment answers held back; ${aWorkersOnB.length} of A's annotators' judgments answered by B; ` +
        `re-sent after no answer: ${recovered.recorded} already recorded by A (200), ${recovered.fresh} recorded by B (201); ` +
        `${summaries.reduce((s, w) => s + w.resent, 0)} deliberate second deliveries`,
    );
  }, 170_000);
});
