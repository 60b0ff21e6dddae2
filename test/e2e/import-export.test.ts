// Import and export over HTTP and in the admin screen: format/map query parameters, the streamed
// import progress, export options as query parameters, the dry run, and the admin's import
// progress, export counts and Parquet download in Chromium (with and without JavaScript).
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkTrlRow } from "@/lib/formats/export";
import { importItems } from "@/lib/services/importer";
import { createProject } from "@/lib/services/projects";
import { chromiumOrSkip, launchChromium } from "../helpers/chromium";
import { api, serverInfo, signIn, systemCtx, withSystemCtx } from "../helpers/server";
import { needsSharedData, PANDALM_TEST } from "../helpers/shared-data";

const pandalm = needsSharedData(PANDALM_TEST);
const [PANDALM] = pandalm.files;
const PANDALM_MAP = "prompt=instruction+input,responses=response1|response2,models=cmp_key,id=idx,annotations=annotator1|annotator2|annotator3,labels=0:tie|1:A|2:B";

pandalm.describe("import and export over HTTP", () => {
  const slug = "http-io";
  beforeAll(async () => {
    await withSystemCtx((ctx) => createProject({ ctx, input: { status: "active", slug, name: "HTTP import/export" } }));
  });

  it("imports PandaLM with a field map, streaming progress and then the summary", async () => {
    const { admin } = serverInfo().users;
    const bad = await api(`/api/v1/projects/${slug}/items?map=${encodeURIComponent("prompt=")}`, { method: "POST", token: admin.token, body: "{}" });
    expect(bad.status).toBe(400);
    expect((await bad.json()).error.message).toMatch(/^map: /);

    const res = await api(`/api/v1/projects/${slug}/items?progress=1&format=json&map=${encodeURIComponent(PANDALM_MAP)}`, {
      method: "POST",
      token: admin.token,
      body: fs.readFileSync(PANDALM),
    });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/ndjson/);
    const lines = (await res.text()).trim().split("\n").map((l) => JSON.parse(l));
    const progress = lines.filter((l) => l.progress).map((l) => l.progress);
    expect(progress[0]).toMatchObject({ phase: "validating", rows: 0 });
    expect(progress.at(-1)).toMatchObject({ phase: "inserting", rows: 999, total: 999 });
    expect(lines.at(-1).summary).toMatchObject({ inserted: 999, annotations: 2997, rejected: false });
  });

  it("exports with options as query parameters, and answers a dry run with counts", async () => {
    const { admin } = serverInfo().users;
    const dry = await api(`/api/v1/projects/${slug}/export?format=trl-dpo&dry_run=1&split=test%3D0.1&seed=42&keep_empty=1`, { token: admin.token });
    const counts = await dry.json();
    expect(counts).toMatchObject({ items: 999, kept_items: 894, rows: 894 });
    expect(counts.splits.train + counts.splits.test).toBe(894);

    const test = await api(`/api/v1/projects/${slug}/export?format=trl-reward&split=test%3D0.1&seed=42&part=test&conversational=1`, { token: admin.token });
    expect(test.headers.get("content-disposition")).toContain(`${slug}-trl-reward-test.jsonl`);
    const rows = (await test.text()).trim().split("\n").map((l) => JSON.parse(l));
    expect(rows).toHaveLength(counts.splits.test);
    for (const row of rows) expect(checkTrlRow("trl-reward", row)).toEqual([]);

    const csv = await api(`/api/v1/projects/${slug}/export?format=trl-kto&file_format=csv&policy=unanimous`, { token: admin.token });
    expect(csv.headers.get("content-type")).toMatch(/text\/csv/);
    expect((await csv.text()).split("\n")[0]).toBe("prompt,completion,label");

    const bad = await api(`/api/v1/projects/${slug}/export?format=trl-dpo&min_agreement=3`, { token: admin.token });
    expect(bad.status).toBe(400);
    expect((await bad.json()).error.message).toBe("min_agreement: must be between 0 and 1");
  });
});

const executable = chromiumOrSkip();

describe.skipIf(!executable)("import progress and export counts in the admin screen", () => {
  let browser: Browser;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "arbiter-io-e2e-"));
  const slug = "ui-io";

  beforeAll(async () => {
    await withSystemCtx((ctx) => createProject({ ctx, input: { status: "active", slug, name: "UI import/export" } }));
    browser = await launchChromium(executable!);
  });
  afterAll(async () => {
    await browser?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("shows the import's progress and summary, then the export's dry-run counts", async () => {
    const page = await (await browser.newContext()).newPage();
    const { admin } = serverInfo().users;
    await signIn(page, admin.email, admin.password);
    await page.goto(`${serverInfo().baseUrl}/admin/projects/${slug}`);

    const file = path.join(dir, "big.jsonl");
    const records = Array.from({ length: 30000 }, (_, i) => ({
      id: `r${i}`,
      prompt: `Prompt ${i}`,
      responses: [`first ${i}`, `second ${i}`],
      annotations: [{ annotator: "vendor", choice: i % 3 ? "A" : "B" }],
    }));
    fs.writeFileSync(file, records.map((r) => JSON.stringify(r)).join("\n"));
    await page.getByTestId("import-file").setInputFiles(file);
    await page.getByTestId("import-submit").click();
    await page.getByTestId("import-progress").filter({ hasText: /(Checking every row|Inserting): [\d,]+/ }).waitFor();
    await expect.poll(() => page.getByTestId("import-inserted").textContent(), { timeout: 60_000 }).toBe("30000");
    expect(await page.getByTestId("import-annotations").textContent()).toBe("30000");

    await page.getByTestId("export-format").selectOption("trl-kto");
    await page.getByTestId("export-dry-run").click();
    await expect.poll(() => page.getByTestId("export-kept").textContent()).toBe("30000 item(s) → 60000 row(s)");

    // A refused option is shown beside its control and named by its label.
    await page.getByText("More options").click();
    await page.getByTestId("export-split").fill("test=2");
    await page.getByTestId("export-dry-run").click();
    await expect.poll(() => page.getByTestId("export-split-error").textContent()).toMatch(/^"test=2": expected NAME=SHARE/);
    expect(await page.getByTestId("export-error").textContent()).toMatch(/^Test share \(split by prompt\): "test=2": expected NAME=SHARE/);
    expect(await page.getByTestId("export-split").getAttribute("aria-invalid")).toBe("true");
  });

  it("downloads Parquet, showing bytes received, with JavaScript and without", async () => {
    const parquetSlug = "ui-parquet";
    const ctx = systemCtx();
    await createProject({ ctx, input: { status: "active", slug: parquetSlug, name: "UI Parquet" } });
    const records = Array.from({ length: 40 }, (_, i) => ({ id: `p${i}`, prompt: `Question ${i}`, responses: [`yes ${i}`, `no ${i}`], annotations: [{ annotator: "vendor", choice: "A" }] }));
    await importItems({ ctx, input: { slug: parquetSlug, source: () => Readable.from(records.map((r) => JSON.stringify(r) + "\n")) } });
    await ctx.db.close();
    const { parquetReadObjects } = await import("hyparquet");
    const readBack = async (file: string) => {
      const bytes = fs.readFileSync(file);
      expect([bytes.subarray(0, 4).toString(), bytes.subarray(-4).toString()]).toEqual(["PAR1", "PAR1"]);
      return (await parquetReadObjects({ file: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer })) as Record<string, unknown>[];
    };
    const expected = records.map((r) => ({ prompt: r.prompt, chosen: r.responses[0], rejected: r.responses[1] }));

    const context = await browser.newContext({ acceptDownloads: true });
    const page = await context.newPage();
    const { admin } = serverInfo().users;
    await signIn(page, admin.email, admin.password);
    await page.goto(`${serverInfo().baseUrl}/admin/projects/${parquetSlug}`);
    await page.getByTestId("export-file-format").selectOption("parquet");
    const [download] = await Promise.all([page.waitForEvent("download"), page.getByTestId("export-download").click()]);
    expect(download.suggestedFilename()).toBe(`${parquetSlug}-trl-dpo.parquet`);
    const size = fs.statSync((await download.path())!).size;
    // A Parquet file has no lines: the page counts the bytes it received.
    await expect.poll(() => page.getByTestId("export-progress").innerText()).toBe(`Exported ${size.toLocaleString("en-US")} bytes (${(size / 1e6).toFixed(2)} MB)`);
    expect(await readBack((await download.path())!)).toEqual(expected);

    // The plain form downloads directly, with the same session.
    const noScript = await browser.newContext({ acceptDownloads: true, javaScriptEnabled: false, storageState: await context.storageState() });
    await context.close();
    const plain = await noScript.newPage();
    await plain.goto(`${serverInfo().baseUrl}/admin/projects/${parquetSlug}`);
    await plain.getByTestId("export-file-format").selectOption("parquet");
    const [direct] = await Promise.all([plain.waitForEvent("download"), plain.getByTestId("export-download").click()]);
    expect(direct.suggestedFilename()).toBe(`${parquetSlug}-trl-dpo.parquet`);
    expect(await readBack((await direct.path())!)).toEqual(expected);
    await noScript.close();
  });
});
