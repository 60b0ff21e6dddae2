// The contender leaderboard in the project statistics, on every engine: responses whose candidate
// metadata names a contender (as generation stores them), human pairwise judgments with ratings,
// and the rows `projectStats`, `arbiter stats --json` and the CSV give — checked against the pure
// contenderLeaderboard fed with the same data built here, and against figures worked out by hand.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { at, dynamicQuery, jsonText } from "@/db/engine";
import { contenderLeaderboard, type ContenderComparison, type ContenderKey, type ContenderRating, type ContenderResponse, type Verdict } from "@/lib/stats";
import { statsCsv } from "@/lib/formats/stats-csv";
import { clearStatsCache, projectStats } from "@/lib/services/stats";
import { main } from "@/lib/cli/main";
import { ENGINES, makeProject, tempDbOn, type TempDb } from "../helpers/db";
import { insertCandidate, insertItem, insertJudgment, insertUser } from "../helpers/rows";

const DAY1 = Date.UTC(2026, 0, 5, 9);

describe.each(ENGINES)("contender leaderboard in project statistics on %s", (kind) => {
  let t: TempDb;
  beforeEach(async () => {
    t = await tempDbOn(kind);
  });
  afterEach(async () => {
    await t.close();
    clearStatsCache();
  });

  /**
   * 12 generated items: base@v1 against tuned@v1 (items 0–5) or tuned@v2 (items 6–11), first
   * position alternating; two annotators judge each; the second also rates `accuracy` of both
   * responses. Plus two imported items (no contender) judged the same way, which must not count.
   * `importedBefore` items without responses come first.
   */
  async function build({ importedBefore = 0 }: { importedBefore?: number } = {}) {
    const project = await makeProject(t, { slug: "gen", overlap: 2 });
    // (Items imported before the generated ones, without responses: a project that was imported first.)
    for (let i = 0; i < importedBefore; i++) await insertItem(t.db, { projectId: project.id, externalId: `old${i}`, prompt: `Old prompt ${i}` });
    const u1 = (await insertUser(t, "annotator", "u1@test.local")).caller.userId;
    const u2 = (await insertUser(t, "annotator", "u2@test.local")).caller.userId;
    const comparisons: ContenderComparison[] = [];
    const responses: ContenderResponse[] = [];
    const ratings: ContenderRating[] = [];
    const base: ContenderKey = { contender: "base", version: 1 };
    for (let i = 0; i < 14; i++) {
      const imported = i >= 12;
      const tuned: ContenderKey = { contender: "tuned", version: i < 6 ? 1 : 2 };
      const itemId = await insertItem(t.db, { projectId: project.id, externalId: `p${i}`, prompt: `Prompt ${i}`, judgmentCount: 2 });
      const order = i % 2 === 0 ? [base, tuned] : [tuned, base];
      const ids: number[] = [];
      for (const [position, key] of order.entries()) {
        const measured = {
          latency_ms: key === base ? 400 + 10 * i : 900 + 20 * i,
          ttft_ms: key === base ? 50 : 120,
          completion_tokens: key === base ? 100 + i : 180 + i,
          cost_usd: key === base ? 0.0002 : 0.0011,
        };
        const metadata = imported ? { latency_ms: 1 } : { contender: key.contender, contender_version: key.version, prompt_tokens: 20, finish_reason: "stop", ...measured };
        ids.push(await insertCandidate(t.db, { itemId, position, content: `${key.contender} answer ${i}`, model: `${key.contender}-model`, metadata }));
        if (!imported) responses.push({ ...key, ...measured });
      }
      // tuned@v2 wins 5 of 6, tuned@v1 3 of 6; annotator 2 calls item 3 and item 9 a tie.
      const tunedWins = i < 6 ? i % 2 === 0 : i !== 7;
      for (const user of [u1, u2]) {
        const tie = user === u2 && (i === 3 || i === 9);
        const winnerPosition = tunedWins === (order[0] === tuned) ? 0 : 1;
        const winner = tie ? null : ids[winnerPosition];
        const slotOrder = user === u1 ? [ids[0], ids[1]] : [ids[1], ids[0]];
        const choice = winner === null ? "tie" : slotOrder[0] === winner ? "A" : "B";
        const rated = user === u2 ? { [String(ids[0])]: { accuracy: 3 + (i % 3) }, [String(ids[1])]: { accuracy: 2 } } : undefined;
        await insertJudgment(t.db, {
          projectId: project.id,
          itemId,
          userId: user,
          choice,
          winnerCandidateId: winner,
          slotOrder,
          payload: { type: "pairwise", choice, winner, ...(rated ? { ratings: rated } : {}) },
          source: "app",
          createdAt: DAY1 + i * 60_000 + (user === u2 ? 1000 : 0),
        });
        if (imported) continue;
        const verdict: Verdict = tie ? "tie" : winnerPosition === 0 ? "A" : "B";
        comparisons.push({ a: order[0], b: order[1], verdict });
        if (rated) {
          ratings.push({ ...order[0], item: `${itemId}:${ids[0]}`, criterion: "accuracy", value: 3 + (i % 3) });
          ratings.push({ ...order[1], item: `${itemId}:${ids[1]}`, criterion: "accuracy", value: 2 });
        }
      }
    }
    return { project, comparisons, responses, ratings };
  }

  it("gives the leaderboard the pure function gives on the same data, versions in order", async () => {
    const { comparisons, responses, ratings } = await build();
    const stats = await projectStats({ ctx: t.system, input: { slug: "gen", rounds: 50, seed: 3 } });
    expect(stats.metadata_keys).toContain("contender");
    // Comparisons in item order, as the service reads judgments, fix the bootstrap draws alike.
    expect(stats.contenders).toEqual(contenderLeaderboard({ comparisons, responses, ratings }, { rounds: 50, seed: 3 }));
    expect(stats.contenders.map((r) => [r.name, r.n])).toEqual([
      ["tuned@v1", 12],
      ["tuned@v2", 12],
      ["base@v1", 24],
    ]);
    const [v1, v2, base] = stats.contenders;
    // tuned@v2: 5 of 6 items won by both annotators, item 9 won by one and tied by the other.
    expect(v2.win_rate).toBeCloseTo((2 * 4 + 1 + 0.5) / 12, 12);
    // tuned@v1 wins items 0, 2, 4 with both annotators; item 3 is a loss and a tie.
    expect(v1.win_rate).toBeCloseTo((2 * 3 + 0.5) / 12, 12);
    expect(v2.rating!).toBeGreaterThan(v1.rating!);
    expect(base.rating!).toBeLessThan(v1.rating!);
    expect(v2.ci_low!).toBeLessThan(v2.rating!);
    // base latencies 400 + 10·i for i = 0…11: median 455, p90 at 9.9 → 499.
    expect(base.median_latency_ms).toBe(455);
    expect(base.p90_latency_ms).toBeCloseTo(499, 9);
    expect(base.median_ttft_ms).toBe(50);
    expect(base.mean_completion_tokens).toBeCloseTo(105.5, 12);
    expect(v2.cost_per_1k_usd).toBeCloseTo(1.1, 12);
    expect(Object.keys(v2.ratings)).toEqual(["accuracy"]);
    expect(v2.ratings.accuracy.n).toBe(6);
  });

  it("is in `arbiter stats --json`, its text table and the CSV download, and empty for a project of imported responses", async () => {
    await build();
    let out = "";
    const code = await main(["stats", "--project", "gen", "--rounds", "0", "--json", ...(kind === "sqlite" ? ["--db", t.file] : ["--database-url", t.file])], { out: (s) => (out += s), err: () => {} });
    expect(code).toBe(0);
    const json = JSON.parse(out) as { contenders: { name: string; rating: number; ratings: Record<string, unknown> }[] };
    expect(json.contenders.map((r) => r.name)).toEqual(["tuned@v1", "tuned@v2", "base@v1"]);
    expect(Object.keys(json.contenders[0])).toEqual([
      "name",
      "rating",
      "ci_low",
      "ci_high",
      "win_rate",
      "n",
      "median_latency_ms",
      "p90_latency_ms",
      "median_ttft_ms",
      "mean_completion_tokens",
      "cost_per_1k_usd",
      "ratings",
    ]);
    let text = "";
    expect(await main(["stats", "--project", "gen", "--rounds", "0", ...(kind === "sqlite" ? ["--db", t.file] : ["--database-url", t.file])], { out: (s) => (text += s), err: () => {} })).toBe(0);
    const table = text.slice(text.indexOf("Contenders ("));
    expect(table).toMatch(/contender\s+rating\s+95% CI\s+win rate\s+n\s+p50 latency\s+p90 latency\s+TTFT\s+tokens\s+\$\/1k\s+accuracy/);
    // base@v1: 24 comparisons, p50 455 ms, p90 499 ms, TTFT 50 ms, 105.5 tokens, $0.20 per 1,000.
    expect(table).toMatch(/base@v1\s.*\s24\s+455\s+499\s+50\s+105\.5\s+0\.2000\s/);
    const stats = await projectStats({ ctx: t.system, input: { slug: "gen", rounds: 0 } });
    const csv = statsCsv(stats, "contenders").split("\n");
    expect(csv[0]).toBe(
      "name,rating,ci_low,ci_high,win_rate,n,median_latency_ms,p90_latency_ms,median_ttft_ms,mean_completion_tokens,cost_per_1k_usd,accuracy_mean,accuracy_ci_low,accuracy_ci_high,accuracy_n",
    );
    expect(csv.slice(1, 4).map((line) => line.split(",")[0])).toEqual(["tuned@v1", "tuned@v2", "base@v1"]);

    const plain = await makeProject(t, { slug: "plain" });
    const itemId = await insertItem(t.db, { projectId: plain.id, externalId: "x", prompt: "P" });
    await insertCandidate(t.db, { itemId, position: 0, content: "a", model: "m1", metadata: { latency_ms: 5 } });
    await insertCandidate(t.db, { itemId, position: 1, content: "b", model: "m2" });
    expect((await projectStats({ ctx: t.system, input: { slug: "plain", rounds: 0 } })).contenders).toEqual([]);
  });

  it("finds the contenders of a generation run whose items come after hundreds of imported ones", async () => {
    const { project } = await build({ importedBefore: 600 });
    await t.db.exec(
      dynamicQuery(
        (d) => `insert into generation_runs (project_id, status, pairs, contenders, prompts, fingerprint, prompt_count, items_created, created_at)
          values (?, 'done', 'all', ${d.jsonParam}, ${d.jsonParam}, 'f', 12, 12, ?)`,
      ),
      [project.id, jsonText([{ contender: "base", version: 1, versionId: 1 }]), jsonText([]), at(DAY1)],
    );
    const stats = await projectStats({ ctx: t.system, input: { slug: "gen", rounds: 0 } });
    expect(stats.contenders.map((r) => [r.name, r.n])).toEqual([
      ["tuned@v1", 12],
      ["tuned@v2", 12],
      ["base@v1", 24],
    ]);
  });
});
