// The manager's project dashboard in Chromium: from the progress overview to the dashboard, the
// kappa heat map, the annotator table (filtered and sorted), the leaderboard chart and table, a
// breakdown picked from the metadata keys, and a table downloaded as CSV.
import fs from "node:fs";
import { Readable } from "node:stream";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createProject } from "@/lib/services/projects";
import { importItems } from "@/lib/services/importer";
import { chromiumOrSkip, launchChromium } from "../helpers/chromium";
import { serverInfo, systemCtx, signIn } from "../helpers/server";

const executable = chromiumOrSkip();
const SLUG = "dashboard-e2e";
const RATERS = ["ada", "bo", "cy"];


describe.skipIf(!executable)("project dashboard", () => {
  let browser: Browser;

  beforeAll(async () => {
    const ctx = systemCtx();
    await createProject({ ctx, input: { status: "active", slug: SLUG, name: "Dashboard E2E", overlap: 3 } });
    const models = ["alpha", "beta", "gamma"];
    const records = Array.from({ length: 12 }, (_, i) => ({
      id: `d${i}`,
      prompt: `Prompt ${i}`,
      responses: [0, 1].map((side) => ({
        content: `answer ${side} to ${i}`,
        model: models[(i + side) % 3],
        metadata: { prompt_template: `t${(i + side) % 2}`, output_tokens: 10 * (i + side) },
      })),
      // Mostly agreeing; cy disagrees now and then.
      annotations: RATERS.map((annotator, r) => ({ annotator, choice: r === 2 && i % 3 === 0 ? "B" : i % 4 === 3 ? "tie" : "A" })),
    }));
    const text = records.map((r) => JSON.stringify(r)).join("\n") + "\n";
    await importItems({ ctx, input: { slug: SLUG, source: () => Readable.from([text]) } });
    await ctx.db.close();
    browser = await launchChromium(executable!);
  });
  afterAll(async () => {
    await browser?.close();
  });

  it("shows the heat map, annotators and leaderboard, and downloads a table as CSV", async () => {
    const page = await (await browser.newContext({ acceptDownloads: true })).newPage();
    const { manager } = serverInfo().users;
    await signIn(page, manager.email, manager.password);
    await page.goto(serverInfo().baseUrl + "/manage");
    await page.getByTestId(`project-row-${SLUG}`).getByRole("link", { name: "Dashboard E2E" }).click();
    await page.waitForURL(new RegExp(`/manage/${SLUG}$`));

    await expect.poll(() => page.getByTestId("overview").innerText()).toMatch(/Judgments\s*36/);
    await page.getByTestId("progress-chart").locator("svg.recharts-surface").first().waitFor();

    const heat = page.getByTestId("kappa-heatmap");
    await heat.waitFor();
    expect(await heat.locator("tbody tr").count()).toBe(3);
    expect(await page.getByTestId("kappa-ada@external.invalid-bo@external.invalid").innerText()).toMatch(/1\.00\s*\(12\)/);
    expect(await page.getByTestId("kappa-bo@external.invalid-cy@external.invalid").innerText()).toMatch(/\(12\)/);

    const table = page.getByTestId("annotator-table");
    expect(await table.locator("tbody tr").count()).toBe(3);
    await page.getByTestId("annotator-filter").fill("cy");
    await expect.poll(() => table.locator("tbody tr").count()).toBe(1);
    await page.getByTestId("annotator-filter").fill("");
    // Sorted by agreement with the majority, highest first: cy, who disagrees, comes last.
    await page.getByTestId("sort-majority_agreement").click();
    await expect.poll(() => table.locator("tbody tr").last().getAttribute("data-testid")).toBe("annotator-cy@external.invalid");

    await page.getByTestId("leaderboard-chart").locator("svg.recharts-surface").first().waitFor();
    const board = page.getByTestId("leaderboard-table");
    expect(await board.locator("tbody tr").count()).toBe(3);
    expect((await board.locator("tbody tr").first().locator("td").first().innerText()).trim()).toBe("1");

    await page.getByTestId("breakdown-key").selectOption("prompt_template");
    await page.getByTestId("breakdown-show").click();
    await page.waitForURL(/by=prompt_template/);
    expect(await page.getByTestId("breakdown-table").locator("tbody tr").count()).toBe(2);

    // DASHBOARD_SCREENSHOT=FILE keeps a full-page picture for a look at the charts.
    if (process.env.DASHBOARD_SCREENSHOT) await page.screenshot({ path: process.env.DASHBOARD_SCREENSHOT, fullPage: true });

    const [download] = await Promise.all([page.waitForEvent("download"), page.getByTestId("csv-annotators").click()]);
    expect(download.suggestedFilename()).toBe(`${SLUG}-annotators.csv`);
    const csv = fs.readFileSync((await download.path())!, "utf8").trim().split("\n");
    expect(csv[0]).toMatch(/^email,name,external,judgments,median_seconds,majority_agreement/);
    expect(csv.slice(1).map((line) => line.split(",").slice(0, 4).join(","))).toEqual([
      "ada@external.invalid,ada,true,12",
      "bo@external.invalid,bo,true,12",
      "cy@external.invalid,cy,true,12",
    ]);
  });
});
