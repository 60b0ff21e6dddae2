// The contender leaderboard on the manager's dashboard in Chromium: a project whose responses carry
// contender metadata (as generation stores it) and imported judgments with ratings; the panel's rows
// and figures against the stats API, a few worked out by hand, the CSV download, and the table on a
// phone: the page does not scroll sideways, the table scrolls in its own box, reachable by keyboard.
import fs from "node:fs";
import { Readable } from "node:stream";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { importItems } from "@/lib/services/importer";
import { createProject } from "@/lib/services/projects";
import type { ProjectJudgmentSchema } from "@/lib/formats/judgment";
import type { ContenderRow, ProjectStats } from "@/lib/stats/types";
import { chromiumOrSkip, launchChromium } from "../helpers/chromium";
import { api, serverInfo, signIn, systemCtx } from "../helpers/server";

const executable = chromiumOrSkip();
const SLUG = "contenders-e2e";
const PLAIN = "contenders-none-e2e";

type Key = { contender: string; version?: number };
const BASE: Key = { contender: "base", version: 1 };
const TUNED1: Key = { contender: "tuned", version: 1 };
const TUNED2: Key = { contender: "tuned", version: 2 };
// No version, no TTFT and no cost recorded: its row shows – for those.
const LOCAL: Key = { contender: "local" };
// Responses but no judgments: no rating, interval or win rate yet.
const DRAFT: Key = { contender: "draft", version: 1 };

function measured(key: Key, i: number): Record<string, unknown> {
  const tuned = key.contender === "tuned";
  const m: Record<string, unknown> = {
    contender: key.contender,
    latency_ms: key === BASE ? 400 + 10 * i : tuned ? 900 + 20 * i : 1500,
    prompt_tokens: 20,
    completion_tokens: tuned ? 180 + i : 100 + i,
    finish_reason: "stop",
  };
  if (key.version !== undefined) m.contender_version = key.version;
  if (key !== LOCAL) {
    m.ttft_ms = tuned ? 120 : 50;
    m.cost_usd = tuned ? 0.0011 : 0.0002;
  }
  return m;
}

/** Items 0–5: base@v1 against tuned@v1; 6–11 against tuned@v2; 12–13 against local; 14 against draft (unjudged). */
function records() {
  return Array.from({ length: 15 }, (_, i) => {
    const other = i < 6 ? TUNED1 : i < 12 ? TUNED2 : i < 14 ? LOCAL : DRAFT;
    const order = i % 2 === 0 ? [BASE, other] : [other, BASE];
    // tuned@v1 wins half, tuned@v2 five of six, local loses both; bo calls item 3 a tie.
    const otherWins = i < 6 ? i % 2 === 0 : i < 12 ? i !== 7 : false;
    const winner = otherWins === (order[0] === other) ? "A" : "B";
    return {
      id: `c${i}`,
      prompt: `Prompt ${i}`,
      responses: order.map((key) => ({ content: `${key.contender} answer ${i}`, model: `${key.contender}-model`, metadata: measured(key, i) })),
      annotations:
        other === DRAFT
          ? []
          : [
              { annotator: "ada", choice: winner },
              { annotator: "bo", choice: i === 3 ? "tie" : winner, ratings: { A: { accuracy: 3 + (i % 3) }, B: { accuracy: 2 } } },
            ],
    };
  });
}

const one = (x: number | null) => (x === null ? "–" : x.toFixed(1));
const milliseconds = (x: number | null) => (x === null ? "–" : `${Math.round(x).toLocaleString("en-US")} ms`);
const dollars = (x: number | null) => (x === null ? "–" : `$${x.toPrecision(4)}`);

/** The cells the dashboard should show for one row, written out independently of the page's formatters. */
function expectedCells(r: ContenderRow): string[] {
  return [
    one(r.rating),
    r.ci_low === null || r.ci_high === null ? "–" : `${r.ci_low.toFixed(1)} – ${r.ci_high.toFixed(1)}`,
    r.win_rate === null ? "–" : `${(100 * r.win_rate).toFixed(1)}%`,
    String(r.n),
    milliseconds(r.median_latency_ms),
    milliseconds(r.p90_latency_ms),
    milliseconds(r.median_ttft_ms),
    one(r.mean_completion_tokens),
    dollars(r.cost_per_1k_usd),
    ...["accuracy"].map((c) => {
      const m = r.ratings[c];
      if (!m) return "–";
      return m.ci_low === null || m.ci_high === null ? m.mean.toFixed(2) : `${m.mean.toFixed(2)} (${m.ci_low.toFixed(2)} – ${m.ci_high.toFixed(2)})`;
    }),
  ];
}

describe.skipIf(!executable)("contender leaderboard on the dashboard", () => {
  let browser: Browser;

  beforeAll(async () => {
    const ctx = systemCtx();
    const judgmentSchema = { criteria: [{ key: "accuracy", label: "Accuracy", min: 1, max: 5 }] } as ProjectJudgmentSchema;
    await createProject({ ctx, input: { status: "active", slug: SLUG, name: "Contenders E2E", overlap: 2, judgmentSchema } });
    const text = records().map((r) => JSON.stringify(r)).join("\n") + "\n";
    const summary = await importItems({ ctx, input: { slug: SLUG, source: () => Readable.from([text]) } });
    expect(summary).toMatchObject({ inserted: 15, annotations: 28, error_count: 0 });
    // A project of imported responses without contenders: no panel.
    await createProject({ ctx, input: { status: "active", slug: PLAIN, name: "No contenders E2E", overlap: 1 } });
    const plain = JSON.stringify({ id: "n1", prompt: "Hi", responses: [{ content: "a", model: "m1" }, { content: "b", model: "m2" }] }) + "\n";
    await importItems({ ctx, input: { slug: PLAIN, source: () => Readable.from([plain]) } });
    await ctx.db.close();
    browser = await launchChromium(executable!);
  });
  afterAll(async () => {
    await browser?.close();
  });

  it("shows one row per contender version with the stats API's figures, and downloads the table as CSV", async () => {
    const { manager } = serverInfo().users;
    const res = await api(`/api/v1/projects/${SLUG}/stats`, { token: manager.token });
    expect(res.status).toBe(200);
    const stats = (await res.json()) as ProjectStats;
    const names = stats.contenders.map((r) => r.name);
    // Every version has a row; tuned's versions in order.
    expect([...names].sort()).toEqual(["base@v1", "draft@v1", "local", "tuned@v1", "tuned@v2"]);
    expect(names.indexOf("tuned@v1") + 1).toBe(names.indexOf("tuned@v2"));

    const page = await (await browser.newContext({ acceptDownloads: true })).newPage();
    await signIn(page, manager.email, manager.password);
    await page.goto(serverInfo().baseUrl + `/manage/${SLUG}`);
    await page.getByRole("navigation", { name: "Dashboard sections" }).getByRole("link", { name: "Contenders" }).click();
    await page.waitForURL(/#contenders$/);
    const panel = page.getByRole("region", { name: "Contenders", exact: true });
    await panel.getByTestId("contender-chart").locator("svg.recharts-surface").first().waitFor();

    const table = page.getByTestId("contender-table");
    expect(await table.locator("thead th").allInnerTexts()).toEqual([
      "Contender",
      "Rating",
      "95% interval",
      "Win rate",
      "n",
      "Median latency",
      "p90 latency",
      "Median TTFT",
      "Mean completion tokens",
      "Cost per 1,000",
      "accuracy mean (95% interval)",
    ]);
    const rows = table.locator("tbody tr");
    expect(await rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute("data-testid")))).toEqual(names.map((n) => `contender-${n}`));
    for (const r of stats.contenders) {
      const row = page.getByTestId(`contender-${r.name}`);
      expect((await row.locator("th").innerText()).trim()).toBe(r.name);
      expect((await row.locator("td").allInnerTexts()).map((s) => s.trim()), r.name).toEqual(expectedCells(r));
    }

    // Figures worked out by hand from the imported metadata and judgments.
    const cells = async (name: string) => (await page.getByTestId(`contender-${name}`).locator("td").allInnerTexts()).map((s) => s.trim());
    // tuned@v1: latency 900 + 20·i for items 0–5, so median 950 and p90 (linear) 990; TTFT 120; 180 + i tokens (mean 182.5); $0.0011 a response.
    const tuned1 = await cells("tuned@v1");
    expect(tuned1.slice(3, 9)).toEqual(["12", "950 ms", "990 ms", "120 ms", "182.5", "$1.100"]);
    // It wins items 0, 2, 4 with both annotators and item 3 is a tie for one: (6 + 0.5) / 12.
    expect(tuned1[2]).toBe("54.2%");
    // tuned@v2 wins 5 of 6 items, twice each.
    expect((await cells("tuned@v2"))[2]).toBe("83.3%");
    // local recorded neither TTFT nor cost; its latency is 1,500 ms.
    expect((await cells("local")).slice(3, 9)).toEqual(["4", "1,500 ms", "1,500 ms", "–", "112.5", "–"]);
    // draft has a response but no judgments.
    expect((await cells("draft@v1")).slice(0, 4)).toEqual(["–", "–", "–", "0"]);

    const [download] = await Promise.all([page.waitForEvent("download"), panel.getByTestId("csv-contenders").click()]);
    expect(download.suggestedFilename()).toBe(`${SLUG}-contenders.csv`);
    const csv = fs.readFileSync((await download.path())!, "utf8").trim().split("\n");
    expect(csv[0]).toBe(
      "name,rating,ci_low,ci_high,win_rate,n,median_latency_ms,p90_latency_ms,median_ttft_ms,mean_completion_tokens,cost_per_1k_usd,accuracy_mean,accuracy_ci_low,accuracy_ci_high,accuracy_n",
    );
    expect(csv.slice(1).map((line) => line.split(",")[0])).toEqual(names);
    const byName = new Map(csv.slice(1).map((line) => [line.split(",")[0], line.split(",")]));
    for (const r of stats.contenders) {
      const fields = byName.get(r.name)!;
      expect(Number(fields[5]), r.name).toBe(r.n);
      if (r.rating !== null) expect(Number(fields[1]), r.name).toBeCloseTo(r.rating, 6);
      if (r.cost_per_1k_usd !== null) expect(Number(fields[10]), r.name).toBeCloseTo(r.cost_per_1k_usd, 9);
    }

    // CONTENDERS_SCREENSHOT=FILE keeps a picture of the panel.
    if (process.env.CONTENDERS_SCREENSHOT) await panel.screenshot({ path: process.env.CONTENDERS_SCREENSHOT });

    // No contenders, no panel.
    await page.goto(serverInfo().baseUrl + `/manage/${PLAIN}`);
    await page.getByTestId("overview").waitFor();
    expect(await page.locator("#contenders").count()).toBe(0);
    expect(await page.getByRole("navigation", { name: "Dashboard sections" }).getByRole("link", { name: "Contenders" }).count()).toBe(0);
  });

  it("fits a phone: the table scrolls inside its own box, which the keyboard reaches and scrolls", async () => {
    const context = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
    const page = await context.newPage();
    const { manager } = serverInfo().users;
    await signIn(page, manager.email, manager.password);
    await page.goto(serverInfo().baseUrl + `/manage/${SLUG}#contenders`, { waitUntil: "networkidle" });
    const box = page.getByTestId("contender-scroll");
    await box.waitFor();
    const page_ = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, inner: window.innerWidth }));
    expect(page_.scroll).toBeLessThanOrEqual(page_.inner);
    const before = await box.evaluate((el) => ({ scroll: el.scrollWidth, client: el.clientWidth, left: el.scrollLeft }));
    expect(before.scroll).toBeGreaterThan(before.client);
    expect(before.left).toBe(0);

    // Tabbing on from the leaderboard's CSV link (past the rating chart) reaches the table's box; the arrow keys scroll it.
    await page.getByTestId("csv-leaderboard").focus();
    const focused = () => page.evaluate(() => document.activeElement?.getAttribute("data-testid") ?? document.activeElement?.tagName);
    const path: (string | undefined)[] = [];
    for (let i = 0; i < 4 && path.at(-1) !== "contender-scroll"; i++) {
      await page.keyboard.press("Tab");
      path.push(await focused());
    }
    expect(path.at(-1), path.join(" → ")).toBe("contender-scroll");
    for (let i = 0; i < 5; i++) await page.keyboard.press("ArrowRight");
    await expect.poll(() => box.evaluate((el) => el.scrollLeft)).toBeGreaterThan(0);
    await context.close();
  });
});
