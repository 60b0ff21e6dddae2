// Generation speed against the project's own model server answering at once (test/helpers/model-server.ts),
// next to a bare client making the same streamed requests with the same concurrency, in the same run.
//
//   npx tsx test/bench/generation.bench.ts           (10,000 responses at concurrency 32)
//   npx tsx test/bench/generation.bench.ts --small   (1,000)
//
// Target (issue 14): Arbiter's generation ≥ 0.5 × the bare client's rate; Arbiter's own overhead per
// response (storing it, measuring it, the semaphore, the items at the end) is reported.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { openDatabase } from "@/db/client";
import { runMigrations } from "@/db/migrate";
import type { Ctx } from "@/lib/services/context";
import { addContender } from "@/lib/services/contenders";
import { addEndpoint } from "@/lib/services/endpoints";
import { runGeneration, startGeneration } from "@/lib/services/generation";
import { createProject } from "@/lib/services/projects";
import { startModelServer } from "../helpers/model-server";

const RESPONSES = process.argv.includes("--small") ? 1_000 : 10_000;
const CONCURRENCY = 32;
const PROMPTS = RESPONSES / 2;

const prompt = (i: number) => `Question ${i}: explain why the sky looks blue at noon and red at sunset, briefly.`;

/** The same streamed requests as Arbiter makes, with a plain worker pool, each stream read to its end. */
async function bareClient(baseUrl: string): Promise<number> {
  let next = 0;
  const t0 = performance.now();
  const worker = async () => {
    for (;;) {
      const i = next++;
      if (i >= RESPONSES) return;
      const res = await fetch(`${baseUrl}/chat/completions`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ model: "m", messages: [{ role: "system", content: `persona ${i % 2}` }, { role: "user", content: prompt(i >> 1) }], stream: true, stream_options: { include_usage: true } }),
      });
      await res.text();
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  return performance.now() - t0;
}

async function main() {
  const server = await startModelServer();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "arbiter-generation-bench-"));
  const db = openDatabase(path.join(dir, "arbiter.db"));
  try {
    await runMigrations(db);
    const ctx: Ctx = { db, caller: null };
    await addEndpoint({ ctx, input: { name: "local", base_url: server.baseUrl, model: "m", max_concurrency: CONCURRENCY, price_in: 1, price_out: 2 } });
    for (const name of ["c0", "c1"]) await addContender({ ctx, input: { name, endpoint: "local", system: `persona ${name}` } });
    await createProject({ ctx, input: { slug: "bench", name: "Generation bench", status: "active" } });

    // Warm both paths (connections, JIT) before measuring.
    await bareClient(server.baseUrl);
    server.reset();
    const bareMs = await bareClient(server.baseUrl);
    const bareMax = server.maxInFlight();
    server.reset();

    const prompts = Array.from({ length: PROMPTS }, (_, i) => ({ id: `q${i}`, prompt: prompt(i) }));
    const t0 = performance.now();
    const { run } = await startGeneration({ ctx, input: { slug: "bench", prompts, contenders: ["c0", "c1"] } });
    let respondedAt = 0;
    const summary = await runGeneration({
      ctx,
      input: {
        id: run.id,
        onProgress: (p) => {
          if (p.done === p.total) respondedAt = performance.now();
        },
      },
    });
    const totalMs = performance.now() - t0;
    const responsesMs = respondedAt - t0;
    if (summary.responses !== RESPONSES || summary.failed.length) throw new Error(`expected ${RESPONSES} responses, got ${summary.responses} and ${summary.failed.length} failures`);

    const rate = (ms: number) => Math.round((RESPONSES / ms) * 1000);
    console.log(`${RESPONSES.toLocaleString("en")} streamed responses at concurrency ${CONCURRENCY} (server max in flight: bare ${bareMax}, Arbiter ${server.maxInFlight()})`);
    console.log(`  bare client            ${(bareMs / 1000).toFixed(2)} s   ${rate(bareMs)} responses/s`);
    console.log(`  Arbiter, responses     ${(responsesMs / 1000).toFixed(2)} s   ${rate(responsesMs)} responses/s   ${(rate(responsesMs) / rate(bareMs)).toFixed(2)} × bare (target ≥ 0.5)`);
    console.log(`  Arbiter, with items    ${(totalMs / 1000).toFixed(2)} s   ${rate(totalMs)} responses/s   ${(rate(totalMs) / rate(bareMs)).toFixed(2)} × bare; ${summary.items.toLocaleString("en")} items`);
    console.log(`  Arbiter's overhead     ${(((totalMs - bareMs) / RESPONSES) * 1000).toFixed(0)} µs per response (storing, measuring, items), ${(((responsesMs - bareMs) / RESPONSES) * 1000).toFixed(0)} µs before the items`);
  } finally {
    await db.close();
    await server.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

void main();
