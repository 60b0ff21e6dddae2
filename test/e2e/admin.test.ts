// The admin's screens in Chromium: create a project, upload items (a bad file, then a good one),
// add a user who can then sign in, and create an API token that works against the API.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chromiumOrSkip, launchChromium } from "../helpers/chromium";
import { api, serverInfo, signIn } from "../helpers/server";

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
    const res = await api("/api/v1/projects/admin-e2e/tasks/next", { method: "POST", token });
    expect(res.status).toBe(200);

    const other = await (await browser.newContext()).newPage();
    await signIn(other, "newbie@test.local", password);
    expect(await other.getByTestId("who").innerText()).toContain("annotator");
    // Annotators see no admin controls and are sent away from admin pages.
    expect(await other.getByRole("link", { name: "Projects" }).count()).toBe(0);
    await other.goto(serverInfo().baseUrl + "/admin/users");
    expect(new URL(other.url()).pathname).not.toBe("/admin/users");
  });
});
