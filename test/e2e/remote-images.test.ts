// Remote images in model text (README "Security"): by default the workspace shows a placeholder
// naming the host and the browser fetches nothing; once the project allows remote images, they load.
import http from "node:http";
import type { AddressInfo } from "node:net";
import type { Browser } from "playwright-core";
import { Readable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { importItems } from "@/lib/services/importer";
import { createProject, getProject, updateProject } from "@/lib/services/projects";
import { chromiumOrSkip, launchChromium } from "../helpers/chromium";
import { serverInfo, signIn, systemCtx } from "../helpers/server";

const executable = chromiumOrSkip();
const SLUG = "e2e-remote-images";
/** A 1×1 transparent PNG. */
const PIXEL = Buffer.from("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=", "base64");

describe.skipIf(!executable)("remote images in the workspace", () => {
  let browser: Browser;
  let images: http.Server;
  /** The paths the image server was asked for. */
  const requested: string[] = [];
  let origin = "";

  beforeAll(async () => {
    images = http.createServer((req, res) => {
      requested.push(req.url ?? "");
      res.writeHead(200, { "content-type": "image/png", "content-length": PIXEL.length });
      res.end(PIXEL);
    });
    await new Promise<void>((resolve) => images.listen(0, "127.0.0.1", resolve));
    origin = `http://127.0.0.1:${(images.address() as AddressInfo).port}`;

    const ctx = systemCtx();
    await createProject({ ctx, input: { status: "active", slug: SLUG, name: "Remote images project", overlap: 1 } });
    const record = {
      id: "img1",
      prompt: `Describe ![prompt pic](${origin}/prompt.png)`,
      responses: [{ content: `Here: ![pixel](${origin}/pixel.png)` }, { content: `Raw <img src="${origin}/raw.png"> stays text` }],
    };
    await importItems({ ctx, input: { slug: SLUG, source: () => Readable.from([JSON.stringify(record) + "\n"]) } });
    await ctx.db.close();
    browser = await launchChromium(executable!);
  });

  afterAll(async () => {
    await browser?.close();
    await new Promise((resolve) => images?.close(resolve));
  });

  it("shows placeholders and fetches nothing by default, and loads the images once the project allows them", async () => {
    const { users, baseUrl } = serverInfo();
    const context = await browser.newContext();
    const page = await context.newPage();
    await signIn(page, users.annotator.email, users.annotator.password);
    await page.goto(`${baseUrl}/annotate/${SLUG}`);
    await page.getByTestId("assignment").waitFor();

    const placeholders = page.getByTestId("remote-image");
    await expect.poll(() => placeholders.count()).toBe(2);
    // Prompt and response alike; the slots are shuffled, so the response's is found by its alt text.
    await expect.poll(() => page.getByTestId("prompt").getByTestId("remote-image").innerText()).toBe("[image from 127.0.0.1: prompt pic]");
    const pixel = placeholders.filter({ hasText: "pixel" });
    expect(await pixel.innerText()).toBe("[image from 127.0.0.1: pixel]");
    expect(await pixel.getAttribute("aria-label")).toBe("Remote image from 127.0.0.1 (not loaded)");
    expect(await pixel.locator("a").count()).toBe(0);
    // Raw HTML in a response is shown as text, never rendered.
    await expect.poll(() => page.locator(".md", { hasText: "stays text" }).innerText()).toContain(`<img src="${origin}/raw.png">`);
    // Nothing on the page is an <img>, so nothing was or will be fetched from the image server.
    expect(await page.locator(".md img").count()).toBe(0);
    expect(requested).toEqual([]);

    const ctx = systemCtx();
    expect((await updateProject({ ctx, input: { slug: SLUG, allowRemoteImages: "yes" } })).allowRemoteImages).toBe(true);
    await ctx.db.close();

    // The same item is still leased to the annotator, so the reload shows it again, images loaded.
    await page.reload();
    await page.getByTestId("assignment").waitFor();
    await expect.poll(() => page.locator(".md img").count()).toBe(2);
    expect(await placeholders.count()).toBe(0);
    const img = page.locator(`.md img[alt="pixel"]`);
    expect(await img.getAttribute("referrerpolicy")).toBe("no-referrer");
    expect(await img.getAttribute("loading")).toBe("lazy");
    await expect.poll(() => img.evaluate((el: HTMLImageElement) => el.complete && el.naturalWidth)).toBe(1);
    await expect.poll(() => [...requested].sort()).toEqual(["/pixel.png", "/prompt.png"]);
    await context.close();
  });

  it("shows the setting on the admin settings form, which turns it off again", async () => {
    const { users, baseUrl } = serverInfo();
    const context = await browser.newContext();
    const page = await context.newPage();
    await signIn(page, users.admin.email, users.admin.password);
    await page.goto(`${baseUrl}/admin/projects/${SLUG}`);
    const select = page.getByTestId("settings-remote-images");
    await expect.poll(() => select.inputValue()).toBe("yes");
    await select.selectOption("no");
    await page.getByTestId("settings-submit").click();
    await expect.poll(() => page.getByTestId("settings-message").textContent()).toMatch(/Settings saved/);
    const ctx = systemCtx();
    expect((await getProject({ ctx, input: { slug: SLUG } })).allowRemoteImages).toBe(false);
    await ctx.db.close();
    await context.close();
  });
});
