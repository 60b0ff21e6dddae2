// Adaptive overlap in Chromium (README "Adaptive overlap"): an admin turns it on in the settings form
// (a max below min is refused next to its field), and the dashboard shows the judgments spent against
// a fixed overlap of max.
import type { Browser } from "playwright-core";
import { Readable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { importItems } from "@/lib/services/importer";
import { createProject, getProject, updateProject } from "@/lib/services/projects";
import { chromiumOrSkip, launchChromium } from "../helpers/chromium";
import { serverInfo, signIn, systemCtx } from "../helpers/server";

const executable = chromiumOrSkip();
const SLUG = "e2e-adaptive";

describe.skipIf(!executable)("adaptive overlap", () => {
  let browser: Browser;

  beforeAll(async () => {
    const ctx = systemCtx();
    await createProject({ ctx, input: { slug: SLUG, name: "Adaptive project" } });
    await updateProject({ ctx, input: { slug: SLUG, status: "active" } });
    // Judgments made elsewhere: A A (agrees at 2), A B A (needs 3 under min 2 / max 3).
    const record = (id: string, labels: string[]) => ({
      id,
      prompt: `Question ${id}?`,
      responses: [{ content: "First" }, { content: "Second" }],
      annotations: labels.map((choice, k) => ({ annotator: `vendor-${k}`, choice })),
    });
    const lines = [record("q1", ["A", "A"]), record("q2", ["A", "B", "A"])].map((r) => JSON.stringify(r) + "\n");
    await importItems({ ctx, input: { slug: SLUG, source: () => Readable.from(lines) } });
    await ctx.db.close();
    browser = await launchChromium(executable!);
  });

  afterAll(async () => {
    await browser?.close();
  });

  it("turns adaptive overlap on from the settings form and shows what it spent on the dashboard", async () => {
    const { users, baseUrl } = serverInfo();
    const context = await browser.newContext();
    const page = await context.newPage();
    await signIn(page, users.admin.email, users.admin.password);
    await page.goto(`${baseUrl}/admin/projects/${SLUG}`);
    await page.getByTestId("settings-min-judgments").fill("3");
    await page.getByTestId("settings-max-judgments").fill("2");
    await page.getByTestId("settings-submit").click();
    await expect.poll(() => page.getByText("must be at least min judgments (3)").count()).toBe(1);

    await page.getByTestId("settings-min-judgments").fill("2");
    await page.getByTestId("settings-max-judgments").fill("3");
    await page.getByTestId("settings-submit").click();
    await expect.poll(() => page.getByTestId("settings-message").textContent()).toMatch(/Settings saved/);
    const ctx = systemCtx();
    expect(await getProject({ ctx, input: { slug: SLUG } })).toMatchObject({ minJudgments: 2, maxJudgments: 3, stopAgreement: null });
    await ctx.db.close();
    await page.reload();
    expect(await page.getByTestId("progress-overlap").innerText()).toBe("adaptive 2–3");
    // Both items have what they need under 2–3 (A A stops at 2, A B A goes to 3).
    expect(await page.getByTestId("progress-complete").innerText()).toBe("2");

    await page.goto(`${baseUrl}/manage/${SLUG}`);
    // 5 judgments against 2 items × 3; both finished (one early, one at max), both with a majority.
    expect(await page.getByTestId("adaptive-spent").innerText()).toBe("5 of 6 (83.3%)");
    expect(await page.getByTestId("adaptive-labels").innerText()).toBe("2 with a majority, 0 without");
    await context.close();
  });
});
