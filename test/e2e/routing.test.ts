// Routing by skill in Chromium: an annotator narrows their stream to one of their skills from the
// workspace's stream control (by keyboard), and from then on is served only items tagged with it;
// an admin sets skills and imports a CSV of users on the Users page.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { Browser } from "playwright-core";
import { Readable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { jsonText } from "@/db/engine";
import { USER_INSERT } from "@/db/queries/users";
import { importItems } from "@/lib/services/importer";
import { createProject, updateProject } from "@/lib/services/projects";
import { chromiumOrSkip, expectTextSettles, launchChromium } from "../helpers/chromium";
import { quickHash } from "../helpers/db";
import { skillsOf } from "../helpers/rows";
import { serverInfo, signIn, systemCtx } from "../helpers/server";

const executable = chromiumOrSkip();
const SLUG = "e2e-routing";
const EMAIL = "router@e2e.local";
const PASSWORD = "router-password-1";

describe.skipIf(!executable)("narrowing the workspace stream to a skill", () => {
  let browser: Browser;

  beforeAll(async () => {
    const ctx = systemCtx();
    await createProject({ ctx, input: { slug: SLUG, name: "Routing project", overlap: 1 } });
    // Import order puts untagged and medical items first: narrowed to code, none of them may show.
    const records = [
      { id: "plain-1", prompt: "Untagged question one?", responses: ["a", "b"] },
      { id: "med-1", prompt: "Medical question one?", responses: ["a", "b"], tags: ["medical"] },
      { id: "code-1", prompt: "Code question one?", responses: ["a", "b"], tags: ["code"] },
      { id: "plain-2", prompt: "Untagged question two?", responses: ["a", "b"] },
      { id: "code-2", prompt: "Code question two?", responses: ["a", "b"], tags: ["code", "medical"] },
    ];
    await importItems({ ctx, input: { slug: SLUG, source: () => Readable.from([records.map((r) => JSON.stringify(r)).join("\n") + "\n"]) } });
    await updateProject({ ctx, input: { slug: SLUG, status: "active", orderPolicy: "import", routing: "required" } });
    await ctx.db.first(USER_INSERT, [EMAIL, "Router", "annotator", quickHash(PASSWORD), jsonText(["code", "medical"])]);
    await ctx.db.close();
    browser = await launchChromium(executable!);
  });

  afterAll(async () => {
    await browser?.close();
  });

  it("serves only code items once the annotator ticks code and applies, and nothing else after them", async () => {
    const { baseUrl } = serverInfo();
    const context = await browser.newContext();
    const page = await context.newPage();
    await signIn(page, EMAIL, PASSWORD);
    await page.goto(`${baseUrl}/annotate/${SLUG}`);
    const prompt = page.getByTestId("prompt");
    // Unnarrowed, the stream starts in import order with the untagged item.
    await prompt.filter({ hasText: "Untagged question one?" }).waitFor();

    // The stream control, by keyboard: open it, tick "code" with Space, apply with Enter.
    const filter = page.getByTestId("stream-filter");
    await filter.locator("summary").focus();
    await page.keyboard.press("Enter");
    const code = page.getByRole("checkbox", { name: "code", exact: true });
    await code.focus();
    await page.keyboard.press("Space");
    expect(await code.isChecked()).toBe(true);
    await page.getByTestId("stream-apply").focus();
    await page.keyboard.press("Enter");
    // Applying reloads the workspace; wait for the new stream's summary (however long that takes).
    await filter.locator("summary", { hasText: "items needing code" }).waitFor();
    expect(await filter.locator("summary").innerText()).toBe("Your stream: items needing code");
    const seen: string[] = [];
    for (;;) {
      // Wait for the workspace to settle on the next item or on "done" (Playwright waits for the
      // element itself, however long the claim takes on a loaded machine).
      await page.locator("[data-testid=done], [data-testid=assignment]").first().waitFor();
      if (await page.getByTestId("done").count()) break;
      seen.push((await prompt.innerText()).trim());
      // Which assignment is on screen, read without waiting for one to appear ("none" once done).
      const shown = () => page.evaluate(() => document.querySelector("[data-testid=assignment]")?.getAttribute("data-assignment") ?? "none");
      const before = await shown();
      await page.getByTestId("choice-A").click();
      await page.getByTestId("submit").click();
      await page.waitForFunction(
        (previous) => (document.querySelector("[data-testid=assignment]")?.getAttribute("data-assignment") ?? "none") !== previous,
        before,
      );
    }
    // The untagged and the medical-only items before them in import order were never shown again.
    expect(seen).toHaveLength(2);
    expect(seen[0]).toContain("Code question one?");
    expect(seen[1]).toContain("Code question two?");
    await context.close();
  });

  it("lets an admin set a user's skills and import a CSV of users on the Users page", async () => {
    const { baseUrl, users: accounts } = serverInfo();
    const context = await browser.newContext();
    const page = await context.newPage();
    await signIn(page, accounts.admin.email, accounts.admin.password);
    await page.goto(`${baseUrl}/admin/users`);
    const field = page.getByTestId(`user-skills-${EMAIL}`);
    await expect.poll(() => field.inputValue()).toBe("code, medical");
    await field.fill("Law, code, c++");
    await page.getByTestId(`user-skills-save-${EMAIL}`).click();
    await expectTextSettles(page.getByTestId(`user-skills-message-${EMAIL}`), 'Skills: "c++" is not a valid tag: use lowercase letters, digits and : - _ . (1–40 characters)');
    await field.fill("Law, code");
    await page.getByTestId(`user-skills-save-${EMAIL}`).click();
    await expectTextSettles(page.getByTestId(`user-skills-message-${EMAIL}`), `${EMAIL}: code, law.`);

    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "arbiter-e2e-users-"));
    fs.writeFileSync(path.join(dir, "bad.csv"), "email,name,role,skills\nnew@e2e.local,New,annotator,medical\nbroken,X,annotator,\n");
    await page.getByTestId("users-import-file").setInputFiles(path.join(dir, "bad.csv"));
    await page.getByTestId("users-import-submit").click();
    await expectTextSettles(page.getByTestId("users-import-errors"), "Line 3 (email): must be an email address");
    fs.writeFileSync(path.join(dir, "good.csv"), "email,name,role,skills\nnew@e2e.local,New,annotator,medical;lang:de\n");
    await page.getByTestId("users-import-file").setInputFiles(path.join(dir, "good.csv"));
    await page.getByTestId("users-import-submit").click();
    await expectTextSettles(page.getByTestId("users-import-message"), "Created 1 user(s), updated 0.");
    expect(await page.getByTestId("users-import-passwords").innerText()).toContain("new@e2e.local");
    await expect.poll(() => page.getByTestId("user-skills-new@e2e.local").inputValue()).toBe("lang:de, medical");
    const ctx = systemCtx();
    expect(await skillsOf(ctx.db, EMAIL)).toEqual(["code", "law"]);
    await ctx.db.close();
    fs.rmSync(dir, { recursive: true, force: true });
    await context.close();
  });
});
