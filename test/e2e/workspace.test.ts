// The annotation workspace in Chromium: ranking by keyboard, strength with rationale, rewrite,
// skip and reload, drafts across a reload, and untrusted response text rendered inert.
import { Readable } from "node:stream";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { dynamicQuery, json, num, numOrNull, str, strOrNull, type Param } from "@/db/engine";
import type { Ctx } from "@/lib/services/context";
import { importItems } from "@/lib/services/importer";
import { createProject } from "@/lib/services/projects";
import type { ProjectJudgmentSchema } from "@/lib/formats/judgment";
import { chromiumOrSkip, launchChromium } from "../helpers/chromium";
import { serverInfo, signIn, systemCtx } from "../helpers/server";

const executable = chromiumOrSkip();

const XSS = [
  `<img src=x onerror="window.__pwned=1;alert('img')">`,
  `<script>window.__pwned=1;alert('script')</script>`,
  `<a href="javascript:alert('a')">html link</a>`,
  `[md link](javascript:alert(1))`,
  `![md image](javascript:alert(2))`,
  `<svg onload="alert('svg')"></svg>`,
].join("\n\n");

async function seed(ctx: Ctx, slug: string, schema: Partial<ProjectJudgmentSchema>, records: { prompt: string; responses: string[] }[]) {
  await createProject({ ctx, input: { status: "active", slug, name: slug, overlap: 1, judgmentSchema: schema as ProjectJudgmentSchema } });
  const lines = records.map((r, i) => JSON.stringify({ id: `${slug}-${i}`, prompt: r.prompt, responses: r.responses.map((content) => ({ content })) }) + "\n");
  await importItems({ ctx, input: { slug, source: () => Readable.from(lines) } });
}

describe.skipIf(!executable)("the annotation workspace in the browser", () => {
  let browser: Browser;
  let ctx: Ctx;

  beforeAll(async () => {
    ctx = systemCtx();
    await seed(ctx, "ws-rank", { type: "ranking" }, [{ prompt: "Rank these", responses: ["apple one", "banana two", "cherry three", "damson four"] }]);
    await seed(ctx, "ws-strength", { strength: true, rationale: "required" }, [{ prompt: "Strength prompt", responses: ["left answer", "right answer"] }]);
    await seed(ctx, "ws-rewrite", {}, [{ prompt: "Rewrite prompt", responses: ["bad one", "bad two"] }]);
    await seed(ctx, "ws-skip", {}, [
      { prompt: "Skip prompt 1", responses: ["s1a", "s1b"] },
      { prompt: "Skip prompt 2", responses: ["s2a", "s2b"] },
    ]);
    await seed(ctx, "ws-draft", { flags: [{ key: "unsafe", label: "Unsafe" }] }, [{ prompt: "Draft prompt", responses: ["d-a", "d-b"] }]);
    await seed(ctx, "ws-history", { rationale: "optional" }, [{ prompt: "History prompt", responses: ["h-a", "h-b"] }]);
    await seed(ctx, "ws-undo", {}, [
      { prompt: "Undo prompt 1", responses: ["u1a", "u1b"] },
      { prompt: "Undo prompt 2", responses: ["u2a", "u2b"] },
    ]);
    await seed(ctx, "ws-xss", {}, [{ prompt: `Prompt ${XSS}`, responses: [`Left ${XSS}`, "Plain right answer"] }]);
    await seed(ctx, "ws-math", {}, [
      { prompt: "Energy?", responses: ["It is $$E = mc^2$$ and a coffee costs $5 or $10.", "```python\nprint('hi')\n```"] },
    ]);
    await seed(ctx, "ws-latex", {}, [
      {
        prompt: "Pythagoras?",
        responses: [
          "By Pythagoras \\( a^2 + b^2 = c^2 \\), and the area is\n\n\\[ \\int_0^1 x\\,dx \\]\n\nwhich costs $5. Write `\\(x\\)` for inline math.\n\n" +
            "\\[ \\href{javascript:alert(1)}{x} \\]\n\n\\( <script>alert(2)</script> \\)",
          "Plain right answer",
        ],
      },
    ]);
    await seed(ctx, "ws-prefetch", {}, [1, 2, 3].map((i) => ({ prompt: `Prefetch prompt ${i}`, responses: [`p${i}a`, `p${i}b`] })));
    await seed(ctx, "ws-diff", {}, [{ prompt: "Diff prompt", responses: ["The quick brown fox jumps.", "The quick red fox jumps."] }]);
    browser = await launchChromium(executable!);
  });

  afterAll(async () => {
    await browser?.close();
    await ctx?.db.close();
  });

  async function annotator(slug: string): Promise<{ page: Page; context: BrowserContext }> {
    const context = await browser.newContext();
    const page = await context.newPage();
    const { users, baseUrl } = serverInfo();
    await signIn(page, users.annotator.email, users.annotator.password);
    await page.goto(`${baseUrl}/annotate/${slug}`);
    await page.getByTestId("assignment").waitFor();
    return { page, context };
  }

  /** The project's latest judgment, decoded. */
  function judgmentOf(slug: string) {
    return ctx.db.first(
      dynamicQuery(`select j.* from judgments j join projects p on p.id = j.project_id where p.slug = ? order by j.id desc limit 1`, (r) => ({
        itemId: num(r.item_id),
        type: str(r.type),
        choice: strOrNull(r.choice),
        rationale: strOrNull(r.rationale),
        durationMs: numOrNull(r.duration_ms),
        payload: json<Record<string, unknown>>(r.payload),
        slotOrder: json<number[]>(r.slot_order),
      })),
      [slug],
    );
  }

  /** How many rows `text` (a `select count(*) as n …`) counts. */
  async function count(text: string, params: Param[] = []): Promise<number> {
    return (await ctx.db.first(dynamicQuery(text, (r) => num(r.n)), params))!;
  }

  /** Dismisses every dialog the page opens and keeps its message, so a test can assert none ran. */
  function collectDialogs(page: Page): string[] {
    const dialogs: string[] = [];
    page.on("dialog", (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    return dialogs;
  }

  async function contents(page: Page, slots: string[]): Promise<Record<string, string>> {
    const out: Record<string, string> = {};
    for (const s of slots) out[s] = (await page.getByTestId(`candidate-${s}`).locator(".md").innerText()).trim();
    return out;
  }

  it("ranks four responses by keyboard only", async () => {
    const { page, context } = await annotator("ws-rank");
    const text = await contents(page, ["A", "B", "C", "D"]);
    const want = ["damson four", "apple one", "cherry three", "banana two"];
    const slotOf = (content: string) => Object.keys(text).find((s) => text[s] === content)!;
    const keyOf = (slot: string) => String("ABCD".indexOf(slot) + 1);
    for (let place = 0; place < want.length; place++) {
      const slot = slotOf(want[place]);
      await page.keyboard.press(keyOf(slot));
      const order = () => page.$$eval('[data-testid="ranking"] li', (lis) => lis.map((li) => li.getAttribute("data-testid")!.slice(5)));
      let at = (await order()).indexOf(slot);
      while (at > place) {
        await page.keyboard.press("ArrowUp");
        await expect.poll(async () => (await order()).indexOf(slot)).toBe(at - 1);
        at -= 1;
      }
    }
    const shown = await page.$$eval('[data-testid="ranking"] li', (lis) => lis.map((li) => li.getAttribute("data-testid")!.slice(5)));
    expect(shown.map((s) => text[s])).toEqual(want);
    await page.keyboard.press("Enter");
    await page.getByTestId("done").waitFor();
    const j = (await judgmentOf("ws-rank"))!;
    expect(j.type).toBe("ranking");
    const stored = j.payload as { ranking: number[][] };
    const candidates = await ctx.db.many(dynamicQuery("select id, content from candidates where item_id = ?", (r) => [num(r.id), str(r.content)] as const), [j.itemId]);
    const content = (id: number) => new Map(candidates).get(id);
    expect(stored.ranking.map((g) => g.map(content))).toEqual(want.map((w) => [w]));
    await context.close();
  });

  it("records a preference strength with its required rationale", async () => {
    const { page, context } = await annotator("ws-strength");
    await page.keyboard.press("6"); // +2: B better
    await expect.poll(() => page.getByTestId("strength-2").getAttribute("aria-checked")).toBe("true");
    await page.keyboard.press("Enter");
    await expect.poll(() => page.getByTestId("save-error").innerText()).toContain("rationale: required");
    await page.keyboard.press("r");
    await page.keyboard.type("B explains the steps");
    await page.keyboard.press("Enter");
    await page.getByTestId("done").waitFor();
    const j = (await judgmentOf("ws-strength"))!;
    expect(j).toMatchObject({ type: "pairwise", choice: "B", rationale: "B explains the steps" });
    expect(j.payload).toMatchObject({ strength: 2, choice: "B" });
    expect(j.durationMs).toBeGreaterThan(0);
    await context.close();
  });

  it("takes a rewrite when both responses are bad", async () => {
    const { page, context } = await annotator("ws-rewrite");
    await expect(page.getByTestId("rewrite").count()).resolves.toBe(0);
    await page.keyboard.press("x");
    await page.getByTestId("rewrite").waitFor();
    await page.keyboard.press("w");
    await page.keyboard.type("A much better answer.");
    await page.keyboard.press("Escape");
    await page.keyboard.press("Enter");
    await page.getByTestId("done").waitFor();
    const j = (await judgmentOf("ws-rewrite"))!;
    expect(j.choice).toBe("both_bad");
    expect(j.payload).toMatchObject({ choice: "both_bad", rewrite: "A much better answer." });
    await context.close();
  });

  it("never serves a skipped item again, even after a reload", async () => {
    const { page, context } = await annotator("ws-skip");
    const skippedPrompt = (await page.getByTestId("prompt").innerText()).trim();
    const first = await page.getByTestId("assignment").getAttribute("data-assignment");
    await page.keyboard.press("s");
    await page.getByTestId("skip-dialog").waitFor();
    await page.keyboard.press("2");
    await page.waitForFunction((prev) => document.querySelector('[data-testid="assignment"]')?.getAttribute("data-assignment") !== prev, first);
    await page.reload();
    await page.getByTestId("assignment").waitFor();
    const other = (await page.getByTestId("prompt").innerText()).trim();
    expect(other).not.toBe(skippedPrompt);
    await page.keyboard.press("1");
    await page.keyboard.press("Enter");
    await page.getByTestId("done").waitFor();
    await page.reload();
    await page.getByTestId("done").waitFor();
    const skipped = await ctx.db.first(dynamicQuery("select status, skip_reason from assignments where id = ?"), [Number(first)]);
    expect(skipped).toEqual({ status: "skipped", skip_reason: "Prompt or responses are broken" });
    await context.close();
  });

  it("keeps a half-filled judgment across a reload", async () => {
    const { page, context } = await annotator("ws-draft");
    const assignment = await page.getByTestId("assignment").getAttribute("data-assignment");
    await page.keyboard.press("b");
    await page.getByTestId("flag-A-unsafe").click();
    await page.getByTestId("rationale").fill("half-done thought");
    await page.reload();
    await page.getByTestId("assignment").waitFor();
    expect(await page.getByTestId("assignment").getAttribute("data-assignment")).toBe(assignment);
    expect(await page.getByTestId("choice-B").getAttribute("aria-pressed")).toBe("true");
    expect(await page.getByTestId("flag-A-unsafe").getAttribute("aria-pressed")).toBe("true");
    expect(await page.getByTestId("rationale").inputValue()).toBe("half-done thought");
    await page.getByTestId("submit").click();
    await page.getByTestId("done").waitFor();
    const j = (await judgmentOf("ws-draft"))!;
    expect(j).toMatchObject({ choice: "B", rationale: "half-done thought" });
    const aId = j.slotOrder[0];
    expect(j.payload.flags).toEqual({ [aId]: ["unsafe"] });
    // The stored draft is gone once the judgment is saved.
    expect(await page.evaluate((id) => localStorage.getItem(`arbiter:draft:${id}`), assignment)).toBeNull();
    await context.close();
  });

  it("renders script, event-handler and javascript: payloads as inert text", async () => {
    const { page, context } = await annotator("ws-xss");
    const dialogs = collectDialogs(page);
    const left = (await contents(page, ["A", "B"]));
    const slot = left.A.startsWith("Left") ? "A" : "B";
    const card = page.getByTestId(`candidate-${slot}`);
    const visible = await card.innerText();
    expect(visible).toContain(`<img src=x onerror="window.__pwned=1;alert('img')">`);
    expect(visible).toContain(`<script>window.__pwned=1;alert('script')</script>`);
    expect(await page.getByTestId("prompt").innerText()).toContain("<script>");
    // Click every link the content produced (a stripped href reloads the page at most): none may run script.
    const links = await card.locator("a").count();
    expect(links).toBeGreaterThan(0);
    for (let i = 0; i < links; i++) {
      await page.getByTestId(`candidate-${slot}`).locator("a").nth(i).click({ timeout: 5000 });
      await page.waitForLoadState("networkidle");
      await page.getByTestId("assignment").waitFor();
    }
    const dom = await page.evaluate(() => ({
      pwned: (window as unknown as { __pwned?: number }).__pwned ?? null,
      scripts: [...document.querySelectorAll("main script")].length,
      contentScripts: [...document.querySelectorAll("script")].filter((s) => s.textContent?.includes("__pwned")).length,
      handlers: [...document.querySelectorAll("main *")].filter((el) => [...el.attributes].some((a) => a.name.startsWith("on"))).length,
      jsUrls: [...document.querySelectorAll("main a[href], main img[src]")].filter((el) => /^\s*javascript:/i.test(el.getAttribute("href") ?? el.getAttribute("src") ?? "")).length,
      imgs: [...document.querySelectorAll("main img")].map((i) => i.getAttribute("src")),
    }));
    expect(dialogs).toEqual([]);
    expect(dom).toEqual({ pwned: null, scripts: 0, contentScripts: 0, handlers: 0, jsUrls: 0, imgs: dom.imgs.filter((s) => s !== "x") });
    expect(dom.imgs).not.toContain("x");
    await context.close();
  });

  it("renders $$ math with KaTeX, leaves prices alone, and highlights code", async () => {
    const { page, context } = await annotator("ws-math");
    const math = page.locator("[data-testid^=candidate-] .katex").first();
    await math.waitFor();
    const texts = await page.locator("[data-testid^=candidate-] .md").allInnerTexts();
    expect(texts.join("\n")).toContain("a coffee costs $5 or $10.");
    expect(await page.locator("[data-testid^=candidate-] code[data-language=python]").count()).toBe(1);
    await context.close();
  });

  it("renders \\( \\) and \\[ \\] math with KaTeX, inline and as display, but not inside code", async () => {
    const { page, context } = await annotator("ws-latex");
    const dialogs = collectDialogs(page);
    const left = await contents(page, ["A", "B"]);
    const card = page.getByTestId(`candidate-${left.A.startsWith("By Pythagoras") ? "A" : "B"}`);
    await card.locator(".katex-display").first().waitFor();
    const dom = await card.evaluate((el) => ({
      inline: [...el.querySelectorAll(".katex")].filter((k) => !k.closest(".katex-display")).map((k) => k.querySelector("annotation")?.textContent?.trim()),
      display: [...el.querySelectorAll(".katex-display annotation")].map((a) => a.textContent?.trim()),
      code: [...el.querySelectorAll("code")].map((c) => c.textContent),
      links: el.querySelectorAll("a").length,
    }));
    expect(dom).toEqual({
      inline: ["a^2 + b^2 = c^2", "<script>alert(2)</script>"],
      display: ["\\int_0^1 x\\,dx", "\\href{javascript:alert(1)}{x}"],
      code: ["\\(x\\)"],
      links: 0,
    });
    expect(await card.innerText()).toContain("which costs $5.");
    // KaTeX's trust is off: neither the \\href nor the <script> inside a formula becomes markup that runs.
    expect(
      await page.evaluate(() => ({
        scripts: document.querySelectorAll("main script").length,
        jsUrls: [...document.querySelectorAll("main a[href]")].filter((a) => /^\s*javascript:/i.test(a.getAttribute("href") ?? "")).length,
      })),
    ).toEqual({ scripts: 0, jsUrls: 0 });
    expect(dialogs).toEqual([]);
    await context.close();
  });

  it("prefetches the next item: it is leased while the current one is on screen, and shown after the submit", async () => {
    const { page, context } = await annotator("ws-prefetch");
    // Once the first item is on screen the workspace leases the next one in the background.
    await expect
      .poll(() => count(`select count(*) as n from assignments a join projects p on p.id = a.project_id where p.slug = 'ws-prefetch' and a.status = 'leased'`))
      .toBe(2);
    const first = await page.getByTestId("assignment").getAttribute("data-assignment");
    await page.keyboard.press("1");
    await page.keyboard.press("Enter");
    await expect.poll(() => page.getByTestId("assignment").getAttribute("data-assignment")).not.toBe(first);
    await expect.poll(() => count(`select count(*) as n from judgments j join projects p on p.id = j.project_id where p.slug = 'ws-prefetch'`)).toBe(1);
    await context.close();
  });

  it("shows the word differences between the two responses with D, and hides them with D again", async () => {
    const { page, context } = await annotator("ws-diff");
    await page.keyboard.press("d");
    const body = page.getByTestId("diff").locator(".diff-body");
    await body.waitFor();
    const removed = await body.locator("del").allInnerTexts();
    const added = await body.locator("ins").allInnerTexts();
    // The responses' order is random: one of them is A.
    const text = await contents(page, ["A", "B"]);
    expect(text.A.includes("brown") ? [removed, added] : [added, removed]).toEqual([["brown"], ["red"]]);
    expect((await body.innerText()).replace(/\s+/g, " ")).toBe(text.A.includes("brown") ? "The quick brownred fox jumps." : "The quick redbrown fox jumps.");
    await page.keyboard.press("d");
    await expect.poll(() => page.getByTestId("diff").count()).toBe(0);
    await context.close();
  });

  it("lets an admin set a judgment schema on a new project, with errors next to the field", async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const { users, baseUrl } = serverInfo();
    await signIn(page, users.admin.email, users.admin.password);
    await page.goto(baseUrl + "/admin");
    await page.getByTestId("project-slug").fill("ws-admin-schema");
    await page.getByTestId("project-name").fill("Schema from the form");
    await page.getByTestId("project-judgment-schema").fill('{"type": "ranking", "rationale": "sometimes"}');
    await page.getByTestId("project-create").click();
    await expect.poll(() => page.getByTestId("project-judgment-schema-error").innerText()).toMatch(/^rationale: /);
    expect(await page.getByTestId("project-judgment-schema").inputValue()).toContain('"sometimes"');
    await page.getByTestId("project-judgment-schema").fill('{"type": "ranking", "allow_tie": false}');
    await page.getByTestId("project-create").click();
    await page.waitForURL(/\/admin\/projects\/ws-admin-schema$/);
    const schema = await ctx.db.first(dynamicQuery("select judgment_schema from projects where slug = 'ws-admin-schema'", (r) => json<object>(r.judgment_schema)));
    expect(schema).toMatchObject({ type: "ranking", allow_tie: false });
    await context.close();
  });

  it("reopens a judgment from the history page and revises it, keeping the earlier version", async () => {
    const { page, context } = await annotator("ws-history");
    await page.keyboard.press("1");
    await page.keyboard.press("Enter");
    await page.getByTestId("done").waitFor();
    await page.keyboard.press("h");
    await page.getByTestId("history").waitFor();
    const j = (await ctx.db.first(dynamicQuery("select j.id from judgments j join projects p on p.id = j.project_id where p.slug = 'ws-history'", (r) => ({ id: num(r.id) }))))!;
    await page.getByTestId(`revise-${j.id}`).click();
    await page.getByTestId("reviser").waitFor();
    expect(await page.getByTestId("choice-A").getAttribute("aria-pressed")).toBe("true");
    await page.keyboard.press("b");
    await page.getByTestId("rationale").fill("changed my mind");
    await page.getByTestId("save-revision").click();
    await expect.poll(() => page.getByTestId(`history-${j.id}`).innerText()).toContain("revision 2");
    const row = await ctx.db.first(dynamicQuery("select choice, revision, rationale from judgments where id = ?", (r) => ({ choice: r.choice, revision: num(r.revision), rationale: r.rationale })), [j.id]);
    expect(row).toEqual({ choice: "B", revision: 2, rationale: "changed my mind" });
    const earlier = await ctx.db.many(dynamicQuery("select revision, choice from judgment_revisions where judgment_id = ?", (r) => ({ revision: num(r.revision), choice: r.choice })), [j.id]);
    expect(earlier).toEqual([{ revision: 1, choice: "A" }]);
    await context.close();
  });

  it("undoes the last judgment: the item comes back with its choice, and can be judged again", async () => {
    const { page, context } = await annotator("ws-undo");
    const first = await page.getByTestId("assignment").getAttribute("data-assignment");
    await page.keyboard.press("1");
    await page.keyboard.press("Enter");
    await page.waitForFunction((prev) => {
      const a = document.querySelector('[data-testid="assignment"]')?.getAttribute("data-assignment");
      return a != null && a !== prev;
    }, first);
    await page.keyboard.press("u");
    await page.waitForFunction((prev) => document.querySelector('[data-testid="assignment"]')?.getAttribute("data-assignment") === prev, first);
    expect(await page.getByTestId("choice-A").getAttribute("aria-pressed")).toBe("true");
    const judged = () => count("select count(*) as n from judgments where assignment_id = ?", [Number(first)]);
    expect(await judged()).toBe(0);
    await page.keyboard.press("2");
    await page.keyboard.press("Enter");
    await page.waitForFunction((prev) => document.querySelector('[data-testid="assignment"]')?.getAttribute("data-assignment") !== prev, first);
    // The submit is optimistic (the prefetched item shows at once): wait for the save to land.
    await expect.poll(judged).toBe(1);
    expect(await ctx.db.first(dynamicQuery("select choice from judgments where assignment_id = ?", (r) => str(r.choice)), [Number(first)])).toBe("B");
    await context.close();
  });
});
