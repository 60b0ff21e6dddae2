// GET /api/v1/projects/{slug}/stats and stats.csv against the running server: who may read them,
// the documented keys, a breakdown, and CSV tables.
import { Readable } from "node:stream";
import { beforeAll, describe, expect, it } from "vitest";
import { createProject } from "@/lib/services/projects";
import { importItems } from "@/lib/services/importer";
import { api, serverInfo, systemCtx } from "../helpers/server";

const SLUG = "http-stats";

beforeAll(async () => {
  const ctx = systemCtx();
  await createProject({ ctx, input: { status: "active", slug: SLUG, name: "HTTP stats", overlap: 2 } });
  const outcomes = [["A", "A"], ["A", "B"], ["B", "B"], ["tie", "A"]];
  const records = outcomes.map(([first, second], i) => ({
    id: `s${i}`,
    prompt: `Prompt ${i}`,
    responses: [
      { content: `left ${i}`, model: "model-left", metadata: { temperature: 0.1, latency_ms: 100 + i } },
      { content: `right ${i}`, model: "model-right", metadata: { temperature: 0.9, latency_ms: 300 } },
    ],
    annotations: [
      { annotator: "rater-one", choice: first },
      { annotator: "rater-two", choice: second },
    ],
  }));
  const text = records.map((r) => JSON.stringify(r)).join("\n") + "\n";
  await importItems({ ctx, input: { slug: SLUG, source: () => Readable.from([text]) } });
  await ctx.db.close();
});

describe("GET /api/v1/projects/{slug}/stats", () => {
  it("refuses an anonymous caller with 401 and an annotator with 403", async () => {
    expect((await api(`/api/v1/projects/${SLUG}/stats`)).status).toBe(401);
    const res = await api(`/api/v1/projects/${SLUG}/stats`, { token: serverInfo().users.annotator.token });
    expect(res.status).toBe(403);
    expect((await res.json()).error.code).toBe("forbidden");
    expect((await api(`/api/v1/projects/${SLUG}/stats.csv?table=annotators`, { token: serverInfo().users.annotator.token })).status).toBe(403);
  });

  it("gives a manager the documented JSON", async () => {
    const res = await api(`/api/v1/projects/${SLUG}/stats`, { token: serverInfo().users.manager.token });
    expect(res.status).toBe(200);
    const stats = await res.json();
    for (const key of ["items", "judgments", "complete_items", "agreement", "annotators", "leaderboard", "win_rates", "progress", "breakdown"]) {
      expect(stats, key).toHaveProperty(key);
    }
    expect([stats.items, stats.judgments, stats.complete_items, stats.breakdown]).toEqual([4, 8, 4, null]);
    for (const key of ["percent", "percent_no_ties", "cohen_kappa", "fleiss_kappa", "krippendorff_alpha_nominal", "krippendorff_alpha_ordinal"]) {
      expect(stats.agreement, key).toHaveProperty(key);
    }
    // Agreeing pairs: items 0 and 2 of 4; without ties: 2 of 3.
    expect(stats.agreement.percent).toBeCloseTo(0.5, 12);
    expect(stats.agreement.percent_no_ties).toBeCloseTo(2 / 3, 12);
    expect(stats.agreement.cohen_kappa).toEqual([{ a: "rater-one@external.invalid", b: "rater-two@external.invalid", kappa: expect.any(Number), n: 4 }]);
    expect(stats.annotators.map((a: { name: string; judgments: number }) => [a.name, a.judgments])).toEqual([
      ["rater-one", 4],
      ["rater-two", 4],
    ]);
    expect(stats.leaderboard.map((r: { model: string; wins: number; losses: number; ties: number; rank: number }) => [r.model, r.wins, r.losses, r.ties])).toEqual([
      ["model-left", 4, 3, 1],
      ["model-right", 3, 4, 1],
    ]);
    for (const key of ["rating", "ci_low", "ci_high", "rank"]) expect(stats.leaderboard[0], key).toHaveProperty(key);
  });

  it("adds a breakdown with by=KEY and names a bad option", async () => {
    const token = serverInfo().users.admin.token;
    const stats = await (await api(`/api/v1/projects/${SLUG}/stats?by=temperature`, { token })).json();
    expect(stats.breakdown.key).toBe("temperature");
    expect(stats.breakdown.rows.map((r: { value: number; n: number }) => [r.value, r.n])).toEqual([
      [0.1, 8],
      [0.9, 8],
    ]);
    const bad = await api(`/api/v1/projects/${SLUG}/stats?rounds=lots`, { token });
    expect(bad.status).toBe(400);
    expect((await bad.json()).error.message).toMatch(/rounds/);
    expect((await api(`/api/v1/projects/no-such-project/stats`, { token })).status).toBe(404);
  });

  it("serves each table as CSV", async () => {
    const token = serverInfo().users.manager.token;
    const res = await api(`/api/v1/projects/${SLUG}/stats.csv?table=leaderboard`, { token });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/text\/csv/);
    expect(res.headers.get("content-disposition")).toContain(`${SLUG}-leaderboard.csv`);
    const lines = (await res.text()).trim().split("\n");
    expect(lines[0]).toBe("rank,model,rating,ci_low,ci_high,wins,losses,ties,both_bad,n");
    expect(lines[1]).toMatch(/^1,model-left,/);
    const kappa = await (await api(`/api/v1/projects/${SLUG}/stats.csv?table=kappa`, { token })).text();
    expect(kappa.split("\n")[1]).toMatch(/^rater-one@external\.invalid,rater-two@external\.invalid,/);
    const breakdown = await (await api(`/api/v1/projects/${SLUG}/stats.csv?table=breakdown&by=temperature`, { token })).text();
    expect(breakdown.split("\n")[0]).toBe("temperature,win_rate,ci_low,ci_high,n,wins,losses,ties,both_bad,n_same,latency_ms_mean,latency_ms_p95");
    const missing = await api(`/api/v1/projects/${SLUG}/stats.csv?table=breakdown`, { token });
    expect(missing.status).toBe(400);
    expect((await missing.json()).error.message).toMatch(/by/);
    expect((await api(`/api/v1/projects/${SLUG}/stats.csv?table=nope`, { token })).status).toBe(400);
  });
});
