// Qualification in Chromium: an annotator judges the check items first and sees each gold answer (in
// the slots they were shown) with its explanation, continues by keyboard and by button, then gets real
// items; the manager sees them qualified and resets the attempt.
import { Readable } from "node:stream";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { importItems } from "@/lib/services/importer";
import { createProject, updateProject } from "@/lib/services/projects";
import { chromiumOrSkip, launchChromium } from "../helpers/chromium";
import { serverInfo, systemCtx, signIn } from "../helpers/server";

const executable = chromiumOrSkip();
const SLUG = "qual-e2e";

describe.skipIf(!executable)("qualification in the browser", () => {
  let browser: Browser;

  beforeAll(async () => {
    const ctx = systemCtx();
    await createProject({ ctx, input: { slug: SLUG, name: "Qualification project", overlap: 1 } });
    const gold = [1, 2].map((i) => ({ id: `g${i}`, prompt: `Check ${i}`, responses: [{ content: `gold-right ${i}` }, { content: `gold-wrong ${i}` }], gold: { choice: "A", explanation: `Reason ${i}: the right one cites a source.` } }));
    const real = [1, 2].map((i) => ({ id: `r${i}`, prompt: `Real ${i}`, responses: [{ content: `left ${i}` }, { content: `right ${i}` }] }));
    await importItems({ ctx, input: { slug: SLUG, source: () => Readable.from([[...gold, ...real].map((r) => JSON.stringify(r)).join("\n") + "\n"]) } });
    await updateProject({ ctx, input: { slug: SLUG, status: "active", qualificationItems: 2, qualificationAccuracy: 0.5 } });
    await ctx.db.close();
    browser = await launchChromium(executable!);
  });

  afterAll(async () => {
    await browser?.close();
  });

  /** The slot showing a response whose text starts with `text`. */
  async function slotOf(page: Page, text: string): Promise<"A" | "B"> {
    const a = (await page.getByTestId("candidate-A").locator(".md").innerText()).trim();
    return a.startsWith(text) ? "A" : "B";
  }

  async function judge(page: Page, slot: "A" | "B") {
    await page.keyboard.press(slot === "A" ? "1" : "b");
    await expect.poll(() => page.getByTestId(`choice-${slot}`).getAttribute("aria-pressed")).toBe("true");
    await page.keyboard.press("Enter");
  }

  it("shows the gold answer and explanation after each check item, then serves real items; the manager resets the attempt", async () => {
    const { annotator, manager } = serverInfo().users;
    const page = await (await browser.newContext()).newPage();
    await signIn(page, annotator.email, annotator.password);
    await page.goto(`${serverInfo().baseUrl}/annotate`);
    expect(await page.getByTestId(`qualification-${SLUG}`).innerText()).toMatch(/0 of 2 check items judged/);
    await page.goto(`${serverInfo().baseUrl}/annotate/${SLUG}`);
    await page.getByTestId("assignment").waitFor();
    expect(await page.getByTestId("qualification-status").innerText()).toMatch(/0 of 2 check items judged/);

    // First check item: judged right. Nothing on screen says it is a check item before the judgment.
    const first = (await page.getByTestId("prompt").innerText()).trim();
    expect(first).toMatch(/^Check \d$/);
    expect(await page.getByTestId("gold-feedback").count()).toBe(0);
    const right = await slotOf(page, "gold-right");
    await judge(page, right);
    const feedback = page.getByTestId("gold-feedback");
    await feedback.waitFor();
    expect(await feedback.getAttribute("data-correct")).toBe("true");
    expect(await page.getByTestId("gold-answer").innerText()).toBe(`Response ${right}`);
    expect(await page.getByTestId("gold-explanation").innerText()).toMatch(new RegExp(`Reason ${first.slice(-1)}: the right one cites a source`));
    expect(await page.getByTestId("feedback-qualification").innerText()).toMatch(/1 of 2 check items judged, 1 right/);
    await page.keyboard.press("Enter"); // continue by keyboard
    await feedback.waitFor({ state: "detached" });

    // Second check item: judged wrong; 1 of 2 right still passes at 50%.
    await expect.poll(async () => (await page.getByTestId("prompt").innerText()).trim()).toMatch(/^Check \d$/);
    const second = (await page.getByTestId("prompt").innerText()).trim();
    expect(second).not.toBe(first);
    const expected = await slotOf(page, "gold-right");
    await judge(page, expected === "A" ? "B" : "A");
    await feedback.waitFor();
    expect(await feedback.getAttribute("data-correct")).toBe("false");
    expect(await page.getByTestId("gold-answer").innerText()).toBe(`Response ${expected}`);
    expect(await page.getByTestId("feedback-qualification").innerText()).toMatch(/Qualified .*you passed/);
    await page.getByTestId("feedback-continue").click(); // continue by button
    await feedback.waitFor({ state: "detached" });

    await expect.poll(async () => (await page.getByTestId("prompt").innerText()).trim()).toMatch(/^Real \d$/);
    expect(await page.getByTestId("qualification-status").getAttribute("data-status")).toBe("passed");
    // A real item gets no feedback.
    await judge(page, "A");
    await expect.poll(async () => (await page.getByTestId("prompt").innerText().catch(() => "")).trim()).not.toBe("");
    expect(await page.getByTestId("gold-feedback").count()).toBe(0);

    const mpage = await (await browser.newContext()).newPage();
    await signIn(mpage, manager.email, manager.password);
    await mpage.goto(`${serverInfo().baseUrl}/manage/${SLUG}/qualification`);
    const row = mpage.getByTestId(`qualification-${annotator.email}`);
    expect(await row.getAttribute("data-status")).toBe("passed");
    expect(await row.innerText()).toMatch(/qualified\s+1\s+2 of 2\s+1\s+50%/);
    await mpage.getByTestId(`reset-${annotator.email}`).click();
    await expect.poll(() => mpage.getByTestId(`reset-${annotator.email}-message`).textContent()).toMatch(/starts attempt 2/);
    await mpage.reload();
    expect(await mpage.getByTestId(`qualification-${annotator.email}`).getAttribute("data-status")).toBe("pending");
  });
});
