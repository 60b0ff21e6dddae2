// AI judges in Chromium against the production server: an admin adds an endpoint (the project's own
// model server) and a judge over HTTP, starts a judge run from the project's admin page and watches it
// finish; the manager's dashboard then shows the judge panel with the stats API's figures, overall and
// per metadata slice, and its CSV; on a phone the panel's table scrolls in its own box.
import fs from "node:fs";
import { Readable } from "node:stream";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { importItems } from "@/lib/services/importer";
import type { JudgeRunView } from "@/lib/services/judges";
import { createProject } from "@/lib/services/projects";
import type { JudgeSliceRow, ProjectStats } from "@/lib/stats/types";
import { chromiumOrSkip, launchChromium } from "../helpers/chromium";
import { startModelServer, type ModelServer } from "../helpers/model-server";
import { api, JSON_TYPE, serverInfo, signIn, systemCtx } from "../helpers/server";

const executable = chromiumOrSkip();
const SLUG = "judges-e2e";
const ITEMS = 12;
/** The judge gives no verdict on this item (a failure the run reports). */
const MUTE = 11;
/** The judge always says "[[A]]" here: a flip with the order, so a position-inconsistent tie. */
const BIASED = new Set([8, 9]);
const goodAt = (i: number) => i % 2;
const category = (i: number) => (i < 6 ? "math" : "prose");

function judgeAnswer(prompt: string): string | undefined {
  const m = /\[User request\]\nJudge question (\d+)\n\n\[Response A\]\n(.*)\n\n\[Response B\]\n/s.exec(prompt);
  if (!m) return undefined;
  const i = Number(m[1]);
  if (i === MUTE) return "Hard to say.";
  if (BIASED.has(i)) return "The first. [[A]]";
  return m[2].startsWith("good") ? "A is right. [[A]]" : "B is right. [[B]]";
}

/** Items with a good and a poor response; ada always prefers the good one, bo too except on items 2 and 5 (a tie: no majority). */
function records() {
  return Array.from({ length: ITEMS }, (_, i) => ({
    id: `jq${i}`,
    prompt: `Judge question ${i}`,
    metadata: { category: category(i) },
    responses: [0, 1].map((position) => ({ content: position === goodAt(i) ? `good answer ${i}` : `poor answer ${i}`, model: `model-${position}` })),
    annotations: [
      { annotator: "ada", choice: goodAt(i) === 0 ? "A" : "B" },
      { annotator: "bo", choice: i === 2 || i === 5 ? "tie" : goodAt(i) === 0 ? "A" : "B" },
    ],
  }));
}

const three = (x: number | null) => (x === null ? "–" : x.toFixed(3));
const percent = (x: number | null) => (x === null ? "–" : `${(100 * x).toFixed(1)}%`);
const interval = (low: number | null, high: number | null, f: (x: number | null) => string) => (low === null || high === null ? "–" : `${f(low)} – ${f(high)}`);

/** The cells the panel should show for a judge or a slice, written out independently of the page's formatters. */
function expectedCells(r: Omit<JudgeSliceRow, "value">): string[] {
  return [String(r.n), three(r.kappa), interval(r.kappa_ci_low, r.kappa_ci_high, three), percent(r.accuracy), interval(r.accuracy_ci_low, r.accuracy_ci_high, percent), percent(r.position_consistency)];
}

describe.skipIf(!executable)("AI judges: a judge run from the admin page, the judge panel on the dashboard", () => {
  let browser: Browser;
  let model: ModelServer;

  beforeAll(async () => {
    model = await startModelServer({ answer: ({ prompt }) => judgeAnswer(prompt) });
    const ctx = systemCtx();
    await createProject({ ctx, input: { status: "active", slug: SLUG, name: "Judges E2E", overlap: 2 } });
    const text = records().map((r) => JSON.stringify(r)).join("\n") + "\n";
    expect(await importItems({ ctx, input: { slug: SLUG, source: () => Readable.from([text]) } })).toMatchObject({ inserted: ITEMS, annotations: 2 * ITEMS, error_count: 0 });
    await ctx.db.close();
    browser = await launchChromium(executable!);
  });
  afterAll(async () => {
    await browser?.close();
    await model?.close();
  });

  async function call(method: string, path: string, body?: unknown, token = serverInfo().users.admin.token) {
    const res = await api(path, { method, token, headers: JSON_TYPE, body: body === undefined ? undefined : JSON.stringify(body) });
    return { status: res.status, json: (await res.json()) as Record<string, unknown> };
  }

  it("starts a judge run from the project's admin page and follows it to the end; the API reports the same run", async () => {
    expect((await call("POST", "/api/v1/endpoints", { name: "judges-e2e-local", base_url: model.baseUrl, model: "judge", max_concurrency: 4 })).status).toBe(201);
    expect((await call("POST", "/api/v1/judges", { name: "e2e-judge", endpoint: "judges-e2e-local" })).status).toBe(201);
    // Before any run the dashboard has no judge panel.
    const before = (await call("GET", `/api/v1/projects/${SLUG}/stats`, undefined, serverInfo().users.manager.token)).json as unknown as ProjectStats;
    expect(before.judges).toBeUndefined();

    const { admin } = serverInfo().users;
    const page = await (await browser.newContext()).newPage();
    await signIn(page, admin.email, admin.password);
    await page.goto(serverInfo().baseUrl + `/admin/projects/${SLUG}`);
    const form = page.getByRole("form", { name: "Start a judge run" });
    await form.getByLabel("Judge", { exact: true }).selectOption("e2e-judge");
    // A bad limit is named beside its field, and nothing starts.
    await form.getByLabel(/Most items/).fill("0");
    await form.evaluate((f: HTMLFormElement) => f.setAttribute("novalidate", ""));
    await page.getByTestId("judge-run-start").click();
    await expect.poll(() => page.getByTestId("judge-run-limit-error").innerText()).toMatch(/at least 1/);
    expect(model.totalRequests()).toBe(0);

    await form.getByLabel(/Most items/).fill("");
    await page.getByTestId("judge-run-start").click();
    const status = page.getByTestId("judge-run-status");
    await status.and(page.locator("[data-status=done]")).waitFor({ timeout: 60_000 });
    expect(await status.innerText()).toMatch(new RegExp(`done, ${ITEMS - 1} of ${ITEMS} item\\(s\\) judged, 1 failed`));
    await status.getByText(/Failed items/).click();
    expect(await page.getByTestId("judge-run-failures").innerText()).toMatch(/jq11: .*no verdict/);
    // The page refreshed with the run in its list.
    await expect.poll(() => page.getByTestId("judge-runs").locator("tbody tr").count()).toBe(1);
    expect(model.totalRequests()).toBe(2 * ITEMS);

    const listed = (await call("GET", `/api/v1/projects/${SLUG}/judge-runs`)).json.judge_runs as JudgeRunView[];
    expect(listed).toHaveLength(1);
    expect(listed[0]).toMatchObject({ judge: "e2e-judge", project: SLUG, status: "done", items: ITEMS, judged: ITEMS - 1, failed: 1, failures: [{ item: `jq${MUTE}` }] });
    const one = await call("GET", `/api/v1/judge-runs/${listed[0].id}`);
    expect(one.json.judge_run).toEqual(listed[0]);
    expect((await call("DELETE", `/api/v1/judge-runs/${listed[0].id}`)).status).toBe(409);
    // Managers read the panel but start no run.
    expect((await call("POST", `/api/v1/projects/${SLUG}/judge-runs`, { judge: "e2e-judge" }, serverInfo().users.manager.token)).status).toBe(403);
  });

  it("shows the judge panel with the stats API's figures, overall and per slice, and downloads it as CSV", async () => {
    const { manager } = serverInfo().users;
    const stats = (await call("GET", `/api/v1/projects/${SLUG}/stats?by=category`, undefined, manager.token)).json as unknown as ProjectStats;
    const [judge] = stats.judges!;
    // By hand: 11 items judged, 9 with a human majority (not 2, 5); of those, items 8 and 9 flipped (a tie against the humans).
    expect(judge).toMatchObject({ name: "e2e-judge", n: 9, accuracy: 7 / 9, position_consistency: 9 / 11 });
    expect(judge.slices!.map((s) => [s.value, s.n])).toEqual([
      ["math", 4],
      ["prose", 5],
    ]);

    const page = await (await browser.newContext({ acceptDownloads: true })).newPage();
    await signIn(page, manager.email, manager.password);
    await page.goto(serverInfo().baseUrl + `/manage/${SLUG}`);
    await page.getByRole("navigation", { name: "Dashboard sections" }).getByRole("link", { name: "Judges" }).click();
    await page.waitForURL(/#judges$/);
    const panel = page.getByRole("region", { name: "Judge vs humans", exact: true });
    expect(await panel.getByTestId(`judge-e2e-judge-slice`).count()).toBe(0);
    // Slicing by the items' category, through the panel's own form.
    await panel.getByLabel("Slice by").selectOption("category");
    await panel.getByTestId("judge-slice-show").click();
    await page.waitForURL(/by=category/);
    const table = page.getByTestId("judge-table");
    expect(await table.locator("thead th").allInnerTexts()).toEqual(["Judge / category", "n", "Cohen's kappa", "95% interval", "Accuracy", "95% interval", "Position-consistent"]);
    const cells = async (row: ReturnType<typeof page.getByTestId>) => (await row.locator("td").allInnerTexts()).map((s) => s.trim());
    expect(await cells(page.getByTestId("judge-e2e-judge"))).toEqual(expectedCells(judge));
    const slices = page.getByTestId("judge-e2e-judge-slice");
    expect(await slices.evaluateAll((rows) => rows.map((r) => r.getAttribute("data-slice")))).toEqual(["math", "prose"]);
    for (const [i, s] of judge.slices!.entries()) expect(await cells(slices.nth(i)), String(s.value)).toEqual(expectedCells(s));

    const [download] = await Promise.all([page.waitForEvent("download"), panel.getByTestId("csv-judges").click()]);
    expect(download.suggestedFilename()).toBe(`${SLUG}-judges.csv`);
    const csv = fs.readFileSync((await download.path())!, "utf8").trim().split("\n");
    expect(csv[0]).toBe("judge,key,value,n,kappa,kappa_ci_low,kappa_ci_high,accuracy,accuracy_ci_low,accuracy_ci_high,position_consistency");
    expect(csv.slice(1).map((l) => l.split(",").slice(0, 4))).toEqual([
      ["e2e-judge", "", "", "9"],
      ["e2e-judge", "category", "math", "4"],
      ["e2e-judge", "category", "prose", "5"],
    ]);
    expect(Number(csv[1].split(",")[4])).toBeCloseTo(judge.kappa!, 9);
  });

  it("fits a phone: the judge table scrolls inside its own box, which the keyboard reaches", async () => {
    const context = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
    const page = await context.newPage();
    const { manager } = serverInfo().users;
    await signIn(page, manager.email, manager.password);
    await page.goto(serverInfo().baseUrl + `/manage/${SLUG}?by=category#judges`, { waitUntil: "networkidle" });
    const box = page.getByTestId("judge-scroll");
    await box.waitFor();
    const whole = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, inner: window.innerWidth }));
    expect(whole.scroll).toBeLessThanOrEqual(whole.inner);
    expect(await box.evaluate((el) => el.scrollWidth > el.clientWidth)).toBe(true);
    await page.getByTestId("judge-slice-show").focus();
    await page.keyboard.press("Tab");
    expect(await page.evaluate(() => document.activeElement?.getAttribute("data-testid"))).toBe("judge-scroll");
    for (let i = 0; i < 5; i++) await page.keyboard.press("ArrowRight");
    await expect.poll(() => box.evaluate((el) => el.scrollLeft)).toBeGreaterThan(0);
    await context.close();
  });
});
