// Generation speed against the project's own model server answering at once (test/helpers/model-server.ts),
// next to a bare client making the same streamed requests with the same concurrency, in the same run.
//
//   npx tsx test/bench/generation.bench.ts [--small] [--engine sqlite|postgres] [--rounds 10]
//
// 10,000 responses at concurrency 32 (--small: 1,000), stored in a SQLite file, or with --engine
// postgres in a fresh database on the PostgreSQL test server (ARBITER_TEST_DATABASE_URL, default the
// local one), dropped at the end. The two take turns in rounds (--rounds; each round a bare share of
// the requests, then a generation run of as many responses, the order alternating), so a busy
// machine slows both alike; --rounds 1 is one generation of them all. Each is also timed in CPU
// (this process's user + system time, the model server's included), which counts no time spent
// waiting for a turn on a busy machine.
//
// Target (issue 14): Arbiter's generation ≥ 0.5 × the bare client's rate; Arbiter's own overhead per
// response (storing it, measuring it, the semaphore, the items at the end) is reported.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { openDatabase } from "@/db/client";
import { runMigrations } from "@/db/migrate";
import type { Ctx } from "@/lib/services/context";
import { addContender } from "@/lib/services/contenders";
import { addEndpoint } from "@/lib/services/endpoints";
import { runGeneration, startGeneration } from "@/lib/services/generation";
import { createProject } from "@/lib/services/projects";
import { startModelServer } from "../helpers/model-server";
import { createTestDatabase, postgresAvailable } from "../helpers/postgres";

const { values: opts } = parseArgs({
  options: { small: { type: "boolean", default: false }, engine: { type: "string", default: "sqlite" }, rounds: { type: "string", default: "10" } },
});
function fail(message: string): never {
  console.error(`generation.bench: ${message}`);
  process.exit(2);
}
if (opts.engine !== "sqlite" && opts.engine !== "postgres") fail(`--engine must be sqlite or postgres (got "${opts.engine}")`);
const RESPONSES = opts.small ? 1_000 : 10_000;
const ROUNDS = Number(opts.rounds);
if (!Number.isInteger(ROUNDS) || ROUNDS < 1 || RESPONSES % (2 * ROUNDS) !== 0) fail(`--rounds must be a whole number dividing ${RESPONSES / 2} (got "${opts.rounds}")`);
const CONCURRENCY = 32;
/** Responses per round: half as many prompts, two contenders. */
const PER_ROUND = RESPONSES / ROUNDS;

const prompt = (i: number) => `Question ${i}: explain why the sky looks blue at noon and red at sunset, briefly.`;

/** The same streamed requests as Arbiter makes for prompts `from`…, with a plain worker pool, each stream read to its end. */
async function bareClient(baseUrl: string, from: number, count: number): Promise<void> {
  let next = 0;
  const worker = async () => {
    for (;;) {
      const i = next++;
      if (i >= count) return;
      const res = await fetch(`${baseUrl}/chat/completions`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ model: "m", messages: [{ role: "system", content: `persona c${i % 2}` }, { role: "user", content: prompt(from + (i >> 1)) }], stream: true, stream_options: { include_usage: true } }),
      });
      await res.text();
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
}

/** Wall and CPU milliseconds of `fn`. */
async function timed<T>(fn: () => Promise<T>): Promise<{ wallMs: number; cpuMs: number; value: T }> {
  const cpu = process.cpuUsage();
  const t0 = performance.now();
  const value = await fn();
  const used = process.cpuUsage(cpu);
  return { wallMs: performance.now() - t0, cpuMs: (used.user + used.system) / 1000, value };
}

async function main() {
  if (opts.engine === "postgres" && !(await postgresAvailable())) process.exit(2);
  const server = await startModelServer();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "arbiter-generation-bench-"));
  const postgres = opts.engine === "postgres" ? await createTestDatabase() : undefined;
  const db = openDatabase(postgres?.url ?? path.join(dir, "arbiter.db"));
  try {
    await runMigrations(db);
    const ctx: Ctx = { db, caller: null };
    await addEndpoint({ ctx, input: { name: "local", base_url: server.baseUrl, model: "m", max_concurrency: CONCURRENCY, price_in: 1, price_out: 2 } });
    for (const name of ["c0", "c1"]) await addContender({ ctx, input: { name, endpoint: "local", system: `persona ${name}` } });
    await createProject({ ctx, input: { slug: "bench", name: "Generation bench", status: "active" } });

    /** A generation run over prompts `from`… (PER_ROUND responses): its time to the last response stored, and to its items. */
    const generate = async (from: number) => {
      const cpu = process.cpuUsage();
      const t0 = performance.now();
      const prompts = Array.from({ length: PER_ROUND / 2 }, (_, i) => ({ id: `q${from + i}`, prompt: prompt(from + i) }));
      const { run } = await startGeneration({ ctx, input: { slug: "bench", prompts, contenders: ["c0", "c1"] } });
      let respondedAt = 0;
      let respondedCpu = { user: 0, system: 0 };
      const summary = await runGeneration({
        ctx,
        input: {
          id: run.id,
          onProgress: (p) => {
            if (p.done === p.total) {
              respondedAt = performance.now();
              respondedCpu = process.cpuUsage(cpu);
            }
          },
        },
      });
      const used = process.cpuUsage(cpu);
      if (summary.responses !== PER_ROUND || summary.failed.length) throw new Error(`expected ${PER_ROUND} responses, got ${summary.responses} and ${summary.failed.length} failures`);
      return { responses: { wallMs: respondedAt - t0, cpuMs: (respondedCpu.user + respondedCpu.system) / 1000 }, items: { wallMs: performance.now() - t0, cpuMs: (used.user + used.system) / 1000 }, count: summary.items };
    };

    // Warm both paths (connections, JIT) before measuring, on prompts of their own.
    let nextPrompt = RESPONSES;
    await bareClient(server.baseUrl, nextPrompt, PER_ROUND);
    await generate(nextPrompt);
    nextPrompt += PER_ROUND / 2;

    const bare = { wallMs: 0, cpuMs: 0 };
    const responses = { wallMs: 0, cpuMs: 0 };
    const withItems = { wallMs: 0, cpuMs: 0 };
    let items = 0;
    let bareMax = 0;
    let arbiterMax = 0;
    const add = (to: { wallMs: number; cpuMs: number }, t: { wallMs: number; cpuMs: number }) => {
      to.wallMs += t.wallMs;
      to.cpuMs += t.cpuMs;
    };
    for (let round = 0; round < ROUNDS; round++) {
      const from = round * (PER_ROUND / 2);
      const sides = [
        async () => {
          server.reset();
          add(bare, await timed(() => bareClient(server.baseUrl, from, PER_ROUND)));
          bareMax = Math.max(bareMax, server.maxInFlight());
        },
        async () => {
          server.reset();
          const g = await generate(from);
          add(responses, g.responses);
          add(withItems, g.items);
          items += g.count;
          arbiterMax = Math.max(arbiterMax, server.maxInFlight());
        },
      ];
      if (round % 2) sides.reverse();
      for (const side of sides) await side();
    }

    const rate = (ms: number) => Math.round((RESPONSES / ms) * 1000);
    const perResponse = (ms: number) => `${((ms / RESPONSES) * 1000).toFixed(0)} µs`;
    const line = (label: string, t: { wallMs: number; cpuMs: number }, extra = "") =>
      console.log(
        `  ${label.padEnd(22)} ${(t.wallMs / 1000).toFixed(2).padStart(6)} s   ${String(rate(t.wallMs)).padStart(5)} responses/s${t === bare ? "              " : `   ${(bare.wallMs / t.wallMs).toFixed(2)} × bare`}   CPU ${perResponse(t.cpuMs)} per response${t === bare ? "" : ` (${(bare.cpuMs / t.cpuMs).toFixed(2)} × bare)`}${extra}`,
      );
    console.log(`${RESPONSES.toLocaleString("en")} streamed responses at concurrency ${CONCURRENCY} on ${opts.engine}, in ${ROUNDS} round(s) (server max in flight: bare ${bareMax}, Arbiter ${arbiterMax})`);
    line("bare client", bare);
    line("Arbiter, responses", responses, "   (target ≥ 0.5 × bare)");
    line("Arbiter, with items", withItems, `; ${items.toLocaleString("en")} items`);
    console.log(
      `  Arbiter's overhead     ${perResponse(withItems.wallMs - bare.wallMs)} per response (storing, measuring, items), ${perResponse(responses.wallMs - bare.wallMs)} before the items; ` +
        `in CPU ${perResponse(withItems.cpuMs - bare.cpuMs)} and ${perResponse(responses.cpuMs - bare.cpuMs)}`,
    );
  } finally {
    await db.close();
    await postgres?.drop();
    await server.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

void main();
