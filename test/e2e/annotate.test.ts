// The whole loop in Chromium: an annotator judges by keyboard only, the admin downloads the export.
import fs from "node:fs";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Readable } from "node:stream";
import { importItems } from "@/lib/services/importer";
import { createProject } from "@/lib/services/projects";
import { chromiumOrSkip, launchChromium } from "../helpers/chromium";
import { serverInfo, systemCtx, signIn } from "../helpers/server";

const executable = chromiumOrSkip();
const SLUG = "e2e-keyboard";


describe.skipIf(!executable)("annotation in the browser", () => {
  let browser: Browser;

  beforeAll(async () => {
    const ctx = systemCtx();
    await createProject({ ctx, input: { status: "active", slug: SLUG, name: "Keyboard project", overlap: 1 } });
    const lines = [1, 2, 3, 4].map(
      (i) =>
        JSON.stringify({
          id: `k${i}`,
          prompt: i === 4 ? [{ role: "user", content: "Earlier turn" }, { role: "assistant", content: "Earlier answer" }, { role: "user", content: "Prompt 4" }] : `Prompt ${i}`,
          responses: [{ content: `**left ${i}**` }, { content: `right ${i}` }],
        }) + "\n",
    );
    await importItems({ ctx, input: { slug: SLUG, source: () => Readable.from(lines) } });
    await ctx.db.close();
    browser = await launchChromium(executable!);
  });

  afterAll(async () => {
    await browser?.close();
  });

  it("judges three items by keyboard and exports exactly the majority items", async () => {
    const { users } = serverInfo();
    const context = await browser.newContext({ acceptDownloads: true });
    const page = await context.newPage();
    await signIn(page, users.annotator.email, users.annotator.password);
    await page.goto(`${serverInfo().baseUrl}/annotate/${SLUG}`);

    const expected: { prompt: string; chosen: string; rejected: string }[] = [];
    const keys = ["1", "b", "t"]; // A better, B better, tie (no majority, not exported)
    for (const key of keys) {
      const claimed = page.getByTestId("assignment");
      await claimed.waitFor();
      const assignment = await claimed.getAttribute("data-assignment");
      const prompt = (await page.getByTestId("prompt").innerText()).trim();
      const a = (await page.getByTestId("candidate-A").locator(".md").innerText()).trim();
      const b = (await page.getByTestId("candidate-B").locator(".md").innerText()).trim();
      await page.keyboard.press(key);
      await expect.poll(() => page.getByTestId(key === "1" ? "choice-A" : key === "b" ? "choice-B" : "choice-tie").getAttribute("aria-pressed")).toBe("true");
      await page.keyboard.press("Enter");
      await page.waitForFunction(
        (prev) => {
          const el = document.querySelector('[data-testid="assignment"]');
          return !el || el.getAttribute("data-assignment") !== prev;
        },
        assignment,
      );
      if (key !== "t") {
        const [chosen, rejected] = key === "1" ? [a, b] : [b, a];
        expected.push({ prompt, chosen, rejected });
      }
    }
    await context.close();

    const adminContext = await browser.newContext({ acceptDownloads: true });
    const admin = await adminContext.newPage();
    await signIn(admin, users.admin.email, users.admin.password);
    await admin.goto(`${serverInfo().baseUrl}/admin/projects/${SLUG}`);
    const [download] = await Promise.all([admin.waitForEvent("download"), admin.getByTestId("export-download").click()]);
    // The page read the export as a stream and says how much it wrote.
    await expect.poll(() => admin.getByTestId("export-progress").innerText()).toMatch(/Exported 2 row\(s\)/);
    const rows = fs
      .readFileSync((await download.path())!, "utf8")
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    await adminContext.close();

    // Rendered markdown loses its ** markers on screen; compare on the visible text.
    const visible = (s: string | { content: string }[]) =>
      (typeof s === "string" ? s : s.map((m) => m.content).join("\n")).replace(/\*\*/g, "").trim();
    expect(rows).toHaveLength(2);
    const got = rows.map((r) => ({ prompt: visible(r.prompt), chosen: visible(r.chosen), rejected: visible(r.rejected) }));
    const want = expected.map((e) => ({ prompt: e.prompt.replace(/^(user|assistant)\n/gm, "").replace(/\n+/g, "\n"), chosen: e.chosen, rejected: e.rejected }));
    expect(got.map((g) => ({ ...g, prompt: g.prompt.replace(/\n+/g, "\n") })).sort((x, y) => x.chosen.localeCompare(y.chosen))).toEqual(
      want.sort((x, y) => x.chosen.localeCompare(y.chosen)),
    );
  });
});
