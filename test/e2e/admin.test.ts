// The admin's screens in Chromium: create a project, upload items (a bad file, then a good one),
// add a user who can then sign in, and create an API token that works against the API; then curate
// items: an item's gold answer and priority, and a batch's priority.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { importItems } from "@/lib/services/importer";
import { createProject } from "@/lib/services/projects";
import { chromiumOrSkip, launchChromium } from "../helpers/chromium";
import { importBatchesOf, itemIdOf } from "../helpers/rows";
import { api, serverInfo, signIn, systemCtx } from "../helpers/server";

const executable = chromiumOrSkip();


describe.skipIf(!executable)("admin screens", () => {
  let browser: Browser;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "arbiter-admin-e2e-"));

  beforeAll(async () => {
    browser = await launchChromium(executable!);
  });
  afterAll(async () => {
    await browser?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("creates a project, rejects a bad file whole, imports a good one, adds a user and a token", async () => {
    const page = await (await browser.newContext()).newPage();
    await signIn(page, serverInfo().users.admin.email, serverInfo().users.admin.password);
    await page.goto(serverInfo().baseUrl + "/admin");

    // A bad slug is refused next to its field.
    await page.getByTestId("project-slug").fill("Bad Slug!");
    await page.getByTestId("project-name").fill("Admin E2E");
    await page.getByTestId("project-create").click();
    await expect.poll(() => page.getByTestId("project-slug-error").textContent()).toMatch(/lowercase/);

    await page.getByTestId("project-slug").fill("admin-e2e");
    await page.getByTestId("project-create").click();
    await page.waitForURL(/\/admin\/projects\/admin-e2e$/);

    const good = [1, 2, 3].map((i) => JSON.stringify({ id: `a${i}`, prompt: `P${i}`, responses: [{ content: "x" }, { content: "y" }] }));
    const badFile = path.join(dir, "bad.jsonl");
    fs.writeFileSync(badFile, [good[0], '{"prompt": "P", "responses": [{"content": "only one"}]}', good[1]].join("\n"));
    await page.getByTestId("import-file").setInputFiles(badFile);
    await page.getByTestId("import-submit").click();
    await page.getByTestId("import-rejected").waitFor();
    expect(await page.getByTestId("import-errors").innerText()).toMatch(/line 2: responses/);

    const goodFile = path.join(dir, "good.jsonl");
    fs.writeFileSync(goodFile, good.join("\n") + "\n");
    await page.getByTestId("import-file").setInputFiles(goodFile);
    await page.getByTestId("import-submit").click();
    await expect.poll(() => page.getByTestId("import-inserted").textContent()).toBe("3");
    await page.reload();
    expect(await page.getByTestId("progress-items").innerText()).toContain("3");
    // A new project is a draft: its checklist's Activate button opens it to annotators.
    expect(await page.getByTestId("check-items").getAttribute("data-done")).toBe("yes");
    await page.getByTestId("project-activate").click();
    await page.getByTestId("activate-message").waitFor();

    // A new annotator, whose generated password signs in.
    await page.goto(serverInfo().baseUrl + "/admin/users");
    await page.getByTestId("user-email").fill("newbie@test.local");
    await page.getByTestId("user-role").selectOption("annotator");
    await page.getByTestId("user-add").click();
    const password = (await page.getByTestId("generated-password").textContent())!.trim();
    expect(password.length).toBeGreaterThanOrEqual(12);

    await page.getByTestId("token-email").fill("newbie@test.local");
    await page.getByTestId("token-create").click();
    const token = (await page.getByTestId("new-token").textContent())!.trim();
    const res = await api("/api/v1/projects/admin-e2e/assignments/next", { method: "POST", token });
    expect(res.status).toBe(200);

    const other = await (await browser.newContext()).newPage();
    await signIn(other, "newbie@test.local", password);
    expect(await other.getByTestId("who").innerText()).toContain("annotator");
    // Annotators see no admin controls, and an admin page answers the 403 page.
    expect(await other.getByRole("link", { name: "Projects" }).count()).toBe(0);
    const refused = await other.goto(serverInfo().baseUrl + "/admin/users");
    expect(refused!.status()).toBe(403);
    expect(await other.getByTestId("forbidden-why").innerText()).toMatch(/^Only admins may open it/);
  });

  it("searches the items page, sets an item's gold answer and priority and a batch's priority, and keeps them", async () => {
    const slug = "items-e2e";
    const ctx = systemCtx();
    await createProject({ ctx, input: { status: "active", slug, name: "Items E2E" } });
    const records = Array.from({ length: 60 }, (_, i) =>
      JSON.stringify({ id: `ie-${i}`, prompt: `Item prompt ${i}`, responses: [{ content: "x", model: "model-left" }, { content: "y", model: "model-right" }] }),
    );
    await importItems({ ctx, input: { slug, source: () => Readable.from([records.join("\n") + "\n"]), sourceName: "items-e2e.jsonl" } });
    const id = await itemIdOf(ctx.db, slug, "ie-42");
    const [batchId] = await importBatchesOf(ctx.db, slug);
    await ctx.db.close();

    const page = await (await browser.newContext()).newPage();
    await signIn(page, serverInfo().users.admin.email, serverInfo().users.admin.password);
    await page.goto(`${serverInfo().baseUrl}/admin/projects/${slug}`);
    await page.getByTestId("items-link").click();
    await page.waitForURL(/\/items$/);
    expect(await page.getByTestId("items-total").innerText()).toMatch(/^60 item\(s\), 1–50 shown/);
    expect(await page.getByTestId("items-page").innerText()).toBe("Page 1 of 2");
    expect(await page.getByTestId("items-hint").innerText()).toMatch(/A is its first response/);

    // Search from the keyboard: type, Enter.
    await page.getByTestId("items-q").fill("prompt 42");
    await page.getByTestId("items-q").press("Enter");
    await page.waitForURL(/q=prompt\+42/);
    await expect.poll(() => page.getByTestId("items-total").innerText()).toMatch(/^1 item/);
    expect(await page.getByTestId(`item-${id}-external-id`).innerText()).toBe("ie-42");
    expect(await page.getByTestId(`item-${id}-models`).innerText()).toMatch(/A: model-left\s+B: model-right/);
    expect(await page.getByTestId(`item-${id}-judgments`).innerText()).toBe("0 / 3");

    // Gold answer B and priority 9, submitted with Enter from the priority field.
    await page.getByTestId(`item-${id}-gold`).selectOption("B");
    await page.getByTestId(`item-${id}-priority`).fill("9");
    await page.getByTestId(`item-${id}-priority`).press("Enter");
    await expect.poll(() => page.getByTestId(`item-${id}-message`).textContent()).toBe(`Saved item ${id}: priority 9, gold B.`);
    await expect.poll(() => page.getByTestId(`item-${id}-gold-value`).innerText()).toBe("B");
    expect(await page.getByTestId(`item-${id}-priority-value`).innerText()).toBe("9");
    // The form shows what was saved, so a second save does not undo the first.
    expect(await page.getByTestId(`item-${id}-gold`).inputValue()).toBe("B");
    expect(await page.getByTestId(`item-${id}-priority`).inputValue()).toBe("9");

    // Out of range: the browser refuses it; a browser that does not check gets the server's message.
    const priority = page.getByTestId(`item-${id}-priority`);
    await priority.fill("1e9");
    await page.getByTestId(`item-${id}-save`).click();
    expect(await priority.evaluate((el: HTMLInputElement) => el.validity.rangeOverflow)).toBe(true);
    await priority.evaluate((el: HTMLInputElement) => {
      el.form!.noValidate = true;
    });
    await page.getByTestId(`item-${id}-save`).click();
    await expect.poll(() => page.getByTestId(`item-${id}-priority-error`).textContent()).toBe("must be at most 1000000");
    expect(await page.getByTestId(`item-${id}-message`).textContent()).toBe("Please fix the fields marked below.");
    expect(await page.getByTestId(`item-${id}-gold`).inputValue()).toBe("B");

    // After a reload the saved values are still there, and the gold filter finds the item.
    await page.reload();
    expect(await page.getByTestId(`item-${id}-priority-value`).innerText()).toBe("9");
    expect(await page.getByTestId(`item-${id}-gold-value`).innerText()).toBe("B");
    expect(await page.getByTestId(`item-${id}-priority`).inputValue()).toBe("9");
    expect(await page.getByTestId(`item-${id}-gold`).inputValue()).toBe("B");
    await page.getByTestId("items-q").fill("");
    await page.getByTestId("items-filter").selectOption("gold");
    await page.getByTestId("items-search").click();
    await page.waitForURL(/filter=gold/);
    await expect.poll(() => page.getByTestId("items-total").innerText()).toMatch(/^1 item/);
    expect(await page.getByTestId(`item-${id}-row`).count()).toBe(1);

    // The whole batch to priority 3 (replacing item 42's own 9).
    expect(await page.getByTestId(`batch-${batchId}-row`).innerText()).toMatch(/items-e2e\.jsonl\s+60/);
    expect(await page.getByTestId(`batch-${batchId}-priority-value`).innerText()).toBe("9");
    await page.getByTestId(`batch-${batchId}-priority`).fill("3");
    await page.getByTestId(`batch-${batchId}-save`).click();
    await expect.poll(() => page.getByTestId(`batch-${batchId}-message`).textContent()).toBe(`Set priority 3 on the 60 item(s) of batch ${batchId}.`);
    await page.reload();
    expect(await page.getByTestId(`batch-${batchId}-priority-value`).innerText()).toBe("3");
    expect(await page.getByTestId(`item-${id}-priority-value`).innerText()).toBe("3");
  });
});
