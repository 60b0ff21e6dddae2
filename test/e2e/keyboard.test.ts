// Ratings and flags by keyboard in Chromium. Rating projects: digits rate the outlined scale, the
// outline moves on to the next unrated scale, [ and ] move it, Enter submits once everything is
// rated. Flags: F opens the flag dialog, a letter picks the response, a digit toggles its flag.
import { Readable } from "node:stream";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dynamicQuery, json } from "@/db/engine";
import type { Ctx } from "@/lib/services/context";
import { importItems } from "@/lib/services/importer";
import { createProject } from "@/lib/services/projects";
import type { ProjectJudgmentSchema } from "@/lib/formats/judgment";
import { chromiumOrSkip, launchChromium } from "../helpers/chromium";
import { serverInfo, signIn, systemCtx } from "../helpers/server";

const executable = chromiumOrSkip();
const SLUG = "rate-keys";
const FLAGS = "flag-keys";

describe.skipIf(!executable)("ratings and flags by keyboard", () => {
  let browser: Browser;
  let ctx: Ctx;

  beforeAll(async () => {
    ctx = systemCtx();
    const schema = {
      type: "rating",
      criteria: [
        { key: "helpfulness", label: "Helpfulness", min: 1, max: 5 },
        { key: "accuracy", label: "Accuracy", min: 1, max: 10 },
      ],
    } as ProjectJudgmentSchema;
    await createProject({ ctx, input: { status: "active", slug: SLUG, name: SLUG, overlap: 1, judgmentSchema: schema } });
    const line = JSON.stringify({ id: "r1", prompt: "Rate these", responses: [{ content: "first answer" }, { content: "second answer" }] }) + "\n";
    await importItems({ ctx, input: { slug: SLUG, source: () => Readable.from([line]) } });
    await createProject({
      ctx,
      input: { status: "active", slug: FLAGS, name: FLAGS, overlap: 1, judgmentSchema: { flags: [{ key: "unsafe", label: "Unsafe" }, { key: "pii", label: "Personal data" }] } as ProjectJudgmentSchema },
    });
    const flagLine = JSON.stringify({ id: "f1", prompt: "Flag these", responses: [{ content: "left answer" }, { content: "right answer" }] }) + "\n";
    await importItems({ ctx, input: { slug: FLAGS, source: () => Readable.from([flagLine]) } });
    browser = await launchChromium(executable!);
  });

  afterAll(async () => {
    await browser?.close();
    await ctx?.db.close();
  });

  /** A fresh browser context signed in as the annotator, on the project's annotation page. */
  async function openTask(slug: string): Promise<Page> {
    const page = await (await browser.newContext()).newPage();
    const { users, baseUrl } = serverInfo();
    await signIn(page, users.annotator.email, users.annotator.password);
    await page.goto(`${baseUrl}/annotate/${slug}`);
    await page.getByTestId("assignment").waitFor();
    return page;
  }

  const JUDGMENT_OF = dynamicQuery(`select j.payload, j.slot_order from judgments j join projects p on p.id = j.project_id where p.slug = ?`, (r) => ({
    payload: json<{ ratings?: Record<string, Record<string, number>>; flags?: Record<string, string[]> }>(r.payload),
    slotOrder: json<number[]>(r.slot_order),
  }));
  function judgmentRow(slug: string) {
    return ctx.db.first(JUDGMENT_OF, [slug]);
  }

  const outlined = (page: Page) => page.$$eval("[data-testid^=scale-].current", (els) => els.map((el) => el.getAttribute("data-testid")));
  const checked = (page: Page, slot: string, key: string) =>
    page.$$eval(`[data-testid^="rating-${slot}-${key}-"][aria-checked=true]`, (els) => els.map((el) => el.textContent));

  it("rates every scale with digits, moves with [ and ], and submits with Enter", async () => {
    const page = await openTask(SLUG);

    expect(await outlined(page)).toEqual(["scale-A-helpfulness"]);
    await page.keyboard.press("4");
    expect(await checked(page, "A", "helpfulness")).toEqual(["4"]);
    expect(await outlined(page)).toEqual(["scale-A-accuracy"]);
    // 0 is 10 on a scale that goes up to 10.
    await page.keyboard.press("0");
    expect(await checked(page, "A", "accuracy")).toEqual(["10"]);
    expect(await outlined(page)).toEqual(["scale-B-helpfulness"]);
    // A digit outside the scale changes nothing.
    await page.keyboard.press("8");
    expect(await checked(page, "B", "helpfulness")).toEqual([]);
    expect(await outlined(page)).toEqual(["scale-B-helpfulness"]);
    // Back to A's accuracy to correct it; the outline then goes to the first unrated scale.
    await page.keyboard.press("[");
    expect(await outlined(page)).toEqual(["scale-A-accuracy"]);
    await page.keyboard.press("7");
    expect(await checked(page, "A", "accuracy")).toEqual(["7"]);
    expect(await outlined(page)).toEqual(["scale-B-helpfulness"]);
    await page.keyboard.press("2");
    await page.keyboard.press("9");
    expect(await checked(page, "B", "accuracy")).toEqual(["9"]);
    expect(await outlined(page)).toEqual([]);
    // ] wraps around from the last scale to the first.
    await page.keyboard.press("]");
    expect(await outlined(page)).toEqual(["scale-A-helpfulness"]);

    // The help overlay lists the rating keys.
    await page.keyboard.press("?");
    await expect.poll(() => page.getByRole("dialog", { name: "Keyboard shortcuts" }).innerText()).toMatch(/Rate the outlined scale/);
    await page.keyboard.press("Escape");

    const contents: Record<string, string> = {};
    for (const s of ["A", "B"]) contents[s] = (await page.getByTestId(`candidate-${s}`).locator(".md").innerText()).trim();
    await page.keyboard.press("Enter");
    const row = () => judgmentRow(SLUG);
    await expect.poll(() => row()).toBeTruthy();
    const { payload, slotOrder: ids } = (await row())!;
    const ratings = payload.ratings!;
    expect(ratings[String(ids[0])]).toEqual({ helpfulness: 4, accuracy: 7 });
    expect(ratings[String(ids[1])]).toEqual({ helpfulness: 2, accuracy: 9 });
    // Slot A showed one of the two responses; the ratings belong to what was shown.
    expect(["first answer", "second answer"]).toContain(contents.A);
  });

  it("flags responses from the flag dialog: F, a letter for the response, a digit for the flag", async () => {
    const page = await openTask(FLAGS);
    const pressed = (testid: string) => page.getByTestId(testid).getAttribute("aria-pressed");

    await page.keyboard.press("f");
    await page.getByTestId("flag-dialog").waitFor();
    expect(await page.getByTestId("flag-row-A").getAttribute("aria-current")).toBe("true");
    await page.keyboard.press("2");
    expect(await pressed("flag-dialog-A-pii")).toBe("true");
    await page.keyboard.press("b");
    expect(await page.getByTestId("flag-row-B").getAttribute("aria-current")).toBe("true");
    await page.keyboard.press("1");
    await page.keyboard.press("1");
    expect(await pressed("flag-dialog-B-unsafe")).toBe("false");
    await page.keyboard.press("1");
    expect(await pressed("flag-dialog-B-unsafe")).toBe("true");
    // Keys the dialog does not know change nothing; Esc closes it.
    await page.keyboard.press("9");
    await page.keyboard.press("Escape");
    await expect.poll(() => page.getByTestId("flag-dialog").count()).toBe(0);
    // The flags show under the responses, and the usual keys work again.
    expect(await pressed("flag-A-pii")).toBe("true");
    expect(await pressed("flag-B-unsafe")).toBe("true");
    expect(await pressed("flag-A-unsafe")).toBe("false");
    await page.keyboard.press("1");
    await page.keyboard.press("Enter");
    const row = () => judgmentRow(FLAGS);
    await expect.poll(() => row()).toBeTruthy();
    const { payload, slotOrder: ids } = (await row())!;
    expect(payload.flags).toEqual({ [String(ids[0])]: ["pii"], [String(ids[1])]: ["unsafe"] });
  });
});
