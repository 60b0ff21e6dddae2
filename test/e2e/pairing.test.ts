// Adaptive pairing from the settings form (README "Adaptive pairing"): an admin turns it on, and the
// annotator's next item is one of the contender pair the judgments have not yet told apart.
import type { Browser } from "playwright-core";
import { Readable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { importItems } from "@/lib/services/importer";
import { createProject, getProject } from "@/lib/services/projects";
import { chromiumOrSkip, launchChromium } from "../helpers/chromium";
import { serverInfo, signIn, systemCtx } from "../helpers/server";

const executable = chromiumOrSkip();
const SLUG = "e2e-pairing";

const generated = (id: string, a: string, b: string, choice?: string) => ({
  id,
  prompt: `Prompt ${id}`,
  responses: [a, b].map((c) => ({ content: `${c} answers ${id}`, model: c, metadata: { contender: c, contender_version: 1 } })),
  ...(choice ? { annotations: [{ annotator: "ada", choice }] } : {}),
});

describe.skipIf(!executable)("adaptive pairing on the settings form", () => {
  let browser: Browser;

  beforeAll(async () => {
    const ctx = systemCtx();
    await createProject({ ctx, input: { status: "active", slug: SLUG, name: "Pairing project", overlap: 1 } });
    // Alpha beat beta and gamma 30 times each, beta and gamma split two; then open items of each
    // pair, alpha's first (import order would serve them first).
    const records = [
      ...Array.from({ length: 30 }, (_, i) => generated(`ab${i}`, "alpha", "beta", "A")),
      ...Array.from({ length: 30 }, (_, i) => generated(`ag${i}`, "alpha", "gamma", "A")),
      generated("bg-a", "beta", "gamma", "A"),
      generated("bg-b", "beta", "gamma", "B"),
      ...Array.from({ length: 3 }, (_, i) => generated(`open-ab${i}`, "alpha", "beta")),
      ...Array.from({ length: 3 }, (_, i) => generated(`open-ag${i}`, "alpha", "gamma")),
      generated("open-bg", "beta", "gamma"),
    ];
    await importItems({ ctx, input: { slug: SLUG, source: () => Readable.from([records.map((r) => JSON.stringify(r)).join("\n") + "\n"]) } });
    await ctx.db.close();
    browser = await launchChromium(executable!);
  });

  afterAll(async () => {
    await browser?.close();
  });

  it("turns adaptive pairing on, after which the annotator is served the undecided pair first", async () => {
    const { users, baseUrl } = serverInfo();
    const admin = await browser.newContext();
    const page = await admin.newPage();
    await signIn(page, users.admin.email, users.admin.password);
    await page.goto(`${baseUrl}/admin/projects/${SLUG}`);
    const select = page.getByRole("combobox", { name: "Contender pairing" });
    await expect.poll(() => select.inputValue()).toBe("uniform");
    await page.getByTestId("settings-contender-pairing").selectOption("adaptive");
    await page.getByTestId("settings-submit").click();
    await expect.poll(() => page.getByTestId("settings-message").textContent()).toMatch(/Settings saved/);
    const ctx = systemCtx();
    expect((await getProject({ ctx, input: { slug: SLUG } })).contenderPairing).toBe("adaptive");
    await ctx.db.close();
    await admin.close();

    const annotator = await browser.newContext();
    const work = await annotator.newPage();
    await signIn(work, users.annotator.email, users.annotator.password);
    await work.goto(`${baseUrl}/annotate/${SLUG}`);
    await work.getByTestId("assignment").waitFor();
    const shown: string[] = [];
    for (const s of ["A", "B"]) shown.push((await work.getByTestId(`candidate-${s}`).locator(".md").innerText()).trim());
    expect(shown.sort()).toEqual(["beta answers open-bg", "gamma answers open-bg"]);
    await annotator.close();
  });
});
