// Quality control in Chromium: a manager decides a disputed item on the adjudication page and sends
// another back; an admin pauses a project and adds a member on the project page.
import { Readable } from "node:stream";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { claimNext } from "@/lib/services/assignment";
import type { Ctx } from "@/lib/services/context";
import { importItems } from "@/lib/services/importer";
import { submitJudgment } from "@/lib/services/judgments";
import { createProject } from "@/lib/services/projects";
import { chromiumOrSkip, launchChromium } from "../helpers/chromium";
import { itemsOf } from "../helpers/rows";
import { serverInfo, systemCtx, signIn } from "../helpers/server";

const executable = chromiumOrSkip();
const SLUG = "qc-e2e";


describe.skipIf(!executable)("quality-control screens", () => {
  let browser: Browser;
  const ids: number[] = [];

  beforeAll(async () => {
    browser = await launchChromium(executable!);
    const ctx = systemCtx();
    await createProject({ ctx, input: { status: "active", slug: SLUG, name: "QC E2E", overlap: 2 } });
    const records = [1, 2].map((i) => JSON.stringify({ id: `e${i}`, prompt: `Disputed ${i}`, responses: [{ content: `first ${i}`, model: "model-one" }, { content: `second ${i}`, model: "model-two" }] }));
    await importItems({ ctx, input: { slug: SLUG, source: () => Readable.from([records.join("\n") + "\n"]) } });
    const { annotator, annotator2 } = serverInfo().users;
    for (const [u, first] of [[annotator, true], [annotator2, false]] as const) {
      const actx: Ctx = { db: ctx.db, caller: { userId: u.id, email: u.email, role: "annotator" } };
      for (let claimed; (claimed = await claimNext({ ctx: actx, input: { slug: SLUG } })); ) {
        const slot = claimed.item.candidates.find((c) => c.content.startsWith(first ? "first" : "second"))!.slot;
        await submitJudgment({ ctx: actx, input: { assignment_id: claimed.assignment.id, choice: slot as "A", rationale: `${u.email} reasons` } });
      }
    }
    ids.push(...(await itemsOf(ctx.db, SLUG)).map((i) => i.id));
    await ctx.db.close();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it("a manager sees models and rationales, records a final label, and sends an item back", async () => {
    const { manager } = serverInfo().users;
    const page = await (await browser.newContext()).newPage();
    await signIn(page, manager.email, manager.password);
    await page.goto(`${serverInfo().baseUrl}/manage/${SLUG}/adjudication`);
    expect(await page.getByTestId("queue-total").innerText()).toMatch(/^2 disputed/);
    expect(await page.getByTestId(`model-${ids[0]}-A`).innerText()).toBe("model-one");
    expect(await page.getByTestId(`judgments-${ids[0]}`).innerText()).toMatch(/reasons/);

    await page.getByTestId(`adjudicate-${ids[0]}-B`).check();
    await page.getByTestId(`adjudicate-${ids[0]}-note`).fill("second is right");
    await page.getByTestId(`adjudicate-${ids[0]}-submit`).click();
    await expect.poll(() => page.getByTestId(`adjudicate-${ids[0]}-message`).textContent()).toMatch(/Recorded “B is better”/);

    await page.getByTestId(`requeue-${ids[1]}`).click();
    await expect.poll(() => page.getByTestId(`requeue-${ids[1]}-message`).textContent()).toMatch(/now wants 3 judgments/);

    await page.goto(`${serverInfo().baseUrl}/manage/${SLUG}/adjudication`);
    expect(await page.getByTestId("queue-total").innerText()).toMatch(/^1 disputed/);
    await page.goto(`${serverInfo().baseUrl}/manage/${SLUG}/adjudication?resolved=1`);
    expect(await page.getByTestId(`decided-${ids[0]}`).innerText()).toMatch(/B is better by .* second is right/);
  });

  it("an admin pauses the project and adds a member; the annotator then gets the paused message", async () => {
    const { admin, annotator2 } = serverInfo().users;
    const page = await (await browser.newContext()).newPage();
    await signIn(page, admin.email, admin.password);
    await page.goto(`${serverInfo().baseUrl}/admin/projects/${SLUG}`);
    // The form's limits come from the settings table; past the browser's check, the server refuses
    // a value out of range next to its field.
    expect(await page.getByTestId("settings-overlap").getAttribute("max")).toBe("100");
    await page.getByRole("form", { name: "Project settings" }).evaluate((f) => ((f as HTMLFormElement).noValidate = true));
    await page.getByTestId("settings-overlap").fill("0");
    await page.getByTestId("settings-submit").click();
    await expect.poll(() => page.getByTestId("settings-overlap-error").textContent()).toBe("must be between 1 and 100");
    await page.getByTestId("settings-overlap").fill("2");
    // Half a gold cut-off is refused with the reason, and nothing is saved.
    await page.getByTestId("settings-min-gold").fill("0.8");
    await page.getByTestId("settings-submit").click();
    await expect.poll(() => page.getByTestId("settings-message").textContent()).toMatch(/go together/);
    await page.getByTestId("settings-min-gold").fill("");
    await page.getByTestId("settings-status").selectOption("paused");
    await page.getByTestId("settings-order").selectOption("random");
    await page.getByTestId("settings-submit").click();
    await expect.poll(() => page.getByTestId("settings-message").textContent()).toMatch(/saved/);
    // The form shows what was saved (a select's default is set once, so it is keyed by the value);
    // a second save must not put the old values back.
    expect(await page.getByTestId("settings-status").inputValue()).toBe("paused");
    expect(await page.getByTestId("settings-order").inputValue()).toBe("random");
    await page.getByTestId("settings-submit").click();
    await expect.poll(() => page.getByTestId("settings-message").textContent()).toMatch(/saved/);
    await page.reload();
    expect(await page.getByTestId("settings-status").inputValue()).toBe("paused");
    expect(await page.getByTestId("settings-order").inputValue()).toBe("random");

    await page.getByTestId("member-email").fill(annotator2.email);
    await page.getByTestId("member-add").click();
    await expect.poll(() => page.getByTestId("members-list").textContent()).toContain(annotator2.email);

    const ann = await (await browser.newContext()).newPage();
    await signIn(ann, annotator2.email, annotator2.password);
    await ann.goto(`${serverInfo().baseUrl}/annotate/${SLUG}`);
    await expect.poll(() => ann.getByRole("alert").first().textContent()).toMatch(/paused/);
  });
});
