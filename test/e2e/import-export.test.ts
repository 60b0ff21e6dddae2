// Import and export over HTTP and in the admin screen: format/map query parameters, the streamed
// import progress, export options as query parameters, the dry run, and the admin's import
// progress and export counts in Chromium.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkTrlRow } from "@/lib/formats/export";
import { createProject } from "@/lib/services/projects";
import { chromiumOrSkip, launchChromium } from "../helpers/chromium";
import { api, serverInfo, systemCtx } from "../helpers/server";

const PANDALM = path.resolve(__dirname, "../../../shared/data/pandalm-testset-v1.json");
const PANDALM_MAP = "prompt=instruction+input,responses=response1|response2,models=cmp_key,id=idx,annotations=annotator1|annotator2|annotator3,labels=0:tie|1:A|2:B";

describe("import and export over HTTP", () => {
  const slug = "http-io";
  beforeAll(() => {
    createProject({ ctx: systemCtx(), input: { slug, name: "HTTP import/export" } });
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
    const dry = await api(`/api/v1/projects/${slug}/export?format=trl-dpo&dry_run=1&split=test%3D0.1&seed=42`, { token: admin.token });
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
    expect((await bad.json()).error.message).toMatch(/minAgreement/);
  });
});

const executable = chromiumOrSkip();

describe.skipIf(!executable)("import progress and export counts in the admin screen", () => {
  let browser: Browser;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "arbiter-io-e2e-"));
  const slug = "ui-io";

  beforeAll(async () => {
    createProject({ ctx: systemCtx(), input: { slug, name: "UI import/export" } });
    browser = await launchChromium(executable!);
  });
  afterAll(async () => {
    await browser?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("shows the import's progress and summary, then the export's dry-run counts", async () => {
    const page = await (await browser.newContext()).newPage();
    const { admin } = serverInfo().users;
    await page.goto(serverInfo().baseUrl + "/login");
    await page.getByTestId("login-email").fill(admin.email);
    await page.getByTestId("login-password").fill(admin.password);
    await page.getByTestId("login-submit").click();
    await page.getByTestId("who").waitFor();
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
  });
});
