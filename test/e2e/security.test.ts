// Security in Chromium (README "Security"): every page, as each role, runs under the Content-Security-
// Policy with no violation (KaTeX, code highlighting, the charts and the admin forms included) and
// sends the security headers; and a page on another port cannot make a signed-in admin's browser
// write to Arbiter.
import fs from "node:fs";
import http from "node:http";
import path from "node:path";
import { Readable } from "node:stream";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { importItems } from "@/lib/services/importer";
import { createProject } from "@/lib/services/projects";
import { chromiumOrSkip, launchChromium } from "../helpers/chromium";
import { freePort } from "../helpers/net";
import { api, serverInfo, signIn, systemCtx } from "../helpers/server";

const executable = chromiumOrSkip();
const SLUG = "csp-e2e";
type Role = "admin" | "manager" | "annotator";

/**
 * Every page of app/ (a new page must be added: the first test checks the list against the
 * folders). Each is visited as every role; a role that may not see it is shown the 403 or
 * not-found page, which must run under the policy too.
 */
const PAGES: string[] = [
  "/",
  "/login",
  "/annotate",
  `/annotate/${SLUG}`,
  `/annotate/${SLUG}/history`,
  "/manage",
  `/manage/${SLUG}`,
  `/manage/${SLUG}/adjudication`,
  `/manage/${SLUG}/report`,
  `/manage/${SLUG}/qualification`,
  "/admin",
  `/admin/projects/${SLUG}`,
  `/admin/projects/${SLUG}/items`,
  "/admin/users",
  "/admin/audit",
  "/admin/models",
  "/account",
];
/** Pages that are not part of the product: the benchmark's empty page. */
const NOT_PAGES = ["/bench/empty"];

// Markdown with display and inline math, a code block and a table: what KaTeX and the highlighter render.
const RICH = [
  "The integral $\\int_0^1 x^2\\,dx = \\frac{1}{3}$, and in display:",
  "$$\\sum_{k=1}^{n} k = \\frac{n(n+1)}{2}$$",
  "```python\ndef area(r):\n    return 3.14159 * r ** 2  # circle\n```",
  "| a | b |\n|---|---|\n| 1 | 2 |",
].join("\n\n");

/** Collects CSP violations in the page, from before its first script runs. */
const LISTEN = `
  window.__cspViolations = [];
  document.addEventListener("securitypolicyviolation", (e) => {
    window.__cspViolations.push(e.violatedDirective + " blocked " + (e.blockedURI || "inline") + " at " + e.sourceFile + ":" + e.lineNumber + " " + (e.sample || ""));
  }, true);
`;

async function violations(page: Page): Promise<string[]> {
  return page.evaluate(() => (window as unknown as { __cspViolations: string[] }).__cspViolations ?? []);
}

describe.skipIf(!executable)("content security policy in Chromium", () => {
  let browser: Browser;

  beforeAll(async () => {
    const ctx = systemCtx();
    // Overlap 4 over three imported raters: every item still wants a judgment from the annotator.
    await createProject({ ctx, input: { status: "active", slug: SLUG, name: "CSP E2E", overlap: 4 } });
    const records = Array.from({ length: 6 }, (_, i) => ({
      id: `c${i}`,
      prompt: `Question ${i}: ${RICH}`,
      responses: [
        { content: `Answer ${i}. ${RICH}`, model: "alpha" },
        { content: `Other ${i}: $e^{i\\pi} + 1 = 0$`, model: "beta" },
      ],
      // Disagreeing raters, so the dashboards have charts and the adjudication queue has items.
      annotations: ["ra", "rb", "rc"].map((annotator, r) => ({ annotator, choice: (i + r) % 2 === 0 ? "A" : "B" })),
    }));
    await importItems({ ctx, input: { slug: SLUG, source: () => Readable.from(records.map((r) => JSON.stringify(r) + "\n")) } });
    await ctx.db.close();
    browser = await launchChromium(executable!);
  });
  afterAll(async () => {
    await browser?.close();
  });

  it("the page list names every page under app/", () => {
    const root = path.resolve(__dirname, "../../app");
    const found: string[] = [];
    const walk = (dir: string) => {
      for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
        if (e.isDirectory() && e.name !== "api") walk(path.join(dir, e.name));
        else if (e.name === "page.tsx") found.push("/" + path.relative(root, dir).split(path.sep).filter((s) => !/^\(.*\)$/.test(s)).join("/"));
      }
    };
    walk(root);
    const pattern = (route: string) => new RegExp(`^${route.replace(/\[[^\]]+\]/g, "[^/]+")}$`);
    for (const route of found) {
      expect([...PAGES, ...NOT_PAGES].some((p) => pattern(route).test(p)), `app${route}/page.tsx is missing from PAGES`).toBe(true);
    }
  });

  async function visitAll(page: Page, label: string) {
    for (const url of PAGES) {
      const res = await page.goto(serverInfo().baseUrl + url, { waitUntil: "networkidle" });
      expect(res, url).not.toBeNull();
      const headers = res!.headers();
      expect(headers["content-security-policy"], `${label} ${url}`).toMatch(/script-src 'self' 'nonce-[^']+' 'strict-dynamic'.*frame-ancestors 'none'/);
      expect(headers["x-content-type-options"]).toBe("nosniff");
      expect(headers["referrer-policy"]).toBe("strict-origin-when-cross-origin");
      expect(headers["permissions-policy"]).toBeTruthy();
      if (url === `/annotate/${SLUG}` && label !== "manager") {
        await page.getByTestId("assignment").waitFor();
        await page.locator(".katex").first().waitFor();
      }
      if (url === `/manage/${SLUG}` && label !== "annotator") await page.locator("svg.recharts-surface").first().waitFor();
      expect(await violations(page), `${label} ${url}`).toEqual([]);
    }
  }

  it.each<Role>(["admin", "manager", "annotator"])("every page as %s runs without a CSP violation", async (role) => {
    const context = await browser.newContext();
    await context.addInitScript(LISTEN);
    const page = await context.newPage();
    const user = serverInfo().users[role];
    await signIn(page, user.email, user.password);
    expect(await violations(page)).toEqual([]);
    await visitAll(page, role);
    await context.close();
  });

  it("an anonymous visitor's login page and an admin's form submission run without a violation", async () => {
    const context = await browser.newContext();
    await context.addInitScript(LISTEN);
    const page = await context.newPage();
    await page.goto(serverInfo().baseUrl + "/login", { waitUntil: "networkidle" });
    expect(await violations(page)).toEqual([]);

    // A server action (creating a project) and the client navigation after it.
    await signIn(page, serverInfo().users.admin.email, serverInfo().users.admin.password);
    await page.goto(serverInfo().baseUrl + "/admin", { waitUntil: "networkidle" });
    await page.getByTestId("project-slug").fill("csp-form");
    await page.getByTestId("project-name").fill("CSP form");
    await page.getByTestId("project-create").click();
    await page.waitForURL(/\/admin\/projects\/csp-form$/);
    await page.waitForLoadState("networkidle");
    expect(await violations(page)).toEqual([]);
    await context.close();
  });
});

describe.skipIf(!executable)("forged requests in Chromium", () => {
  let browser: Browser;
  let evil: http.Server;
  let evilUrl: string;
  let itemId: number;
  const FORGED = "forged-e2e";

  beforeAll(async () => {
    const ctx = systemCtx();
    await createProject({ ctx, input: { status: "active", slug: FORGED, name: "Forged E2E", overlap: 1 } });
    await importItems({ ctx, input: { slug: FORGED, source: () => Readable.from([JSON.stringify({ id: "f0", prompt: "p", responses: ["a", "b"] }) + "\n"]) } });
    await ctx.db.close();
    const listed = await (await api(`/api/v1/projects/${FORGED}/items`, { token: serverInfo().users.admin.token })).json();
    itemId = listed.items[0].id;

    // Another origin on the same host (same site, so the browser sends Lax cookies along).
    const arbiter = serverInfo().baseUrl;
    const record = JSON.stringify({ id: "planted", prompt: "planted", responses: ["x", "y"] });
    const html = `<!doctype html><title>evil</title><body>
      <form id="requeue" method="POST" action="${arbiter}/api/v1/items/${itemId}/requeue" enctype="text/plain" target="sink">
        <input name='{"extra": 5, "x": "' value='"}'>
      </form>
      <iframe name="sink"></iframe>
      <script>
        fetch(${JSON.stringify(`${arbiter}/api/v1/projects/${FORGED}/items`)}, {
          method: "POST", mode: "no-cors", credentials: "include", headers: { "content-type": "text/plain" }, body: ${JSON.stringify(record)},
        }).finally(() => document.getElementById("requeue").submit());
      </script></body>`;
    evil = http.createServer((_, res) => res.writeHead(200, { "content-type": "text/html" }).end(html));
    const port = await freePort();
    await new Promise<void>((resolve) => evil.listen(port, "127.0.0.1", resolve));
    evilUrl = `http://127.0.0.1:${port}/`;
    browser = await launchChromium(executable!);
  });
  afterAll(async () => {
    await browser?.close();
    evil?.close();
  });

  it("a page on another port posting to Arbiter as the signed-in admin is refused with 403", async () => {
    const page = await (await browser.newContext()).newPage();
    await signIn(page, serverInfo().users.admin.email, serverInfo().users.admin.password);
    const imported = page.waitForResponse((r) => r.url().endsWith(`/projects/${FORGED}/items`) && r.request().method() === "POST");
    const requeued = page.waitForResponse((r) => r.url().endsWith(`/items/${itemId}/requeue`));
    await page.goto(evilUrl);
    // 403, not 401: the cookie went along, and the origin rule refused the request.
    expect((await imported).status()).toBe(403);
    expect((await requeued).status()).toBe(403);

    const listed = await (await api(`/api/v1/projects/${FORGED}/items`, { token: serverInfo().users.admin.token })).json();
    expect(listed.total).toBe(1);
    expect(listed.items[0]).toMatchObject({ external_id: "f0", extra_overlap: 0 });
  });
});
