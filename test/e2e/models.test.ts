// Models in the loop in Chromium: an admin adds an endpoint on the Models page with its key typed
// into the form (the key never comes back in any page, payload or action answer), tests it, adds two
// contenders and edits one (version 2); then on a project's admin page uploads prompts and starts a
// generation against a slowed test model server, watching the counts move to the end, and cancels a
// second one. Form errors land next to their fields; managers and annotators are refused the page.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createProject } from "@/lib/services/projects";
import { chromiumOrSkip, launchChromium } from "../helpers/chromium";
import { answerFor, startModelServer, type ModelServer } from "../helpers/model-server";
import { serverInfo, signIn, systemCtx } from "../helpers/server";

const executable = chromiumOrSkip();
const SLUG = "models-e2e";
const KEY = "sk-ui-7c4f19b2e0-SECRET";
const KEY_MARK = "7c4f19b2e0";
const PROMPTS = 8;

describe.skipIf(!executable)("models in the loop on the admin pages", () => {
  let browser: Browser;
  let model: ModelServer;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "arbiter-models-e2e-"));

  beforeAll(async () => {
    // Slow enough that a run of 16 responses, one at a time, takes several seconds: progress is seen moving.
    model = await startModelServer({ firstChunkDelayMs: 250, chunkDelayMs: 20 });
    const ctx = systemCtx();
    await createProject({ ctx, input: { status: "active", slug: SLUG, name: "Models E2E" } });
    await ctx.db.close();
    browser = await launchChromium(executable!);
  });
  afterAll(async () => {
    await browser?.close();
    await model?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  /** Every text body the browser received from the server, to look for the key in. */
  function recordBodies(page: Page): string[] {
    const bodies: string[] = [];
    page.on("response", (response) => {
      void response.text().then(
        (text) => bodies.push(text),
        () => {},
      );
    });
    return bodies;
  }

  it("adds an endpoint with a typed key that is never shown again, tests it, adds and edits contenders", async () => {
    const page = await (await browser.newContext()).newPage();
    const bodies = recordBodies(page);
    await signIn(page, serverInfo().users.admin.email, serverInfo().users.admin.password);
    await page.goto(serverInfo().baseUrl + "/admin");
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Models" }).click();
    await page.waitForURL(/\/admin\/models$/);

    // A bad URL is refused next to its field, and the form keeps what was typed, but not the key.
    await page.getByTestId("endpoint-name").fill("ui-local");
    await page.getByTestId("endpoint-base-url").fill("not a url");
    await page.getByTestId("endpoint-model").fill("test-model");
    await page.getByTestId("endpoint-api-key").fill(KEY);
    await page.getByTestId("endpoint-add").click();
    await expect.poll(() => page.getByTestId("endpoint-base-url-error").textContent()).toMatch(/must be a URL/);
    expect(await page.getByTestId("endpoint-name").inputValue()).toBe("ui-local");
    expect(await page.getByTestId("endpoint-model").inputValue()).toBe("test-model");

    await page.getByTestId("endpoint-base-url").fill(model.baseUrl);
    await page.getByTestId("endpoint-api-key").fill(KEY);
    await page.getByTestId("endpoint-max-concurrency").fill("1");
    await page.getByTestId("endpoint-price-in").fill("0.5");
    await page.getByTestId("endpoint-add").click();
    await expect.poll(() => page.getByTestId("endpoint-message").textContent()).toBe("Added endpoint ui-local (key: stored).");
    const row = page.getByTestId("endpoint-row-ui-local");
    expect(await row.locator("td").allInnerTexts()).toEqual([model.baseUrl, "test-model", "stored", "1", "120 s", "$0.5 / –", "Test"]);
    expect(await page.getByTestId("endpoint-api-key").inputValue()).toBe("");

    // The same name again: refused next to the name.
    await page.getByTestId("endpoint-name").fill("ui-local");
    await page.getByTestId("endpoint-base-url").fill(model.baseUrl);
    await page.getByTestId("endpoint-model").fill("other");
    await page.getByTestId("endpoint-add").click();
    await expect.poll(() => page.getByTestId("endpoint-name-error").textContent()).toBe('an endpoint named "ui-local" already exists');
    expect(await page.getByTestId("endpoint-model").inputValue()).toBe("other");

    // Test: the latency and the model's reply, sent with the stored key.
    await page.getByTestId("endpoint-test-ui-local").click();
    await page.getByTestId("endpoint-test-reply-ui-local").waitFor();
    expect(await page.getByTestId("endpoint-test-reply-ui-local").innerText()).toBe(answerFor(null, "Reply with one short sentence: are you there?"));
    const latency = Number((await page.getByTestId("endpoint-test-latency-ui-local").innerText()).replace(/ ms$/, ""));
    expect(latency).toBeGreaterThanOrEqual(250); // the server waits 250 ms before its first chunk
    expect(model.served.at(-1)!.authorization).toBe(`Bearer ${KEY}`);

    // A key named by an environment variable the server lacks: listed as env:VAR; its Test says why it cannot call.
    await page.getByTestId("endpoint-name").fill("ui-envkey");
    await page.getByTestId("endpoint-base-url").fill(model.baseUrl);
    await page.getByTestId("endpoint-model").fill("test-model");
    await page.getByTestId("endpoint-api-key-env").fill("ARBITER_UI_TEST_KEY_UNSET");
    await page.getByTestId("endpoint-add").click();
    await expect.poll(() => page.getByTestId("endpoint-key-ui-envkey").textContent()).toBe("env:ARBITER_UI_TEST_KEY_UNSET");
    await page.getByTestId("endpoint-test-ui-envkey").click();
    await expect
      .poll(() => page.getByTestId("endpoint-test-error-ui-envkey").textContent())
      .toBe('Endpoint "ui-envkey": the environment variable ARBITER_UI_TEST_KEY_UNSET that holds its API key is not set.');

    // Two contenders; a template without {prompt} is refused next to it, keeping the rest.
    await page.getByTestId("contender-name").fill("ui-alpha");
    await page.getByTestId("contender-endpoint").selectOption("ui-local");
    await page.getByTestId("contender-system").fill("alpha persona\nAnswer briefly.");
    await page.getByTestId("contender-template").fill("Question: no placeholder");
    await page.getByTestId("contender-add").click();
    await expect.poll(() => page.getByTestId("contender-template-error").textContent()).toMatch(/must contain \{prompt\}/);
    expect(await page.getByTestId("contender-system").inputValue()).toBe("alpha persona\nAnswer briefly.");
    await page.getByTestId("contender-template").fill("Question: {prompt}");
    await page.getByTestId("contender-add").click();
    await expect.poll(() => page.getByTestId("contender-message").textContent()).toBe("Added contender ui-alpha (version 1).");
    await page.getByTestId("contender-name").fill("ui-beta");
    await page.getByTestId("contender-endpoint").selectOption("ui-local");
    await page.getByTestId("contender-system").fill("beta persona");
    await page.getByTestId("contender-seed").fill("7");
    await page.getByTestId("contender-add").click();
    await expect.poll(() => page.getByTestId("contender-message").textContent()).toBe("Added contender ui-beta (version 1).");
    expect(await page.getByTestId("contender-version-ui-beta").innerText()).toBe("1");

    // Editing ui-beta makes version 2, which the table and the history show; v1 stays listed.
    await page.getByTestId("contender-edit-ui-beta").locator("summary").click();
    expect(await page.getByTestId("edit-ui-beta-seed").inputValue()).toBe("7");
    await page.getByTestId("edit-ui-beta-temperature").fill("3");
    await page.getByTestId("edit-ui-beta-save").click();
    await expect.poll(() => page.getByTestId("edit-ui-beta-temperature-error").textContent()).toBe("must be at most 2");
    await page.getByTestId("edit-ui-beta-temperature").fill("0.5");
    await page.getByTestId("edit-ui-beta-save").click();
    await expect.poll(() => page.getByTestId("contender-version-ui-beta").textContent()).toBe("2");
    const history = page.getByTestId("contender-versions-ui-beta").locator("tbody tr");
    expect(await history.locator("td:first-child").allInnerTexts()).toEqual(["2", "1"]);
    expect(await history.first().locator("td").nth(3).innerText()).toBe("0.5");
    expect(await page.getByTestId("edit-ui-beta-save").innerText()).toBe("Save as version 3");

    // The key is nowhere: not in the page, its RSC payload, nor any answer the browser got.
    const html = await page.request.get(serverInfo().baseUrl + "/admin/models");
    const rsc = await page.request.get(serverInfo().baseUrl + "/admin/models", { headers: { RSC: "1" } });
    expect(rsc.status()).toBe(200);
    for (const body of [await page.content(), await html.text(), await rsc.text(), ...bodies]) expect(body).not.toContain(KEY_MARK);
    expect(bodies.length).toBeGreaterThan(5);
  });

  it("generates from uploaded prompts with progress moving to the end, lists failures, and cancels another run", async () => {
    const page = await (await browser.newContext()).newPage();
    await signIn(page, serverInfo().users.admin.email, serverInfo().users.admin.password);
    await page.goto(serverInfo().baseUrl + `/admin/projects/${SLUG}`);
    const panel = page.getByRole("region", { name: "Generate responses" });
    expect(await panel.getByTestId("generation-runs-empty").count()).toBe(1);

    // A bad prompts file: its line is named next to the prompts, nothing starts.
    const bad = path.join(dir, "bad.jsonl");
    fs.writeFileSync(bad, ['{"id": "q0", "prompt": "fine"}', '{"id": "q1"}', '{"prompt": "also fine"}'].join("\n") + "\n");
    await page.getByTestId("generate-file").setInputFiles(bad);
    await page.getByTestId("generate-contender-ui-alpha").check();
    await page.getByTestId("generate-start").click();
    await expect.poll(() => page.getByTestId("generate-contenders-error").textContent()).toBe("choose at least two contenders");
    await page.getByTestId("generate-contender-ui-beta").check();
    await page.getByTestId("generate-start").click();
    await expect.poll(() => page.getByTestId("generate-prompts-error").textContent()).toMatch(/^1 invalid prompt row\(s\): line 2: /);
    expect(await page.getByTestId("generate-contender-ui-beta").isChecked()).toBe(true);
    expect(await panel.getByTestId("generation-runs-empty").count()).toBe(1);

    // 8 prompts × 2 contenders, one request at a time; the answer for prompt q3 comes back broken once.
    const good = path.join(dir, "prompts.jsonl");
    fs.writeFileSync(good, Array.from({ length: PROMPTS }, (_, i) => JSON.stringify({ id: `q${i}`, prompt: `ui prompt number ${i}` })).join("\n") + "\n");
    model.inject({ kind: "malformed" }, 1, "Question: ui prompt number 3");
    await page.getByTestId("generate-file").setInputFiles(good);
    await page.getByTestId("generate-start").click();
    await expect.poll(() => page.getByTestId("generate-message").textContent()).toMatch(/^Started generation \d+: 16 responses to get\.$/);
    const id = Number(/generation (\d+)/.exec((await page.getByTestId("generate-message").textContent())!)![1]);
    const responses = page.getByTestId(`generation-${id}-responses`);
    // Part-way: some responses stored, the run still running, a Cancel button offered.
    await responses.filter({ hasText: /^(?:[1-9]|1[0-4]) \/ 16$/ }).waitFor({ timeout: 20_000 });
    expect(await page.getByTestId(`generation-${id}-status`).innerText()).toBe("running");
    expect(await page.getByTestId(`generation-${id}-cancel`).count()).toBe(1);
    // The end: 15 responses, 1 failure (listed with its prompt and contender), 7 items (q3's pair lacks one side).
    await page.getByTestId(`generation-${id}-status`).filter({ hasText: /^done$/ }).waitFor({ timeout: 30_000 });
    expect(await responses.innerText()).toBe("15 / 16");
    expect(await page.getByTestId(`generation-${id}-failed`).innerText()).toBe("1");
    expect(await page.getByTestId(`generation-${id}-items`).innerText()).toBe("7");
    expect(await page.getByTestId(`generation-${id}-failures`).innerText()).toMatch(/^prompt q3, ui-(alpha|beta): \S/);
    expect(await page.getByTestId(`generation-${id}-cancel`).count()).toBe(0);
    // The project's figures above were refreshed: its 7 new items.
    await expect.poll(() => page.getByTestId("progress-items").textContent()).toBe("7");
    expect(model.served.filter((s) => s.prompt.startsWith("Question: ui prompt")).length).toBe(7);

    // A second run, pasted, with random pairing: cancelled while it works, it makes no items.
    await page.getByTestId("generate-file").setInputFiles([]);
    await page.getByTestId("generate-text").fill(Array.from({ length: 20 }, (_, i) => JSON.stringify({ prompt: `cancel me ${i}` })).join("\n"));
    await page.getByTestId("generate-pairing").selectOption("random");
    await page.getByTestId("generate-k").fill("1");
    await page.getByTestId("generate-start").click();
    await expect.poll(() => page.getByTestId("generate-message").textContent()).toMatch(/^Started generation \d+: 40 responses to get\.$/);
    const second = Number(/generation (\d+)/.exec((await page.getByTestId("generate-message").textContent())!)![1]);
    expect(second).toBeGreaterThan(id);
    // Newest first.
    expect(await page.getByTestId("generation-runs").locator("li.run").first().getAttribute("data-testid")).toBe(`generation-${second}`);
    await page.getByTestId(`generation-${second}-responses`).filter({ hasText: /^[1-9]\d* \/ 40$/ }).waitFor({ timeout: 20_000 });
    await page.getByTestId(`generation-${second}-cancel`).click();
    await page.getByTestId(`generation-${second}-status`).filter({ hasText: /^cancelled$/ }).waitFor();
    expect(await page.getByTestId(`generation-${second}-items`).innerText()).toBe("0");
    expect(await page.getByTestId(`generation-${second}-cancel`).count()).toBe(0);
    // No run is running now: the page stops asking for progress.
    let polls = 0;
    page.on("request", (request) => {
      if (request.url().includes("/api/v1/generations/")) polls++;
    });
    await page.waitForTimeout(2500);
    expect(polls).toBe(0);
    // After a reload the runs come from the server: the same figures, no items added to the project.
    await page.reload();
    expect(await page.getByTestId(`generation-${second}-status`).innerText()).toBe("cancelled");
    expect(await page.getByTestId(`generation-${id}-items`).innerText()).toBe("7");
    expect(await page.getByTestId("progress-items").innerText()).toBe("7");
  });

  it("fits a phone: no sideways page scroll on the Models page or the project page, and works by keyboard", async () => {
    const context = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
    const page = await context.newPage();
    await signIn(page, serverInfo().users.admin.email, serverInfo().users.admin.password);
    for (const where of ["/admin/models", `/admin/projects/${SLUG}`]) {
      await page.goto(serverInfo().baseUrl + where);
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    }
    // Keyboard only: Tab to the endpoint's Test button and press Enter; Tab on to the contender's edit and open it.
    await page.goto(serverInfo().baseUrl + "/admin/models");
    const focused = () => page.evaluate(() => document.activeElement?.getAttribute("data-testid") ?? document.activeElement?.textContent?.trim() ?? "");
    async function tabTo(target: (id: string) => boolean): Promise<void> {
      for (let i = 0; i < 150 && !target(await focused()); i++) await page.keyboard.press("Tab");
      expect(target(await focused())).toBe(true);
    }
    await tabTo((id) => id === "endpoint-test-ui-local");
    await page.keyboard.press("Enter");
    await page.getByTestId("endpoint-test-reply-ui-local").waitFor();
    await tabTo((id) => id.startsWith("ui-alpha") && id.includes("version"));
    await page.keyboard.press("Enter");
    expect(await page.getByTestId("contender-edit-ui-alpha").getAttribute("open")).toBe("");
    await page.keyboard.press("Tab");
    expect(await focused()).toBe("edit-ui-alpha-endpoint");
    await context.close();
  });

  it("refuses the Models page to managers and annotators, and does not link it for them", async () => {
    for (const who of ["manager", "annotator"] as const) {
      const page = await (await browser.newContext()).newPage();
      const account = serverInfo().users[who];
      await signIn(page, account.email, account.password);
      expect(await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Models" }).count()).toBe(0);
      const refused = await page.goto(serverInfo().baseUrl + "/admin/models");
      expect(refused!.status()).toBe(403);
      expect(await page.getByTestId("forbidden-why").innerText()).toMatch(/^Only admins may open it/);
      await page.context().close();
    }
  });
});
