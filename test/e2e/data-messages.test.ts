// Issue 13 points 4, 5 and 10 in Chromium and over HTTP: what the admin import form says about a
// text file, a PNG, an empty file, an unknown shape and empty responses; the "(empty response)"
// marker in the workspace; and dashboard numbers that agree with each other on a young project.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { importItems } from "@/lib/services/importer";
import { createProject } from "@/lib/services/projects";
import { chromiumOrSkip, launchChromium } from "../helpers/chromium";
import { api, serverInfo, signIn, systemCtx } from "../helpers/server";

const executable = chromiumOrSkip();
const IMPORT_SLUG = "data-import";
const DASH_SLUG = "data-dash";
const PNG = Buffer.from("89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da63f8cfc0f01f0005000201a3e1c6a40000000049454e44ae426082", "hex");

describe.skipIf(!executable)("import messages, empty responses and dashboard numbers", () => {
  let browser: Browser;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "arbiter-data-e2e-"));
  const file = (name: string, data: string | Buffer) => (fs.writeFileSync(path.join(dir, name), data), path.join(dir, name));

  beforeAll(async () => {
    const ctx = systemCtx();
    for (const [slug, name] of [[IMPORT_SLUG, "Data import"], [DASH_SLUG, "Data dashboard"]]) {
      // New projects may start as drafts: these must serve items.
      await createProject({ ctx, input: { status: "active", slug, name, overlap: 2 } });
    }
    // Two items judged twice (both A), three judged once: agreement is over two items.
    const records = [0, 1, 2, 3, 4].map((i) => ({
      id: `dash-${i}`,
      prompt: `Dashboard prompt ${i}`,
      responses: [
        { content: `alpha ${i}`, model: "alpha" },
        { content: `beta ${i}`, model: "beta" },
      ],
      annotations: i < 2 ? [{ annotator: "rater-1", choice: "A" }, { annotator: "rater-2", choice: "A" }] : [{ annotator: "rater-1", choice: i === 2 ? "A" : "B" }],
    }));
    await importItems({ ctx, input: { slug: DASH_SLUG, source: () => Readable.from([records.map((r) => JSON.stringify(r)).join("\n") + "\n"]) } });
    await ctx.db.close();
    browser = await launchChromium(executable!);
  });
  afterAll(async () => {
    await browser?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("over HTTP: a PNG, a line of text, blank lines and an empty body are each refused with one clear reason", async () => {
    const { admin } = serverInfo().users;
    const post = (body: BodyInit) => api(`/api/v1/projects/${IMPORT_SLUG}/items`, { method: "POST", token: admin.token, headers: { "content-type": "application/octet-stream" }, body });
    const png = await post(PNG);
    expect(png.status).toBe(400);
    expect((await png.json()).error).toMatchObject({ message: "Not a JSON, JSONL or CSV file (looks like a PNG image); nothing was imported.", fields: { body: "not a JSON, JSONL or CSV file (looks like a PNG image)" } });
    const text = await post("Please find the data attached.\n");
    expect((await text.json()).error.fields.body).toBe("not a JSON, JSONL or CSV file (looks like plain text)");
    const blank = await post("\n\n");
    expect((await blank.json()).error.message).toMatch(/^No records found: send JSONL/);
    const empty = await post("");
    expect(empty.status).toBe(400);
    expect((await empty.json()).error).toMatchObject({ message: "No records found: the file is empty; nothing was imported.", fields: { body: "no records found: the file is empty" } });
  });

  async function importFile(page: Page, name: string, data: string | Buffer) {
    await page.getByTestId("import-file").setInputFiles(file(name, data));
    await page.getByTestId("import-submit").click();
  }

  it("the admin import form names what a file is, says 'no records found', suggests a field map and lists warnings", async () => {
    const page = await (await browser.newContext()).newPage();
    await signIn(page, serverInfo().users.admin.email, serverInfo().users.admin.password);
    await page.goto(`${serverInfo().baseUrl}/admin/projects/${IMPORT_SLUG}`);

    await importFile(page, "notes.txt", "Remember to export the judgments on Friday\n");
    await expect.poll(() => page.getByTestId("import-message").innerText()).toBe("Not a JSON, JSONL or CSV file (looks like plain text); nothing was imported.");
    expect(await page.getByTestId("import-summary").count()).toBe(0);

    await importFile(page, "picture.png", PNG);
    await expect.poll(() => page.getByTestId("import-message").innerText()).toBe("Not a JSON, JSONL or CSV file (looks like a PNG image); nothing was imported.");
    expect(await page.locator("form[aria-label='Import items']").innerText()).not.toMatch(/UTF-8/);

    await importFile(page, "empty.jsonl", "");
    await expect.poll(() => page.getByTestId("import-file-error").innerText()).toMatch(/^No records found: the file is empty/);

    // Records of an unknown shape: the hint, and the Field map box opens with its grammar beside it.
    expect(await page.getByTestId("import-map-section").getAttribute("open")).toBeNull();
    await importFile(page, "other.jsonl", JSON.stringify({ instruction: "q", output_1: "a", output_2: "b" }) + "\n");
    await expect.poll(() => page.getByTestId("import-hint").innerText()).toMatch(/^Rows have no recognised shape: give a field map/);
    expect(await page.getByTestId("import-map-section").getAttribute("open")).not.toBeNull();
    await page.getByTestId("import-map-help").locator("summary").click();
    expect(await page.getByTestId("import-map-help").innerText()).toContain("responses=F|G       the responses, in slot order");
    expect(await page.getByTestId("import-map").isVisible()).toBe(true);

    // Empty and non-text responses are imported, with a warning per row; the empty one is served first.
    const rows = [
      { id: "full", prompt: "A full pair", responses: ["left", "right"] },
      { id: "empty", prompt: "An empty pair", responses: ["", "something"], priority: 10 },
      { id: "true", prompt: "A boolean", responses: [true, "text"] },
    ];
    await importFile(page, "pairs.jsonl", rows.map((r) => JSON.stringify(r)).join("\n") + "\n");
    await expect.poll(() => page.getByTestId("import-inserted").innerText()).toBe("3");
    expect(await page.getByTestId("import-warning-count").innerText()).toBe("2");
    expect(await page.getByTestId("import-warnings").innerText()).toBe('line 2: responses[0]: empty response\nline 3: responses[0]: not text (true); imported as the text "true"');
    await page.context().close();
  });

  it("the workspace marks an empty response", async () => {
    const page = await (await browser.newContext()).newPage();
    const { annotator } = serverInfo().users;
    await signIn(page, annotator.email, annotator.password);
    await page.goto(`${serverInfo().baseUrl}/annotate/${IMPORT_SLUG}`);
    await page.getByText("An empty pair").first().waitFor();
    const marked = page.locator("[data-testid^='empty-response-']");
    await expect.poll(() => marked.count()).toBe(1);
    expect(await marked.innerText()).toBe("(empty response)");
    await page.context().close();
  });

  it("the dashboard's figures agree: majority over the same items, no projection yet, hourly progress, round ticks, dry-run agreement", async () => {
    const page = await (await browser.newContext()).newPage();
    await signIn(page, serverInfo().users.admin.email, serverInfo().users.admin.password);
    await page.goto(`${serverInfo().baseUrl}/manage/${DASH_SLUG}`);
    expect(await page.getByTestId("agreement-over").innerText()).toMatch(/^Over 2 item\(s\) with two or more pairwise judgments/);
    expect(await page.getByTestId("majority").innerText()).toBe("Those 2 item(s) by majority: A 2, tie 0, B 0, no majority 0.");
    expect(await page.getByTestId("projection").innerText()).toMatch(/^not enough data yet/);

    const progress = page.getByTestId("progress-chart");
    await progress.locator("svg.recharts-surface").first().waitFor();
    expect(await progress.getAttribute("data-unit")).toBe("hour");
    for (const bar of await progress.locator(".recharts-bar-rectangle").all()) expect((await bar.boundingBox())!.width).toBeLessThanOrEqual(49);

    // Recharts 3 draws tick labels in their own layer, `.recharts-xAxis-tick-labels`.
    const axis = page.getByTestId("leaderboard-chart").locator(".recharts-xAxis-tick-labels .recharts-cartesian-axis-tick-value");
    await axis.first().waitFor();
    const ticks = (await axis.allTextContents()).map((t) => Number(t.replace(/,/g, "")));
    expect(ticks.length).toBeGreaterThanOrEqual(3);
    const step = ticks[1] - ticks[0];
    expect([1, 2, 2.5, 5]).toContain(Number((step / 10 ** Math.floor(Math.log10(step))).toFixed(6)));
    for (let i = 1; i < ticks.length; i++) expect(ticks[i] - ticks[i - 1]).toBe(step);
    for (const t of ticks) expect(t % step).toBe(0);

    // The export dry run states the agreement a dataset card would: both doubly judged items agree.
    await page.goto(`${serverInfo().baseUrl}/admin/projects/${DASH_SLUG}`);
    await page.getByTestId("export-dry-run").click();
    await expect.poll(() => page.getByTestId("export-agreement").innerText()).toBe("100.0% over 2 pair(s)");
    await page.context().close();
  });
});
