// AI judges on every engine: a judge asked through the project's own model server, whose answers the
// test decides (a fair judge, one that always says "[[A]]", one that calls a tie, one that gives no
// verdict). Checks the position swap (a flip is a tie and inconsistent), the stored verdicts, the
// resumable run within the endpoint's concurrency, that AI verdicts change neither exports nor any
// human figure, that stats.judges equals lib/stats/judges.ts on the same data, and the CLI's refusals.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { bool, dynamicQuery, num, str } from "@/db/engine";
import { main } from "@/lib/cli/main";
import { addEndpoint } from "@/lib/services/endpoints";
import { addJudge, DEFAULT_JUDGE_PROMPT, judgePromptFor, listJudges, parseJudgeAnswer, runJudge } from "@/lib/services/judges";
import { clearStatsCache, projectStats } from "@/lib/services/stats";
import type { Choice } from "@/lib/formats/record";
import { judgeAgreement, type JudgeRun } from "@/lib/stats/judges";
import { ENGINES, errorCodeAsync, makeProject, makeUser, tempDbOn, type TempDb } from "../helpers/db";
import { startModelServer, type ModelServer } from "../helpers/model-server";
import { goodAt, JUDGED_DAY, seedJudgedPairs } from "../helpers/judged-pairs";

const ITEMS = 12;
/** Which items the judge answers in which way (the rest: it prefers the good response). */
const BIASED = new Set([8, 9]);
const TIED = 10;
const MUTE = 11;

/** The judge's answer to the default prompt: decided from the question's number and where the good response is shown. */
function judgeAnswer(prompt: string): string | undefined {
  const m = /\[User request\]\nQuestion (\d+)\n\n\[Response A\]\n(.*)\n\n\[Response B\]\n/s.exec(prompt);
  if (!m) return undefined;
  const i = Number(m[1]);
  if (BIASED.has(i)) return "The first one reads better.\n[[A]]";
  if (i === TIED) return "Both are fine. [[C]]";
  if (i === MUTE) return "I cannot tell.";
  return `Response ${m[2].startsWith("good") ? "A" : "B"} answers the question. [[ ${m[2].startsWith("good") ? "a" : "B"} ]]`;
}

/** The slots the judge chose for item i, shown straight and swapped (what the server answers). */
function choicesOf(i: number): { straight: Choice; swapped: Choice } {
  if (BIASED.has(i)) return { straight: "A", swapped: "A" };
  if (i === TIED) return { straight: "tie", swapped: "tie" };
  return goodAt(i) === 0 ? { straight: "A", swapped: "B" } : { straight: "B", swapped: "A" };
}

describe("judge answers and prompts", () => {
  it("takes the last bracketed verdict, whatever its case and spaces, and nothing else", () => {
    expect(parseJudgeAnswer("A is wrong, so [[B]]")).toBe("B");
    expect(parseJudgeAnswer("[[A]] at first… on reflection [[ c ]]")).toBe("tie");
    expect(parseJudgeAnswer("[[a]]")).toBe("A");
    expect(parseJudgeAnswer("[A] or [[D]] or [[AB]]")).toBeNull();
    expect(parseJudgeAnswer("")).toBeNull();
  });
  it("fills the placeholders once: a response quoting one stays as written", () => {
    const text = judgePromptFor("{prompt} | {response_a} | {response_b}", [{ role: "system", content: "S" }, { role: "user", content: "Q" }], "says {response_b}", "two");
    expect(text).toBe("system: S\n\nuser: Q | says {response_b} | two");
    for (const p of ["{prompt}", "{response_a}", "{response_b}"]) expect(DEFAULT_JUDGE_PROMPT).toContain(p);
  });
});

describe.each(ENGINES)("AI judges on %s", (kind) => {
  let t: TempDb;
  let server: ModelServer;
  let dir: string;
  beforeAll(async () => {
    server = await startModelServer({ chunkDelayMs: 1, answer: ({ prompt }) => judgeAnswer(prompt) });
  });
  afterAll(() => server.close());
  beforeEach(async () => {
    t = await tempDbOn(kind);
    server.reset();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "arbiter-judges-"));
  });
  afterEach(async () => {
    await t.close();
    clearStatsCache();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const target = () => (kind === "sqlite" ? ["--db", t.file] : ["--database-url", t.file]);
  async function cli(...args: string[]) {
    let out = "";
    let err = "";
    const code = await main([...args, ...target()], { out: (s) => (out += s), err: (s) => (err += s) });
    return { code, out, err };
  }

  /** Items "Question i" with a good and a poor response; u1 always prefers the good one, u2 calls items 2 and 5 a tie. */
  async function build() {
    const seeded = await seedJudgedPairs(t, { items: ITEMS });
    await addEndpoint({ ctx: t.system, input: { name: "local", base_url: server.baseUrl, model: "judge-model", max_concurrency: 3 } });
    return seeded;
  }

  const stored = () =>
    t.db.many(
      dynamicQuery("select item_id, verdict, position_consistent, latency_ms, prompt_tokens, completion_tokens, answer_straight, answer_swapped from ai_judgments order by item_id", (r) => ({
        item: num(r.item_id),
        verdict: str(r.verdict),
        consistent: bool(r.position_consistent),
        latency: num(r.latency_ms),
        tokens: num(r.prompt_tokens) + num(r.completion_tokens),
        straight: str(r.answer_straight),
        swapped: str(r.answer_swapped),
      })),
    );

  it("judges in both orders within the concurrency, stores verdicts, resumes, and reports what failed", async () => {
    const { ids } = await build();
    await addJudge({ ctx: t.system, input: { name: "fair", endpoint: "local" } });
    const first = await runJudge({ ctx: t.system, input: { slug: "pw", judge: "fair", limit: 4 } });
    expect(first).toEqual({ items: 4, judged: 4, failed: 0, failures: [] });
    expect(server.totalRequests()).toBe(8);
    const rest = await runJudge({ ctx: t.system, input: { slug: "pw", judge: "fair" } });
    expect(rest).toMatchObject({ items: ITEMS - 4, judged: ITEMS - 5, failed: 1 });
    expect(rest.failures).toHaveLength(1);
    expect(rest.failures[0].item).toBe(`q${MUTE}`);
    expect(rest.failures[0].error).toMatch(/no verdict/);
    expect(server.totalRequests()).toBe(2 * ITEMS);
    expect(server.maxInFlight()).toBeLessThanOrEqual(3);
    expect(server.maxInFlight()).toBeGreaterThan(1);

    const rows = await stored();
    expect(rows.map((r) => r.item)).toEqual(ids.slice(0, MUTE));
    rows.forEach((r, i) => {
      const expected = BIASED.has(i) || i === TIED ? "tie" : goodAt(i) === 0 ? "A" : "B";
      expect(r.verdict, `item ${i}`).toBe(expected);
      expect(r.consistent, `item ${i}`).toBe(!BIASED.has(i));
      expect(parseJudgeAnswer(r.straight)).toBe(choicesOf(i).straight);
      expect(parseJudgeAnswer(r.swapped)).toBe(choicesOf(i).swapped);
      expect(r.latency).toBeGreaterThanOrEqual(0);
      // What the server reported for the two requests of this item.
      const served = server.served.filter((s) => s.prompt.includes(`\nQuestion ${i}\n`));
      expect(served).toHaveLength(2);
      expect(r.tokens).toBe(served.reduce((n, s) => n + s.usage.prompt_tokens + s.usage.completion_tokens, 0));
    });

    // Resumed: only the item without a verdict is asked again.
    const again = await runJudge({ ctx: t.system, input: { slug: "pw", judge: "fair" } });
    expect(again).toMatchObject({ items: 1, judged: 0, failed: 1 });
    expect(server.totalRequests()).toBe(2 * ITEMS + 2);
    expect(await stored()).toHaveLength(ITEMS - 1);
  });

  it("changes no export and no human figure; stats.judges is lib/stats/judges.ts on the same data", async () => {
    const { humans, ids } = await build();
    const exported = async (format: string, file: string) => {
      expect((await cli("export", "--project", "pw", "--format", format, "--min-votes", "1", "--out", path.join(dir, file))).code).toBe(0);
      return fs.readFileSync(path.join(dir, file), "utf8");
    };
    const dpoBefore = await exported("trl-dpo", "before.jsonl");
    // The raw format's annotator pseudonyms are salted per export: every other field is compared.
    const raw = async (file: string) =>
      (await exported("raw", file))
        .trim()
        .split("\n")
        .map((line) => ({ ...(JSON.parse(line) as Record<string, unknown>), annotator: undefined }));
    const rawBefore = await raw("before-raw.jsonl");
    // Items 2 and 5 (one vote each way) give no DPO pair; the raw format has a line per human judgment.
    expect(dpoBefore.trim().split("\n")).toHaveLength(ITEMS - 2);
    expect(rawBefore).toHaveLength(2 * ITEMS);
    // One clock for both readings: the projection's figures depend on it.
    const fixed = { ...t.system, now: () => JUDGED_DAY + 30 * 86_400_000 };
    const { generated_at: _g1, ...before } = await projectStats({ ctx: fixed, input: { slug: "pw", rounds: 200, seed: 7 } });
    expect(before.judges).toBeUndefined();

    await addJudge({ ctx: t.system, input: { name: "fair", endpoint: "local" } });
    await runJudge({ ctx: t.system, input: { slug: "pw", judge: "fair" } });
    expect(await exported("trl-dpo", "after.jsonl")).toBe(dpoBefore);
    expect(await raw("after-raw.jsonl")).toEqual(rawBefore);
    const { generated_at: _g2, judges, ...after } = await projectStats({ ctx: fixed, input: { slug: "pw", rounds: 200, seed: 7 } });
    expect(after).toEqual(before);

    // The same figures from the pure function, fed with the choices the server was made to give.
    const runs: JudgeRun[] = [];
    for (let i = 0; i < MUTE; i++) {
      const c = choicesOf(i);
      runs.push({ judge: "fair", item: String(ids[i]), swapped: false, choice: c.straight }, { judge: "fair", item: String(ids[i]), swapped: true, choice: c.swapped });
    }
    const [pure] = judgeAgreement(humans, runs, { rounds: 200, seed: 7 });
    expect(judges).toEqual([
      {
        name: "fair",
        n: pure.n,
        kappa: pure.kappa,
        kappa_ci_low: pure.kappa_ci_low,
        kappa_ci_high: pure.kappa_ci_high,
        accuracy: pure.accuracy,
        accuracy_ci_low: pure.accuracy_ci_low,
        accuracy_ci_high: pure.accuracy_ci_high,
        position_consistency: pure.position_consistency,
      },
    ]);
    // By hand: 11 judged items, 9 with a human majority (not 2 and 5); right on 0, 1, 3, 4, 6, 7; items 8 and 9 flipped.
    expect(judges![0].n).toBe(9);
    expect(judges![0].accuracy).toBeCloseTo(6 / 9, 12);
    expect(judges![0].position_consistency).toBeCloseTo(9 / 11, 12);
    expect(judges![0].kappa_ci_low).not.toBeNull();

    const json = await cli("stats", "--project", "pw", "--rounds", "200", "--seed", "7", "--json");
    expect(json.code).toBe(0);
    expect((JSON.parse(json.out) as { judges: unknown }).judges).toEqual(judges);
  });

  it("adds, lists and runs judges from the CLI, and refuses what it cannot do", async () => {
    await build();
    const annotator = await makeUser(t, "annotator");
    expect(await errorCodeAsync(() => addJudge({ ctx: annotator.ctx, input: { name: "x", endpoint: "local" } }))).toBe("forbidden");
    expect(await errorCodeAsync(() => runJudge({ ctx: annotator.ctx, input: { slug: "pw", judge: "x" } }))).toBe("forbidden");

    const noPlaceholders = path.join(dir, "bad.txt");
    fs.writeFileSync(noPlaceholders, "Which is better? {response_a} or the other; answer [[A]] or [[B]].");
    const bad = await cli("judge", "add", "--name", "j", "--endpoint", "local", "--prompt", noPlaceholders);
    expect(bad.code).not.toBe(0);
    expect(bad.err).toMatch(/--prompt: must contain \{prompt\}, \{response_b\}/);
    const missingFile = await cli("judge", "add", "--name", "j", "--endpoint", "local", "--prompt", path.join(dir, "none.txt"));
    expect(missingFile.code).not.toBe(0);
    expect(missingFile.err).toMatch(/none\.txt not found/);
    const noEndpoint = await cli("judge", "add", "--name", "j", "--endpoint", "elsewhere");
    expect(noEndpoint.code).not.toBe(0);
    expect(noEndpoint.err).toMatch(/no endpoint is named "elsewhere"/);

    const own = path.join(dir, "own.txt");
    fs.writeFileSync(own, `Mine.\n${DEFAULT_JUDGE_PROMPT}`);
    expect((await cli("judge", "add", "--name", "j", "--endpoint", "local", "--prompt", own)).code).toBe(0);
    const taken = await cli("judge", "add", "--name", "j", "--endpoint", "local");
    expect(taken.code).not.toBe(0);
    expect(taken.err).toMatch(/a judge named "j" already exists/);
    const list = await cli("judge", "list", "--json");
    expect(JSON.parse(list.out)).toMatchObject({ judges: [{ name: "j", endpoint: "local" }] });
    expect((await listJudges({ ctx: t.system }))[0].prompt).toBe(`Mine.\n${DEFAULT_JUDGE_PROMPT}`);

    const limit = await cli("judge", "run", "--project", "pw", "--judge", "j", "--limit", "abc");
    expect(limit.code).not.toBe(0);
    expect(limit.err).toMatch(/--limit: must be a whole number/);
    const unknown = await cli("judge", "run", "--project", "pw", "--judge", "nobody");
    expect(unknown.code).not.toBe(0);
    expect(unknown.err).toMatch(/no judge is named "nobody"/);
    await makeProject(t, { slug: "ranks", judgmentSchema: { type: "ranking" } });
    const ranking = await cli("judge", "run", "--project", "ranks", "--judge", "j");
    expect(ranking.code).not.toBe(0);
    expect(ranking.err).toMatch(/collects ranking judgments/);
    expect(server.totalRequests()).toBe(0);

    const run = await cli("judge", "run", "--project", "pw", "--judge", "j", "--limit", "3", "--json");
    expect(run.code).toBe(0);
    expect(JSON.parse(run.out)).toEqual({ items: 3, judged: 3, failed: 0 });
  });
});
