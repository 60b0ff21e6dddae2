// Judge runs worked in the background (as the HTTP API starts them), exports with and without AI
// verdicts, and judge vs humans per metadata slice, on every engine. The judge is the project's own
// model server, made to prefer the good response, call item 10 a tie, always say "[[A]]" on items
// 8 and 9 (a flip with the order) and give no verdict on item 11.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { dynamicQuery, num } from "@/db/engine";
import { main } from "@/lib/cli/main";
import { statsCsv } from "@/lib/formats/stats-csv";
import { addEndpoint } from "@/lib/services/endpoints";
import { addJudge, cancelJudgeRun, getJudgeRun, launchJudgeRun, listJudgeRuns, parseJudgeAnswer, type JudgeRunView } from "@/lib/services/judges";
import { clearStatsCache, projectStats } from "@/lib/services/stats";
import { judgeAgreement, type JudgeAgreement, type JudgeRun } from "@/lib/stats/judges";
import { ENGINES, errorCodeAsync, makeUser, tempDbOn, type TempDb } from "../helpers/db";
import { startModelServer, type ModelServer } from "../helpers/model-server";
import { goodAt, seedJudgedPairs } from "../helpers/judged-pairs";

const ITEMS = 12;
/** Items 10 and 11 have no human judgment. */
const HUMAN_ITEMS = 10;
const BIASED = new Set([8, 9]);
const TIED = 10;
const MUTE = 11;
const category = (i: number) => (i < 6 ? "math" : "prose");

function judgeAnswer(prompt: string): string | undefined {
  const m = /\[User request\]\nQuestion (\d+)\n\n\[Response A\]\n(.*)\n\n\[Response B\]\n/s.exec(prompt);
  if (!m) return undefined;
  const i = Number(m[1]);
  if (BIASED.has(i)) return "The first. [[A]]";
  if (i === TIED) return "Same. [[C]]";
  if (i === MUTE) return "I cannot tell.";
  return m[2].startsWith("good") ? "[[A]]" : "[[B]]";
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe.each(ENGINES)("judge runs, exports with AI verdicts and judge slices on %s", (kind) => {
  let t: TempDb;
  let server: ModelServer;
  let slow: ModelServer;
  let dir: string;
  beforeAll(async () => {
    server = await startModelServer({ answer: ({ prompt }) => judgeAnswer(prompt) });
    slow = await startModelServer({ firstChunkDelayMs: 150, answer: ({ prompt }) => judgeAnswer(prompt) });
  });
  afterAll(async () => {
    await server.close();
    await slow.close();
  });
  beforeEach(async () => {
    t = await tempDbOn(kind);
    server.reset();
    slow.reset();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "arbiter-judge-runs-"));
  });
  afterEach(async () => {
    await t.close();
    clearStatsCache();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  /** u1 prefers the good response on items 0–9; u2 too, except a tie on items 2 and 5 (no majority there). */
  async function build() {
    const seeded = await seedJudgedPairs(t, { items: ITEMS, judged: HUMAN_ITEMS, metadata: (i) => ({ category: category(i) }) });
    await addEndpoint({ ctx: t.system, input: { name: "local", base_url: server.baseUrl, model: "judge-model", max_concurrency: 4 } });
    await addEndpoint({ ctx: t.system, input: { name: "slow", base_url: slow.baseUrl, model: "judge-model", max_concurrency: 2 } });
    await addJudge({ ctx: t.system, input: { name: "fair", endpoint: "local" } });
    return seeded;
  }

  async function finished(id: number): Promise<JudgeRunView> {
    for (let waited = 0; waited < 60_000; waited += 50) {
      const run = await getJudgeRun({ ctx: t.system, input: { id } });
      if (run.status !== "running") return run;
      await sleep(50);
    }
    throw new Error(`judge run ${id} did not finish`);
  }

  const storedOf = async (judge: string) =>
    (await t.db.first(dynamicQuery("select count(*) as n from ai_judgments x join judges j on j.id = x.judge_id where j.name = ?", (r) => num(r.n)), [judge]))!;

  it("works a run in the background and reports its progress and failures; a second start finds it; a cancel stops it", async () => {
    await build();
    const started = await launchJudgeRun({ ctx: t.system, input: { slug: "pw", judge: "fair" } });
    expect(started.running).toBe(false);
    expect(started.run).toMatchObject({ judge: "fair", project: "pw", status: "running", limit: null, finished_at: null });
    const done = await finished(started.run.id);
    expect(done).toMatchObject({ status: "done", items: ITEMS, judged: ITEMS - 1, failed: 1, error: null });
    expect(done.failures).toEqual([{ item: `q${MUTE}`, error: expect.stringMatching(/no verdict/) as unknown as string }]);
    expect(done.finished_at).not.toBeNull();
    expect(await storedOf("fair")).toBe(ITEMS - 1);
    expect(server.totalRequests()).toBe(2 * ITEMS);

    // A slow judge: started twice while it works (one run), then cancelled after its first verdicts.
    await addJudge({ ctx: t.system, input: { name: "slowpoke", endpoint: "slow" } });
    const first = await launchJudgeRun({ ctx: t.system, input: { slug: "pw", judge: "slowpoke", limit: 10 } });
    const again = await launchJudgeRun({ ctx: t.system, input: { slug: "pw", judge: "slowpoke" } });
    expect(again).toMatchObject({ running: true, run: { id: first.run.id, limit: 10 } });
    let seen = first.run;
    while (seen.judged < 1) {
      await sleep(25);
      seen = await getJudgeRun({ ctx: t.system, input: { id: first.run.id } });
    }
    expect(seen).toMatchObject({ status: "running", items: 10 });
    const cancelled = await cancelJudgeRun({ ctx: t.system, input: { id: first.run.id } });
    expect(cancelled.status).toBe("cancelled");
    expect(cancelled.finished_at).not.toBeNull();
    // The worker stops taking items: the requests stop, and the run counts exactly the verdicts it stored.
    let requests = -1;
    while (requests !== slow.totalRequests()) {
      requests = slow.totalRequests();
      await sleep(600);
    }
    const stored = await storedOf("slowpoke");
    expect(stored).toBeGreaterThanOrEqual(1);
    expect(stored).toBeLessThan(10);
    expect(requests).toBeLessThan(20);
    const after = await getJudgeRun({ ctx: t.system, input: { id: first.run.id } });
    expect(after).toMatchObject({ status: "cancelled", judged: stored, failed: 0 });
    expect(await errorCodeAsync(() => cancelJudgeRun({ ctx: t.system, input: { id: first.run.id } }))).toBe("conflict");

    expect((await listJudgeRuns({ ctx: t.system, input: { slug: "pw" } })).map((r) => [r.judge, r.status])).toEqual([
      ["slowpoke", "cancelled"],
      ["fair", "done"],
    ]);
    const annotator = await makeUser(t, "annotator");
    const manager = await makeUser(t, "manager");
    for (const ctx of [annotator.ctx, manager.ctx]) {
      expect(await errorCodeAsync(() => launchJudgeRun({ ctx, input: { slug: "pw", judge: "fair" } }))).toBe("forbidden");
      expect(await errorCodeAsync(() => getJudgeRun({ ctx, input: { id: first.run.id } }))).toBe("forbidden");
    }
    expect(await errorCodeAsync(() => launchJudgeRun({ ctx: t.system, input: { slug: "pw", judge: "nobody" } }))).toBe("not_found");
    expect(await errorCodeAsync(() => launchJudgeRun({ ctx: t.system, input: { slug: "pw", judge: "fair", limit: 0 } }))).toBe("bad_request");
    expect(await errorCodeAsync(() => getJudgeRun({ ctx: t.system, input: { id: 999 } }))).toBe("not_found");
  });

  it("exports AI verdicts only with --include-ai-judgments: byte-identical without, as documented with", async () => {
    const { ids } = await build();
    const cli = async (...args: string[]) => {
      let err = "";
      const target = kind === "sqlite" ? ["--db", t.file] : ["--database-url", t.file];
      const code = await main([...args, ...target], { out: () => {}, err: (s) => (err += s) });
      expect(code, err).toBe(0);
    };
    const exported = async (file: string, ...args: string[]) => {
      await cli("export", "--project", "pw", "--out", path.join(dir, file), ...args);
      return fs.readFileSync(path.join(dir, file), "utf8");
    };
    const lines = (text: string) => text.trim().split("\n").map((l) => JSON.parse(l) as Record<string, unknown>);
    const shapes = [
      ["dpo", "--format", "trl-dpo"],
      ["kto", "--format", "trl-kto"],
      ["raw", "--format", "raw", "--reveal-annotators"],
      ["rawcsv", "--format", "raw", "--reveal-annotators", "--file-format", "csv"],
    ];
    const before = new Map<string, string>();
    for (const [name, ...args] of shapes) before.set(name, await exported(`${name}-before`, ...args));
    // Asked for before any judge ran: the same file.
    expect(await exported("dpo-ai-none", "--format", "trl-dpo", "--include-ai-judgments")).toBe(before.get("dpo"));

    const run = await launchJudgeRun({ ctx: t.system, input: { slug: "pw", judge: "fair" } });
    await finished(run.run.id);
    for (const [name, ...args] of shapes) expect(await exported(`${name}-after`, ...args), name).toBe(before.get(name));

    // raw: the human rows as before plus their source, then a row per AI verdict.
    const raw = lines(await exported("raw-ai", "--format", "raw", "--reveal-annotators", "--include-ai-judgments"));
    const humanRows = raw.filter((r) => r.source === "human");
    expect(humanRows.map(({ source: _s, judge: _j, ai_judgment_id: _a, position_consistent: _p, judge_answers: _x, ...rest }) => rest)).toEqual(lines(before.get("raw")!));
    expect(humanRows.every((r) => r.judge === null && r.ai_judgment_id === null)).toBe(true);
    const aiRows = raw.filter((r) => r.source === "judge");
    expect(raw).toHaveLength(humanRows.length + aiRows.length);
    expect(aiRows.map((r) => r.item_external_id)).toEqual(Array.from({ length: MUTE }, (_, i) => `q${i}`));
    aiRows.forEach((r, i) => {
      const verdict = BIASED.has(i) || i === TIED ? "tie" : goodAt(i) === 0 ? "A" : "B";
      expect(r, `item ${i}`).toMatchObject({ judgment_id: null, annotator: null, judge: "fair", type: "pairwise", verdict, item_id: ids[i], position_consistent: !BIASED.has(i), models: ["m0", "m1"] });
      expect(r.winner_model).toBe(verdict === "tie" ? null : verdict === "A" ? "m0" : "m1");
      const answers = r.judge_answers as { as_shown: string; swapped: string };
      expect(parseJudgeAnswer(answers.as_shown)).not.toBeNull();
      expect(parseJudgeAnswer(answers.swapped)).not.toBeNull();
    });
    const csv = (await exported("raw-ai.csv", "--format", "raw", "--include-ai-judgments", "--file-format", "csv")).split("\n");
    expect(csv[0]).toMatch(/,source,judge,ai_judgment_id,position_consistent,judge_answers$/);
    expect(csv.filter((l) => l.includes(",judge,fair,"))).toHaveLength(MUTE);

    // Pair formats: each judge's verdict is one more vote. Items 2 and 5 (humans split) now have a
    // majority with the judge; item 10 (no humans, the judge's tie) still has no winner.
    const dpoBefore = lines(before.get("dpo")!);
    const dpo = lines(await exported("dpo-ai", "--format", "trl-dpo", "--include-ai-judgments"));
    expect(dpoBefore).toHaveLength(HUMAN_ITEMS - 2);
    expect(dpo).toHaveLength(HUMAN_ITEMS);
    expect(dpo.filter((r) => !dpoBefore.some((b) => JSON.stringify(b) === JSON.stringify(r))).map((r) => r.prompt)).toEqual(["Question 2", "Question 5"]);
    expect(dpo.every((r) => String(r.chosen).startsWith("good"))).toBe(true);
    // Unanimous: the judge's tie on items 8 and 9 now breaks the humans' agreement there.
    const unanimous = lines(await exported("dpo-ai-u", "--format", "trl-dpo", "--policy", "unanimous", "--include-ai-judgments"));
    expect(unanimous.map((r) => r.prompt)).toEqual(["Question 0", "Question 1", "Question 3", "Question 4", "Question 6", "Question 7"]);
    // sft ignores the option: its unanimous winners are the humans' (8 and 9 among them).
    const sft = await exported("sft", "--format", "sft", "--sft-winners");
    expect(lines(sft)).toHaveLength(HUMAN_ITEMS - 2);
    expect(await exported("sft-ai", "--format", "sft", "--sft-winners", "--include-ai-judgments")).toBe(sft);
  });

  it("slices judge vs humans by an item's metadata key, or its candidates' values; stats, CLI JSON and CSV agree", async () => {
    const { humans, ids } = await build();
    const run = await launchJudgeRun({ ctx: t.system, input: { slug: "pw", judge: "fair" } });
    await finished(run.run.id);
    const runs: JudgeRun[] = [];
    for (let i = 0; i < MUTE; i++) {
      const straight = BIASED.has(i) ? "A" : i === TIED ? "tie" : goodAt(i) === 0 ? "A" : "B";
      const swapped = BIASED.has(i) ? "A" : i === TIED ? "tie" : goodAt(i) === 0 ? "B" : "A";
      runs.push({ judge: "fair", item: String(ids[i]), swapped: false, choice: straight }, { judge: "fair", item: String(ids[i]), swapped: true, choice: swapped });
    }
    const slice = new Map(ids.map((id, i) => [String(id), category(i)]));
    const [pure] = judgeAgreement(humans, runs, { rounds: 100, seed: 3, slice });

    const stats = await projectStats({ ctx: t.system, input: { slug: "pw", by: "category", rounds: 100, seed: 3 } });
    expect(stats.item_metadata_keys).toEqual(["category"]);
    const [judge] = stats.judges!;
    const figures = ({ n, kappa, kappa_ci_low, kappa_ci_high, accuracy, accuracy_ci_low, accuracy_ci_high, position_consistency }: JudgeAgreement) =>
      ({ n, kappa, kappa_ci_low, kappa_ci_high, accuracy, accuracy_ci_low, accuracy_ci_high, position_consistency });
    expect(judge).toEqual({ name: "fair", ...figures(pure), slices: pure.slices!.map((s) => ({ value: s.value, ...figures(s) })) });
    // By hand: math = items 0–5 (2 and 5 without a majority): 4 items, all right; prose = 6–10 with a
    // majority on 6–9: right on 6, 7, wrong (a flip, so a tie) on 8, 9; 10 has no humans.
    expect(judge.slices!.map((s) => [s.value, s.n, s.accuracy, s.position_consistency])).toEqual([
      ["math", 4, 1, 1],
      ["prose", 4, 0.5, 3 / 5],
    ]);
    expect(judge.accuracy).toBeCloseTo(6 / 8, 12);

    // A candidate key: the two models of every item differ, so one slice "m0 vs m1".
    const byModel = await projectStats({ ctx: t.system, input: { slug: "pw", by: "model", rounds: 100, seed: 3 } });
    expect(byModel.judges![0].slices!.map((s) => [s.value, s.n])).toEqual([["m0 vs m1", 8]]);
    // Without `by`: no slices.
    expect((await projectStats({ ctx: t.system, input: { slug: "pw", rounds: 100, seed: 3 } })).judges![0].slices).toBeUndefined();

    const csv = statsCsv(stats, "judges").trim().split("\n");
    expect(csv[0]).toBe("judge,key,value,n,kappa,kappa_ci_low,kappa_ci_high,accuracy,accuracy_ci_low,accuracy_ci_high,position_consistency");
    expect(csv.slice(1).map((l) => l.split(",").slice(0, 4))).toEqual([
      ["fair", "", "", "8"],
      ["fair", "category", "math", "4"],
      ["fair", "category", "prose", "4"],
    ]);

    let out = "";
    const target = kind === "sqlite" ? ["--db", t.file] : ["--database-url", t.file];
    expect(await main(["stats", "--project", "pw", "--by", "category", "--rounds", "100", "--seed", "3", "--json", ...target], { out: (s) => (out += s), err: () => {} })).toBe(0);
    expect((JSON.parse(out) as { judges: unknown }).judges).toEqual(stats.judges);
  });
});
