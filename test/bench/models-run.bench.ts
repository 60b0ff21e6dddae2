// A whole models-in-the-loop run against the project's own model server (test/helpers/model-server.ts),
// through the same services the CLI and the API call: an endpoint with prices, three contenders that
// answer at different lengths (so their latency, tokens and cost differ), a prompt-tuned contender
// edited into a second version, a generation over every pair, simulated annotators who judge blind
// through claim and submit with known true preferences (and rate accuracy and relevance), and an AI
// judge with a bias for longer answers. Prints the contender leaderboard and the judge-vs-humans
// table as `arbiter stats` figures them, with the true strengths beside them to read them against.
//
//   npx tsx test/bench/models-run.bench.ts [--prompts 120] [--engine sqlite|postgres]
//
// Not a test (it asserts only that the run completed): a walk-through whose table the README and
// closing notes quote.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { openDatabase } from "@/db/client";
import type { EngineKind } from "@/db/engine";
import { runMigrations } from "@/db/migrate";
import type { Ctx } from "@/lib/services/context";
import { claimNext } from "@/lib/services/assignment";
import { addContender, editContender } from "@/lib/services/contenders";
import { addEndpoint } from "@/lib/services/endpoints";
import { runGeneration, startGeneration } from "@/lib/services/generation";
import { addJudge, runJudge } from "@/lib/services/judges";
import { submitJudgment } from "@/lib/services/judgments";
import { addMember } from "@/lib/services/members";
import { createProject } from "@/lib/services/projects";
import { clearStatsCache, projectStats } from "@/lib/services/stats";
import { createUser } from "@/lib/services/users";
import { mulberry32 } from "@/lib/stats/random";
import { startModelServer } from "../helpers/model-server";
import { createTestDatabase } from "../helpers/postgres";

const { values: args } = parseArgs({ options: { prompts: { type: "string", default: "120" }, engine: { type: "string", default: "sqlite" } } });
const PROMPTS = Number(args.prompts);
const ENGINE = args.engine as EngineKind;

/** Each contender's persona (its system prompt's first line), answer length in words and true strength (log-odds scale). */
const CONTENDERS = {
  concise: { words: 12, strength: -0.4 },
  plain: { words: 40, strength: 0 },
  detailed: { words: 110, strength: 0.8 },
} as const;
type Persona = keyof typeof CONTENDERS;
/** plain@v2 (a tuned system prompt) answers like plain, a little better. */
const TUNED_STRENGTH = 0.3;

/** The persona and version a response came from: its first bracketed tag, as the server answers. */
function personaOf(text: string): { persona: Persona; tuned: boolean } {
  const m = /^\[(concise|plain|detailed)( tuned)?\]/.exec(text);
  if (!m) throw new Error(`not a contender's answer: ${text.slice(0, 40)}`);
  return { persona: m[1] as Persona, tuned: Boolean(m[2]) };
}

const strengthOf = (text: string) => {
  const { persona, tuned } = personaOf(text);
  return tuned ? TUNED_STRENGTH : CONTENDERS[persona].strength;
};

function answer(system: string | null, prompt: string, judgeRandom: () => number): string | undefined {
  // The AI judge (the default judge prompt): one time in eight it picks whichever response it was shown
  // first; otherwise it prefers the longer answer three times in four, else the stronger.
  const judged = /\[Response A\]\n(.*)\n\n\[Response B\]\n(.*)$/s.exec(prompt);
  if (judged) {
    const [a, b] = [judged[1], judged[2]];
    const byLength = a.length >= b.length ? "A" : "B";
    const byStrength = strengthOf(a) >= strengthOf(b) ? "A" : "B";
    if (judgeRandom() < 0.125) return "The first one. [[A]]";
    return `Weighing both. [[${judgeRandom() < 0.75 ? byLength : byStrength}]]`;
  }
  const tag = system?.split("\n")[0] ?? "plain";
  const persona = tag.replace(" tuned", "") as Persona;
  const words = CONTENDERS[persona]?.words ?? 20;
  const body = Array.from({ length: words }, (_, i) => prompt.split(/\s+/)[i % 6] ?? "word").join(" ");
  return `[${tag}] ${body}`;
}

async function main() {
  const judgeRandom = mulberry32(7);
  const server = await startModelServer({ chunkDelayMs: 1, answer: ({ system, prompt }) => answer(system, prompt, judgeRandom) });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "arbiter-models-run-"));
  const pgDatabase = ENGINE === "postgres" ? await createTestDatabase() : null;
  const db = openDatabase(pgDatabase ? pgDatabase.url : path.join(dir, "arbiter.db"));
  const ctx: Ctx = { db, caller: null };
  try {
    await runMigrations(db);
    const t0 = performance.now();
    await addEndpoint({ ctx, input: { name: "local", base_url: server.baseUrl, model: "test-model", max_concurrency: 16, price_in: 0.15, price_out: 0.6 } });
    for (const name of Object.keys(CONTENDERS)) await addContender({ ctx, input: { name, endpoint: "local", system: name, temperature: 0.2, max_tokens: 512 } });
    await createProject({
      ctx,
      input: {
        slug: "models",
        name: "Which customisation?",
        status: "active",
        overlap: 3,
        judgmentSchema: { type: "pairwise", criteria: [{ key: "accuracy", label: "Accuracy" }, { key: "relevance", label: "Relevance" }] },
      },
    });
    const prompts = Array.from({ length: PROMPTS }, (_, i) => ({ id: `q${i}`, prompt: `Question ${i} about topic ${i % 7}: how does it work and why?`, metadata: { topic: `t${i % 4}` } }));
    const generate = async (contenders: string[], half: typeof prompts) => {
      const { run } = await startGeneration({ ctx, input: { slug: "models", prompts: half, contenders } });
      return runGeneration({ ctx, input: { id: run.id } });
    };
    // Round 1: v1 of all three; then plain is tuned (v2) and round 2 adds it against the others.
    const first = await generate(["concise", "plain", "detailed"], prompts.slice(0, PROMPTS / 2));
    await editContender({ ctx, input: { name: "plain", system: "plain tuned" } });
    const second = await generate(["concise", "plain", "detailed"], prompts.slice(PROMPTS / 2));
    const generatedMs = performance.now() - t0;

    // Simulated annotators: each claims and judges until no work is left; choice by the Bradley–Terry
    // probability of the true strengths; ratings from the same strengths with noise.
    const annotators: { email: string; ctx: Ctx }[] = [];
    for (let i = 1; i <= 6; i++) {
      const { user } = await createUser({ ctx, input: { email: `annotator${i}@example.com`, role: "annotator", password: "not-used-for-signing-in" } });
      await addMember({ ctx, input: { slug: "models", email: user.email } });
      annotators.push({ email: user.email, ctx: { db, caller: { userId: user.id, email: user.email, role: "annotator" } } });
    }
    const humanRandom = mulberry32(11);
    let judged = 0;
    const rate = (s: number) => Math.max(1, Math.min(5, Math.round(3 + 1.5 * s + (humanRandom() - 0.5) * 2)));
    for (let active = true; active; ) {
      active = false;
      for (const a of annotators) {
        const claim = await claimNext({ ctx: a.ctx, input: { slug: "models" } });
        if (!claim) continue;
        active = true;
        const [A, B] = claim.item.candidates;
        const pA = 1 / (1 + Math.exp(strengthOf(B.content) - strengthOf(A.content)));
        const r = humanRandom();
        const choice = Math.abs(r - pA) < 0.06 ? "tie" : r < pA ? "A" : "B";
        const ratings = Object.fromEntries([A, B].map((c) => [c.slot, { accuracy: rate(strengthOf(c.content)), relevance: rate(strengthOf(c.content) / 2) }]));
        await submitJudgment({ ctx: a.ctx, input: { assignment_id: claim.assignment.id, choice, ratings, duration_ms: 20_000 } });
        judged++;
      }
    }
    await addJudge({ ctx, input: { name: "length-judge", endpoint: "local" } });
    const judging = await runJudge({ ctx, input: { slug: "models", judge: "length-judge" } });
    const totalMs = performance.now() - t0;

    clearStatsCache();
    const stats = await projectStats({ ctx, input: { slug: "models", by: "topic" } });
    const f = (v: number | null | undefined, digits = 0) => (v == null ? "—" : v.toFixed(digits));
    console.log(`Engine ${ENGINE}; ${PROMPTS} prompts; responses ${first.responses + second.responses} (failed ${first.failed.length + second.failed.length}); items ${first.items + second.items}; human judgments ${judged}; judge verdicts ${judging.judged} of ${judging.items}; ${(generatedMs / 1000).toFixed(1)} s to generate, ${(totalMs / 1000).toFixed(1)} s in all`);
    console.log("\nContender leaderboard (true strengths: detailed 0.8, plain@v2 0.3, plain@v1 0, concise −0.4)\n");
    console.log("| contender | rating | 95% CI | win rate | n | median latency ms | p90 latency ms | median TTFT ms | mean completion tokens | cost / 1k USD | accuracy | relevance |");
    console.log("|---|---|---|---|---|---|---|---|---|---|---|---|");
    for (const c of stats.contenders) {
      const rating = (k: string) => (c.ratings[k] ? `${f(c.ratings[k].mean, 2)} (${f(c.ratings[k].ci_low, 2)}–${f(c.ratings[k].ci_high, 2)})` : "—");
      console.log(`| ${c.name} | ${f(c.rating)} | ${f(c.ci_low)}–${f(c.ci_high)} | ${f(c.win_rate, 3)} | ${c.n} | ${f(c.median_latency_ms)} | ${f(c.p90_latency_ms)} | ${f(c.median_ttft_ms)} | ${f(c.mean_completion_tokens, 1)} | ${f(c.cost_per_1k_usd, 4)} | ${rating("accuracy")} | ${rating("relevance")} |`);
    }
    console.log("\nJudge vs humans (against the human majority; the judge takes the first response shown 1 time in 8, else the longer one 3 times in 4)\n");
    console.log("| judge | slice | n | kappa | 95% CI | accuracy | position consistency |");
    console.log("|---|---|---|---|---|---|---|");
    for (const j of stats.judges ?? []) {
      // Per-slice rows where the statistics give them (a breakdown by the prompts' `topic`).
      const slices = (j as { slices?: (typeof j & { value: string | null })[] }).slices ?? [];
      for (const row of [{ ...j, value: "all" }, ...slices]) {
        console.log(`| ${j.name} | ${row.value ?? "(none)"} | ${row.n} | ${f(row.kappa, 3)} | ${f(row.kappa_ci_low, 3)}–${f(row.kappa_ci_high, 3)} | ${f(row.accuracy, 3)} | ${f(row.position_consistency, 3)} |`);
      }
    }
  } finally {
    await db.close();
    await pgDatabase?.drop();
    await server.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

void main();
