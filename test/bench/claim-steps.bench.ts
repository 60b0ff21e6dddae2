// What one step of the annotation loop costs this process in CPU, through the services, without
// HTTP: the bare insert (the baseline of claim.bench.ts), the token lookup every API request makes,
// a claim and a judgment. It tells what claim.bench.ts's ratios are made of: on PostgreSQL each
// statement is a round trip whose driver work (writing the message, reading and decoding the
// answer) costs CPU on the Node side, so a step costs about its number of round trips.
//
//   npx tsx test/bench/claim-steps.bench.ts [--engine sqlite|postgres] [--steps 1000] [--rounds 2] [--history 0]
//
// A project of 3,000 items (two responses each, overlap 3) and 32 annotators, in a SQLite file or
// with --engine postgres in a fresh database on the PostgreSQL test server (ARBITER_TEST_DATABASE_URL,
// default the local one), dropped at the end. Each round times --steps bare inserts, then --steps
// token lookups, then --steps claims each followed by its judgment (annotators taking turns), one
// at a time, and prints wall time and CPU (this process's user + system) per step, and on PostgreSQL
// the CPU its backends spent on each step (read from /proc on Linux, outside the timed part). Later rounds run
// on warm connections; compare steps within a round, not against another run. With --history N each
// annotator has N judgments in the project before the first round (on items every annotator judged,
// past their overlap, which a pick passes by in the index; on PostgreSQL then vacuumed), to see
// whether a claim's cost grows with the annotator's history.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { openDatabase } from "@/db/client";
import { dynamicQuery } from "@/db/engine";
import { runMigrations } from "@/db/migrate";
import { countAnnotatorJudgments } from "@/db/queries/importer";
import { claimNext } from "@/lib/services/assignment";
import { insertBenchRow } from "@/lib/services/bench";
import type { Ctx } from "@/lib/services/context";
import { submitJudgment } from "@/lib/services/judgments";
import { addMember } from "@/lib/services/members";
import { createProject } from "@/lib/services/projects";
import { createToken, resolveToken } from "@/lib/services/tokens";
import { createUser } from "@/lib/services/users";
import { createTestDatabase, postgresAvailable } from "../helpers/postgres";
import { cpuSpent, cpuTimes, postgresBackends } from "../helpers/process-cpu";
import { insertCandidate, insertItem, insertJudgment } from "../helpers/rows";

const { values: opts } = parseArgs({
  options: {
    engine: { type: "string", default: "sqlite" },
    steps: { type: "string", default: "1000" },
    rounds: { type: "string", default: "2" },
    history: { type: "string", default: "0" },
  },
});
function fail(message: string): never {
  console.error(`claim-steps.bench: ${message}`);
  process.exit(2);
}
if (opts.engine !== "sqlite" && opts.engine !== "postgres") fail(`--engine must be sqlite or postgres (got "${opts.engine}")`);
const STEPS = Number(opts.steps);
const ROUNDS = Number(opts.rounds);
if (!Number.isInteger(STEPS) || STEPS < 1) fail(`--steps must be a positive whole number (got "${opts.steps}")`);
if (!Number.isInteger(ROUNDS) || ROUNDS < 1) fail(`--rounds must be a positive whole number (got "${opts.rounds}")`);
const HISTORY = Number(opts.history);
if (!Number.isInteger(HISTORY) || HISTORY < 0) fail(`--history must be a whole number (got "${opts.history}")`);
const ITEMS = 3_000;
const ANNOTATORS = 32;

/** Wall time and CPU per step, summed over the steps timed; with `backends`, their CPU too. */
class Timing {
  wallMs = 0;
  cpuUs = 0;
  dbUs = 0;
  n = 0;
  constructor(private readonly backends: number[]) {}
  async time<T>(fn: () => Promise<T>): Promise<T> {
    const db0 = this.backends.length ? cpuTimes(this.backends) : undefined;
    const cpu = process.cpuUsage();
    const t0 = performance.now();
    const out = await fn();
    this.wallMs += performance.now() - t0;
    const used = process.cpuUsage(cpu);
    this.cpuUs += used.user + used.system;
    if (db0) this.dbUs += cpuSpent(db0, cpuTimes(this.backends)) * 1e6;
    this.n++;
    return out;
  }
  row(label: string): string {
    const db = this.backends.length ? (this.dbUs / this.n).toFixed(0) : "-";
    return `| ${label} | ${((this.wallMs / this.n) * 1000).toFixed(0)} | ${(this.cpuUs / this.n).toFixed(0)} | ${db} |`;
  }
}

async function main() {
  if (opts.engine === "postgres" && !(await postgresAvailable())) fail("no PostgreSQL server answers at ARBITER_TEST_DATABASE_URL");
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "arbiter-claim-steps-"));
  const pgDatabase = opts.engine === "postgres" ? await createTestDatabase() : null;
  const db = openDatabase(pgDatabase ? pgDatabase.url : path.join(dir, "arbiter.db"));
  const ctx: Ctx = { db, caller: null };
  try {
    await runMigrations(db);
    const project = await createProject({ ctx, input: { slug: "steps", name: "Steps", status: "active", overlap: 3 } });
    for (let i = 0; i < ITEMS; i++) {
      const itemId = await insertItem(db, { projectId: project.id, externalId: `q${i}`, prompt: `Question ${i}: `.repeat(20) });
      for (const position of [0, 1]) await insertCandidate(db, { itemId, position, content: `Answer ${position} to question ${i}. `.repeat(40), model: `m${position}` });
    }
    const annotators: Ctx[] = [];
    let token = "";
    for (let i = 0; i < ANNOTATORS; i++) {
      const { user } = await createUser({ ctx, input: { email: `annotator${i}@example.com`, role: "annotator", password: "not-used-for-signing-in" } });
      await addMember({ ctx, input: { slug: "steps", email: user.email } });
      annotators.push({ db, caller: { userId: user.id, email: user.email, role: "annotator" } });
      if (i === 0) token = (await createToken({ ctx, input: { email: user.email, name: "bench" } })).token;
    }
    if (HISTORY > 0) {
      await db.write(async (tx) => {
        for (let h = 0; h < HISTORY; h++) {
          const itemId = await insertItem(tx, { projectId: project.id, externalId: `done${h}`, prompt: `Done ${h}`, judgmentCount: ANNOTATORS });
          for (const a of annotators) await insertJudgment(tx, { projectId: project.id, itemId, userId: a.caller!.userId, choice: "A", slotOrder: [], createdAt: Date.now() });
        }
        // Counted on each annotator as an import counts its judgments.
        for (const a of annotators) await tx.exec(countAnnotatorJudgments, [project.id, a.caller!.userId, HISTORY]);
      });
      if (db.kind === "postgres") await db.exec(dynamicQuery("vacuum analyze"));
    }
    console.log(`${opts.engine}, ${ITEMS} items, ${ANNOTATORS} annotators with ${HISTORY} judgments each before, ${STEPS} steps of each kind per round, one at a time; Node ${process.version}`);
    for (let round = 1; round <= ROUNDS; round++) {
      // This process's connections on PostgreSQL, whose CPU a step costs the database server.
      const backends = await postgresBackends(db);
      const bare = new Timing(backends);
      const lookup = new Timing(backends);
      const claim = new Timing(backends);
      const judge = new Timing(backends);
      for (let i = 0; i < STEPS; i++) await bare.time(() => insertBenchRow({ ctx }));
      for (let i = 0; i < STEPS; i++) await lookup.time(() => resolveToken(ctx, token));
      for (let i = 0; i < STEPS; i++) {
        const who = annotators[i % ANNOTATORS];
        const claimed = await claim.time(() => claimNext({ ctx: who, input: { slug: "steps" } }));
        if (!claimed) fail("the project ran out of items: fewer --steps or --rounds");
        await judge.time(() => submitJudgment({ ctx: who, input: { assignment_id: claimed.assignment.id, choice: "A", duration_ms: 1000 } }));
      }
      console.log(`\nround ${round}\n| step | wall µs | CPU µs | PostgreSQL CPU µs |\n|---|---|---|---|`);
      console.log([bare.row("bare insert"), lookup.row("token lookup"), claim.row("claim"), judge.row("judgment")].join("\n"));
    }
  } finally {
    await db.close();
    await pgDatabase?.drop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

void main();
