// The manager's time report in Chromium, in a browser set to Los Angeles time: from the dashboard
// link, the page picks up the browser's zone, shows each annotator's days (a judgment at 07:30 UTC
// counts on the day before), totals and the cap, and the CSV download carries the same numbers.
import fs from "node:fs";
import { Readable } from "node:stream";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createProject } from "@/lib/services/projects";
import { importItems } from "@/lib/services/importer";
import { chromiumOrSkip, launchChromium } from "../helpers/chromium";
import { candidatesOf, insertJudgment, itemsOf } from "../helpers/rows";
import { api, serverInfo, systemCtx, signIn } from "../helpers/server";

const executable = chromiumOrSkip();
const SLUG = "report-e2e";

describe.skipIf(!executable)("time report page", () => {
  let browser: Browser;

  beforeAll(async () => {
    const ctx = systemCtx();
    const project = await createProject({ ctx, input: { slug: SLUG, name: "Report E2E" } });
    const records = Array.from({ length: 4 }, (_, i) => ({
      id: `r${i}`,
      prompt: `Prompt ${i}`,
      responses: [{ content: `first ${i}` }, { content: `second ${i}` }],
      ...(i === 0 ? { gold: { choice: "A" } } : {}),
    }));
    await importItems({ ctx, input: { slug: SLUG, source: () => Readable.from([records.map((r) => JSON.stringify(r)).join("\n") + "\n"]) } });
    const items = (await itemsOf(ctx.db, SLUG)).map((i) => i.id);
    const { annotator, annotator2 } = serverInfo().users;
    // Written straight to the table: the services would stamp them with today's time.
    const judge = async (itemId: number, userId: number, iso: string, durationMs: number | null, position: 0 | 1) => {
      const candidates = await candidatesOf(ctx.db, itemId);
      await insertJudgment(ctx.db, {
        projectId: project.id,
        itemId,
        userId,
        choice: position === 0 ? "A" : "B",
        winnerCandidateId: candidates[position],
        slotOrder: candidates,
        durationMs,
        createdAt: Date.parse(iso),
      });
    };
    // annotator: 23:30 on January 14 in Los Angeles, then two on the 15th (one of 15 minutes, capped at 10).
    await judge(items[0], annotator.id, "2026-01-15T07:30:00Z", 30_000, 0);
    await judge(items[1], annotator.id, "2026-01-15T18:00:00Z", 900_000, 0);
    await judge(items[2], annotator.id, "2026-01-15T19:00:00Z", 45_000, 1);
    // annotator2: one on the 15th, a wrong gold answer.
    await judge(items[0], annotator2.id, "2026-01-15T20:00:00Z", 120_000, 1);
    await ctx.db.close();
    browser = await launchChromium(executable!);
  });
  afterAll(async () => {
    await browser?.close();
  });

  it("shows the figures in the browser's time zone, and the CSV has the same numbers", async () => {
    const context = await browser.newContext({ acceptDownloads: true, timezoneId: "America/Los_Angeles" });
    const page = await context.newPage();
    const { manager, annotator, annotator2 } = serverInfo().users;
    await signIn(page, manager.email, manager.password);
    await page.goto(`${serverInfo().baseUrl}/manage/${SLUG}`);
    await page.getByTestId("report-link").click();
    // The page learns the browser's zone and reloads with it.
    await page.waitForURL(/\/report\?tz=America%2FLos_Angeles$/);
    expect(await page.getByTestId("report-tz").inputValue()).toBe("America/Los_Angeles");

    await page.getByTestId("report-from").fill("2026-01-14");
    await page.getByTestId("report-to").fill("2026-01-16");
    await page.getByTestId("report-show").click();
    await page.waitForURL(/from=2026-01-14&to=2026-01-16&by=day&tz=America%2FLos_Angeles/);
    const table = page.getByTestId("report-table");
    await table.waitFor();

    const cells = async (testId: string) => (await page.getByTestId(testId).locator("td, th").allInnerTexts()).map((s) => s.trim());
    const a = annotator.email;
    expect(await cells(`report-row-${a}-2026-01-14`)).toEqual([`annotator ${a}`, "2026-01-14", "1", "1", "0", "0:00:30", "120.0", "100.0% (1)"]);
    expect(await cells(`report-row-${a}-2026-01-15`)).toEqual([`annotator ${a}`, "2026-01-15", "2", "2", "1", "0:10:45", "11.2", "–"]);
    expect(await cells(`report-total-${a}`)).toEqual(["annotator total", "", "3", "3", "1", "0:11:15", "16.0", "100.0% (1)"]);
    expect(await cells(`report-total-${annotator2.email}`)).toEqual(["annotator2 total", "", "1", "1", "0", "0:02:00", "30.0", "0.0% (1)"]);
    expect(await cells("report-total")).toEqual(["Total", "", "4", "4", "1", "0:13:15", "18.1", "50.0% (2)"]);
    // Figures sit right-aligned in their columns.
    expect(await page.getByTestId("report-total").locator("td.num").first().evaluate((el) => getComputedStyle(el).textAlign)).toBe("right");

    const [download] = await Promise.all([page.waitForEvent("download"), page.getByTestId("report-csv").click()]);
    expect(download.suggestedFilename()).toBe(`${SLUG}-report-2026-01-14-2026-01-16-day.csv`);
    const lines = fs.readFileSync((await download.path())!, "utf8").trim().split("\n");
    expect(lines[0]).toBe("annotator,name,external,period,judgments,timed_judgments,capped_judgments,active_seconds,active_hours,judgments_per_hour,gold_n,gold_correct,gold_accuracy");
    const rows = lines.slice(1).map((l) => l.split(","));
    // Each CSV row shows what the page shows: judgments, active time, rate and gold.
    const pick = (r: string[]) => [r[0], r[3], r[4], r[5], r[6], r[7], r[9], r[10], r[11]];
    // By e-mail: "annotator2@…" sorts before "annotator@…".
    expect(rows.map(pick)).toEqual([
      [annotator2.email, "2026-01-15", "1", "1", "0", "120", "30", "1", "0"],
      [a, "2026-01-14", "1", "1", "0", "30", "120", "1", "1"],
      [a, "2026-01-15", "2", "2", "1", "645", "11.16", "0", "0"],
      [annotator2.email, "total", "1", "1", "0", "120", "30", "1", "0"],
      [a, "total", "3", "3", "1", "675", "16", "1", "1"],
      ["total", "total", "4", "4", "1", "795", "18.11", "2", "1"],
    ]);
    // REPORT_SCREENSHOT=FILE keeps a picture of the page.
    if (process.env.REPORT_SCREENSHOT) await page.screenshot({ path: process.env.REPORT_SCREENSHOT, fullPage: true });
    await context.close();
  });

  it("answers the JSON route with the page's figures, and a bad value with 400 naming the parameter", async () => {
    const { manager, annotator } = serverInfo().users;
    const res = await api(`/api/v1/projects/${SLUG}/report?from=2026-01-14&to=2026-01-16&by=week&tz=America%2FLos_Angeles`, { token: manager.token });
    expect(res.status).toBe(200);
    const r = await res.json();
    expect([r.by, r.tz, r.week_start, r.totals.judgments, r.totals.active_seconds]).toEqual(["week", "America/Los_Angeles", "monday", 4, 795]);
    // January 14 (a Wednesday) and 15 are in the week of Monday January 12.
    expect(r.rows.map((x: { email: string; period: string; judgments: number }) => [x.email, x.period, x.judgments])).toEqual([
      ["annotator2@test.local", "2026-01-12", 1],
      ["annotator@test.local", "2026-01-12", 3],
    ]);
    const bad = await api(`/api/v1/projects/${SLUG}/report.csv?tz=Not%2FAZone`, { token: manager.token });
    expect(bad.status).toBe(400);
    expect((await bad.json()).error).toMatchObject({ code: "bad_request", fields: { tz: "must be an IANA time zone such as Europe/Berlin or UTC" } });
    expect((await api(`/api/v1/projects/${SLUG}/report?tz=UTC`, { token: annotator.token })).status).toBe(403);
  });

  it("takes the cap from the settings form: an admin lowers it and the report counts less", async () => {
    const context = await browser.newContext({ timezoneId: "America/Los_Angeles" });
    const page = await context.newPage();
    const { admin, annotator } = serverInfo().users;
    await signIn(page, admin.email, admin.password);
    await page.goto(`${serverInfo().baseUrl}/admin/projects/${SLUG}`);
    const cap = page.getByTestId("settings-time-cap");
    expect(await cap.inputValue()).toBe("600");
    await cap.fill("60");
    await page.getByTestId("settings-submit").click();
    await expect.poll(() => page.getByTestId("settings-message").textContent()).toMatch(/Settings saved/);

    await page.goto(`${serverInfo().baseUrl}/manage/${SLUG}/report?from=2026-01-15&to=2026-01-15&tz=America%2FLos_Angeles`);
    // The 15-minute judgment now counts 60 s, the 45-second one in full.
    const row = page.getByTestId(`report-row-${annotator.email}-2026-01-15`);
    expect((await row.locator("td").allInnerTexts()).map((s) => s.trim()).slice(2, 6)).toEqual(["2", "2", "1", "0:01:45"]);
    await context.close();
  });
});
