// Accessibility and phone fit in Chromium (README "Design and accessibility"): every page, for every
// role that may see it, at a laptop size and a phone size, in the light and the dark theme, has no
// serious or critical axe-core violation and is never wider than the screen (wide code and tables
// scroll inside their own box). The page list is data: add a page with the roles that may open it.
import fs from "node:fs";
import path from "node:path";
import { Readable } from "node:stream";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { importItems } from "@/lib/services/importer";
import { createProject, updateProject } from "@/lib/services/projects";
import { chromiumOrSkip, launchChromium } from "../helpers/chromium";
import { serverInfo, signIn, systemCtx } from "../helpers/server";

const executable = chromiumOrSkip();
const SLUG = "a11y-e2e";
type Role = "admin" | "manager" | "annotator" | "anonymous";

interface PageCase {
  path: string;
  roles: Role[];
  /** What to wait for before checking: content rendered in the browser after the first paint. */
  ready?: (page: Page) => Promise<unknown>;
}

const WORKERS: Role[] = ["admin", "annotator"];
const READERS: Role[] = ["admin", "manager"];
const SIGNED_IN: Role[] = ["admin", "manager", "annotator"];

/** Every page, with the roles that may see it (a role not listed is refused or redirected elsewhere). */
export const A11Y_PAGES: PageCase[] = [
  { path: "/login", roles: ["anonymous"] },
  { path: "/annotate", roles: WORKERS },
  { path: `/annotate/${SLUG}`, roles: WORKERS, ready: (p) => p.getByTestId("assignment").waitFor() },
  { path: `/annotate/${SLUG}/history`, roles: WORKERS },
  { path: "/manage", roles: READERS },
  { path: `/manage/${SLUG}`, roles: READERS, ready: (p) => p.locator("svg.recharts-surface").first().waitFor() },
  { path: `/manage/${SLUG}/adjudication`, roles: READERS },
  { path: `/manage/${SLUG}/report`, roles: READERS, ready: (p) => p.waitForURL(/[?&]tz=/) },
  { path: `/manage/${SLUG}/qualification`, roles: READERS },
  // The forbidden page: an annotator or a manager on an admin page.
  { path: "/admin/users", roles: ["annotator", "manager"] },
  { path: "/admin", roles: ["admin"] },
  { path: `/admin/projects/${SLUG}`, roles: ["admin"] },
  { path: `/admin/projects/${SLUG}/items`, roles: ["admin"] },
  { path: "/admin/users", roles: ["admin"] },
  { path: "/admin/audit", roles: ["admin"] },
  { path: "/admin/models", roles: ["admin"] },
  { path: "/account", roles: SIGNED_IN },
  { path: "/no-such-page", roles: [...SIGNED_IN, "anonymous"] },
];

const VIEWPORTS = [
  { name: "desktop", viewport: { width: 1440, height: 900 }, isMobile: false, hasTouch: false },
  { name: "phone", viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true },
] as const;
const SCHEMES = ["light", "dark"] as const;

// What overflows on phones when nothing stops it: a long code line, a wide table, a long URL.
const WIDE = [
  "Here is the function:",
  "```python\nresult = compute_the_very_long_function_name(first_argument_value, second_argument_value, third_argument_value, fourth_argument_value)\n```",
  "| column one | column two | column three | column four | column five | column six | column seven |\n|---|---|---|---|---|---|---|\n| 1,234.5 | 2,345.6 | 3,456.7 | 4,567.8 | 5,678.9 | 6,789.0 | 7,890.1 |",
  "See https://example.com/a/really/long/path/that/does/not/break/anywhere/on/its/own/because/it/has/no/spaces/at/all",
  "And math: $$\\sum_{k=1}^{n} k = \\frac{n(n+1)}{2} + \\int_0^1 x^2\\,dx + \\frac{a+b+c+d+e+f+g}{h+i+j+k+l+m+n+o+p}$$",
].join("\n\n");

// A long answer (under the length at which the workspace collapses a response): on a phone it is
// several screens tall.
const LONG = Array.from({ length: 12 }, (_, i) => `${i + 1}. Step ${i + 1} of the plan, explained in a sentence of ordinary length.`).join("\n");

const AXE_SOURCE = fs.readFileSync(path.resolve(__dirname, "../../node_modules/axe-core/axe.min.js"), "utf8");

interface Finding {
  id: string;
  impact: string | null;
  help: string;
  targets: string[];
}

/** Runs axe-core in the page (evaluated through the debugger protocol, so the page's CSP does not block it). */
async function axeViolations(page: Page): Promise<Finding[]> {
  const loaded = await page.evaluate(() => typeof (window as unknown as { axe?: unknown }).axe !== "undefined");
  if (!loaded) await page.evaluate(AXE_SOURCE);
  return page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run: (ctx: Document, opts: object) => Promise<{ violations: { id: string; impact: string | null; help: string; nodes: { target: string[] }[] }[] }> } }).axe;
    const result = await axe.run(document, { resultTypes: ["violations"] });
    return result.violations
      .filter((v) => v.impact === "serious" || v.impact === "critical")
      .map((v) => ({ id: v.id, impact: v.impact, help: v.help, targets: v.nodes.slice(0, 5).map((n) => n.target.join(" ")) }));
  });
}

describe.skipIf(!executable)("accessibility and phone fit in Chromium", () => {
  let browser: Browser;

  beforeAll(async () => {
    const ctx = systemCtx();
    await createProject({ ctx, input: { slug: SLUG, name: "Accessibility E2E", overlap: 4, guidelines: "# Guidelines\n\nPick the **better** response." } });
    await updateProject({ ctx, input: { slug: SLUG, status: "active" } });
    const records = Array.from({ length: 4 }, (_, i) => ({
      id: `w${i}`,
      prompt: i === 0 ? WIDE : [{ role: "system", content: "Be brief." }, { role: "user", content: `Question ${i}: ${WIDE}` }],
      // Generated by contenders, so the dashboard's wide Contenders table is checked too.
      responses: [
        { content: `Answer ${i}. ${WIDE}\n\n${LONG}`, model: "alpha", metadata: { contender: "alpha", contender_version: 1, latency_ms: 1200 + i, ttft_ms: 80, completion_tokens: 310, cost_usd: 0.0031 } },
        { content: `Other ${i}.`, model: "beta", metadata: { contender: "beta", contender_version: 2, latency_ms: 450, completion_tokens: 12 } },
      ],
      // Disagreeing raters: the dashboard draws its charts and the adjudication queue lists items.
      annotations: ["ra", "rb", "rc"].map((annotator, r) => ({ annotator, choice: (i + r) % 2 === 0 ? "A" : "B", rationale: `Because ${WIDE.slice(0, 120)}` })),
    }));
    await importItems({ ctx, input: { slug: SLUG, source: () => Readable.from(records.map((r) => JSON.stringify(r) + "\n")) } });
    await ctx.db.close();
    browser = await launchChromium(executable!);
  });
  afterAll(async () => {
    await browser?.close();
  });

  async function signedInContext(role: Role, vp: (typeof VIEWPORTS)[number]): Promise<{ context: BrowserContext; page: Page }> {
    const context = await browser.newContext({ viewport: vp.viewport, isMobile: vp.isMobile, hasTouch: vp.hasTouch });
    const page = await context.newPage();
    if (role !== "anonymous") {
      const user = serverInfo().users[role];
      await signIn(page, user.email, user.password);
    }
    return { context, page };
  }

  const roles: Role[] = ["annotator", "manager", "admin", "anonymous"];
  it.each(roles)("every page %s may see: no serious or critical axe violation and no sideways scroll, at 1440x900 and 390x844, light and dark", async (role) => {
    const failures: string[] = [];
    let checked = 0;
    for (const vp of VIEWPORTS) {
      const { context, page } = await signedInContext(role, vp);
      // One judgment first, so the history page has an entry with its revise controls.
      if (role === "annotator" && vp.name === "desktop") {
        await page.goto(serverInfo().baseUrl + `/annotate/${SLUG}`);
        await page.getByTestId("assignment").waitFor();
        await page.keyboard.press("1");
        await page.keyboard.press("Enter");
        await page.waitForLoadState("networkidle");
      }
      for (const entry of A11Y_PAGES.filter((p) => p.roles.includes(role))) {
        await page.emulateMedia({ colorScheme: "light" });
        await page.goto(serverInfo().baseUrl + entry.path, { waitUntil: "networkidle" });
        await entry.ready?.(page);
        for (const scheme of SCHEMES) {
          await page.emulateMedia({ colorScheme: scheme });
          const where = `${role} ${entry.path} ${vp.name} ${scheme}`;
          for (const v of await axeViolations(page)) failures.push(`${where}: ${v.impact} ${v.id} (${v.help}) at ${v.targets.join(" | ")}`);
          const width = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, inner: window.innerWidth }));
          if (width.scroll > width.inner) failures.push(`${where}: the page is ${width.scroll} px wide in a ${width.inner} px viewport`);
          checked += 1;
        }
      }
      await context.close();
    }
    expect(checked).toBeGreaterThan(0);
    expect(failures).toEqual([]);
  });

  it("on a phone, Sign out, the choices and Submit are on screen over a long response, targets are 44 px and key badges are hidden", async () => {
    const { context, page } = await signedInContext("annotator", VIEWPORTS[1]);
    await page.goto(serverInfo().baseUrl + `/annotate/${SLUG}`);
    await page.getByTestId("assignment").waitFor();
    const viewport = VIEWPORTS[1].viewport;
    /** The control is inside the viewport and is what a tap at its centre reaches. */
    const reachable = (testId: string) =>
      page.getByTestId(testId).evaluate((el, vh) => {
        const r = el.getBoundingClientRect();
        const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
        return { inside: r.top >= 0 && r.bottom <= vh && r.left >= 0 && r.right <= window.innerWidth, hit: !!hit && el.contains(hit), height: r.height };
      }, viewport.height);
    // The page is much taller than the screen (long responses), yet nothing needs scrolling.
    expect(await page.evaluate(() => document.documentElement.scrollHeight)).toBeGreaterThan(viewport.height * 1.5);
    for (const id of ["sign-out", "choice-A", "choice-B", "submit"]) {
      const r = await reachable(id);
      expect(r, id).toMatchObject({ inside: true, hit: true });
      expect(r.height, id).toBeGreaterThanOrEqual(44);
    }
    // Still reachable halfway down the page, over the responses.
    await page.evaluate(() => window.scrollTo(0, document.documentElement.scrollHeight / 2));
    expect(await reachable("choice-B")).toMatchObject({ inside: true, hit: true });
    expect(await reachable("submit")).toMatchObject({ inside: true, hit: true });
    expect(await page.locator("kbd").first().isVisible()).toBe(false);
    await page.getByTestId("choice-B").tap();
    await expect.poll(() => page.getByTestId("choice-B").getAttribute("aria-pressed")).toBe("true");
    await context.close();
  });

  it("a completed action is announced in a toast, inside the page's polite live region, and can be dismissed", async () => {
    const { context, page } = await signedInContext("admin", VIEWPORTS[0]);
    await page.goto(serverInfo().baseUrl + `/admin/projects/${SLUG}`, { waitUntil: "networkidle" });
    await page.getByTestId("settings-submit").click();
    await page.getByTestId("settings-message").waitFor();
    const toast = page.getByTestId("toasts").getByTestId("toast");
    await expect.poll(() => toast.textContent()).toContain("Settings saved.");
    expect(await page.getByTestId("toasts").getAttribute("aria-live")).toBe("polite");
    await toast.getByRole("button", { name: "Dismiss" }).click();
    await expect.poll(() => toast.count()).toBe(0);
    await context.close();
  });

  it("the page list names every page the security test visits", async () => {
    const security = fs.readFileSync(path.join(__dirname, "security.test.ts"), "utf8");
    const block = security.slice(security.indexOf("const PAGES"), security.indexOf("];", security.indexOf("const PAGES")));
    const listed = [...block.matchAll(/["`]([^"`]+)["`]/g)].map((m) => m[1].replace("${SLUG}", SLUG));
    const mine = A11Y_PAGES.map((p) => p.path);
    for (const listedPath of listed.filter((p) => p !== "/")) expect(mine, `${listedPath} is in security.test.ts's PAGES but not in A11Y_PAGES`).toContain(listedPath);
  });
});
