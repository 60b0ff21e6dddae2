// Everyday flows in Chromium (issue 13): history rows and search, adjudication rendering, the words
// of Enter with nothing chosen, a draft project's checklist and activation, a finished project,
// and the forbidden page.
import { Readable } from "node:stream";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { claimNext } from "@/lib/services/assignment";
import type { Ctx } from "@/lib/services/context";
import { importItems } from "@/lib/services/importer";
import { submitJudgment } from "@/lib/services/judgments";
import { createProject } from "@/lib/services/projects";
import { chromiumOrSkip, launchChromium } from "../helpers/chromium";
import { itemIdOf } from "../helpers/rows";
import { api, serverInfo, signIn, systemCtx, type Account } from "../helpers/server";

const executable = chromiumOrSkip();
const HISTORY = "flows-history";
const ADJUDICATE = "flows-adjudicate";
const ENTER = "flows-enter";
const DRAFT = "flows-draft";

const TABLE_AND_CODE = ["Here is the table:", "", "| city | people |", "|---|---|", "| Oslo | 700000 |", "", "```python", "print('hello')", "```"].join("\n");

const lines = (records: unknown[]) => () => Readable.from(records.map((r) => JSON.stringify(r) + "\n"));
const pair = (id: string, prompt: unknown, a = `first answer of ${id}`, b = `second answer of ${id}`) => ({ id, prompt, responses: [{ content: a, model: "m-one" }, { content: b, model: "m-two" }] });

function as(ctx: Ctx, user: Account): Ctx {
  return { db: ctx.db, caller: { userId: user.id, email: user.email, role: "annotator" } };
}

/** The annotator judges everything they can in the project, choosing the slot of the response that starts with `prefer`. */
async function judgeAll(ctx: Ctx, slug: string, prefer: string) {
  for (let claimed; (claimed = await claimNext({ ctx, input: { slug } })); ) {
    const slot = claimed.item.candidates.find((c) => c.content.startsWith(prefer))?.slot ?? "A";
    await submitJudgment({ ctx, input: { assignment_id: claimed.assignment.id, choice: slot as "A" } });
  }
}

describe.skipIf(!executable)("everyday flows", () => {
  let browser: Browser;
  let adjudicatedItem: number;
  const base = () => serverInfo().baseUrl;

  beforeAll(async () => {
    const ctx = systemCtx();
    const { annotator, annotator2 } = serverInfo().users;
    // History and a finished project: annotator2 judges all three items of an overlap-1 project.
    await createProject({ ctx, input: { status: "active", slug: HISTORY, name: "Flows history", overlap: 1 } });
    await importItems({
      ctx,
      input: {
        slug: HISTORY,
        source: lines([
          pair("zebra-1", "How fast can a zebra run when a lion chases it across the open savanna at dawn?"),
          pair("tea-2", [{ role: "system", content: "Be brief." }, { role: "user", content: "Which tea has the most caffeine?" }]),
          pair("bread-3", "Why does bread go stale?"),
        ]),
      },
    });
    await judgeAll(as(ctx, annotator2), HISTORY, "first");
    // Adjudication: two annotators disagree on a response holding a table and a code block.
    await createProject({ ctx, input: { status: "active", slug: ADJUDICATE, name: "Flows adjudication", overlap: 2 } });
    await importItems({ ctx, input: { slug: ADJUDICATE, source: lines([pair("adj-1", "Show me a table", TABLE_AND_CODE, "No table here.")]) } });
    await judgeAll(as(ctx, annotator), ADJUDICATE, "Here");
    await judgeAll(as(ctx, annotator2), ADJUDICATE, "No");
    adjudicatedItem = await itemIdOf(ctx.db, ADJUDICATE, "adj-1");
    // Enter with nothing chosen.
    await createProject({ ctx, input: { status: "active", slug: ENTER, name: "Flows enter", overlap: 1 } });
    await importItems({ ctx, input: { slug: ENTER, source: lines([pair("enter-1", "Pick one")]) } });
    await ctx.db.close();
    browser = await launchChromium(executable!);
  });
  afterAll(async () => {
    await browser?.close();
  });

  async function pageAs(role: "admin" | "manager" | "annotator" | "annotator2"): Promise<Page> {
    const page = await (await browser.newContext()).newPage();
    const user = serverInfo().users[role];
    await signIn(page, user.email, user.password);
    return page;
  }

  it("history rows show the prompt's opening words, the item, when and the choice; search finds by prompt text; reopening revises", async () => {
    const page = await pageAs("annotator2");
    await page.goto(`${base()}/annotate/${HISTORY}/history`);
    const rows = page.locator('[data-testid^="history-"][class*="history-entry"]');
    await expect.poll(() => rows.count()).toBe(3);
    const zebra = rows.filter({ hasText: "zebra" });
    expect(await zebra.getByTestId("history-prompt").innerText()).toBe("How fast can a zebra run when a lion chases it across the open …");
    expect(await zebra.getByTestId("history-item").innerText()).toMatch(/^Item \d+ \(zebra-1\)$/);
    expect(await zebra.getByTestId("history-choice").innerText()).toMatch(/^(A|B) is better$/);
    const when = zebra.locator("time");
    expect(await when.innerText()).toMatch(/just now|minute/);
    expect(Date.parse((await when.getAttribute("datetime"))!)).toBeGreaterThan(Date.now() - 3_600_000);
    expect(await when.getAttribute("title")).toMatch(/\d/);
    // A conversation shows its user turn, not the system prompt.
    expect(await rows.filter({ hasText: "tea-2" }).getByTestId("history-prompt").innerText()).toBe("Which tea has the most caffeine?");

    await page.getByTestId("history-q").fill("CAFFEINE");
    await page.getByTestId("history-search").click();
    await page.waitForURL(/q=CAFFEINE/);
    await expect.poll(() => rows.count()).toBe(1);
    expect(await page.getByTestId("history-total").innerText()).toMatch(/^1 judgment\(s\) whose prompt mentions “CAFFEINE”/);
    await page.getByTestId("history-q").fill("no such words anywhere");
    await page.getByTestId("history-search").click();
    await page.getByTestId("history-empty").waitFor();

    // Reopen the zebra judgment and choose the other response.
    await page.goto(`${base()}/annotate/${HISTORY}/history?q=zebra`);
    await expect.poll(() => rows.count()).toBe(1);
    const before = await rows.getByTestId("history-choice").innerText();
    const other = before.startsWith("A") ? "B" : "A";
    await rows.locator('button[data-testid^="revise-"]').click();
    await page.getByTestId("reviser").waitFor();
    await page.keyboard.press(other.toLowerCase());
    await page.getByTestId("save-revision").click();
    await expect.poll(() => rows.getByTestId("history-choice").innerText()).toBe(`${other} is better`);
    expect(await rows.getByTestId("history-when").innerText()).toMatch(/revision 2/);

    // The same search over HTTP, bounded.
    const { token } = serverInfo().users.annotator2;
    const found = await (await api(`/api/v1/projects/${HISTORY}/judgments/mine?q=caffeine`, { token })).json();
    expect(found.total).toBe(1);
    expect(found.judgments[0].item.external_id).toBe("tea-2");
    const tooLong = await api(`/api/v1/projects/${HISTORY}/judgments/mine?q=${"x".repeat(201)}`, { token });
    expect(tooLong.status).toBe(400);
    expect((await tooLong.json()).error.message).toMatch(/^q: must be at most 200 characters/);
  });

  it("a finished project shows as done with the annotator's count, and the workspace says so", async () => {
    const page = await pageAs("annotator2");
    await page.goto(`${base()}/annotate`);
    expect(await page.getByTestId(`done-${HISTORY}`).innerText()).toMatch(/Done: you judged 3 item\(s\) here, and nothing is left for you/);
    expect(await page.getByTestId(`start-${HISTORY}`).count()).toBe(0);
    // Every item has its one judgment, so the project is done for another annotator too, who judged none.
    const fresh = await pageAs("annotator");
    await fresh.goto(`${base()}/annotate`);
    expect(await fresh.getByTestId(`done-${HISTORY}`).innerText()).toMatch(/you judged 0 item\(s\)/);
    expect(await fresh.getByTestId(`start-${ENTER}`).innerText()).toBe("Start");
    await page.goto(`${base()}/annotate/${HISTORY}`);
    expect(await page.getByTestId("done-count").innerText()).toMatch(/^You judged 3 item\(s\) in Flows history, and nothing is left for you/);
  });

  it("Enter with nothing chosen says what to do in words, with the keys", async () => {
    const page = await pageAs("annotator");
    await page.goto(`${base()}/annotate/${ENTER}`);
    await page.getByTestId("assignment").waitFor();
    await page.keyboard.press("Enter");
    await expect.poll(() => page.getByTestId("save-error").innerText()).toBe("Choose a response first: press A or B, T for a tie, or X if both are bad.");
  });

  it("adjudication renders markdown as the workspace does, names the project and keeps the recorded label selected", async () => {
    const page = await pageAs("manager");
    await page.goto(`${base()}/manage/${ADJUDICATE}/adjudication`);
    expect(await page.locator("h1").innerText()).toBe("Adjudication: Flows adjudication");
    const item = page.getByTestId(`queue-item-${adjudicatedItem}`);
    const table = item.locator(".candidate .md table");
    expect(await table.locator("td").allInnerTexts()).toEqual(["Oslo", "700000"]);
    expect(await item.locator(".candidate .md pre code").innerText()).toMatch(/print\('hello'\)/);
    // Prose wraps in the proportional font, not a monospace <pre>.
    const font = await item.locator(".candidate .md p").first().evaluate((p) => getComputedStyle(p).fontFamily);
    expect(font).not.toMatch(/mono/i);

    const tie = page.getByTestId(`adjudicate-${adjudicatedItem}-tie`);
    await tie.check();
    await page.getByTestId(`adjudicate-${adjudicatedItem}-submit`).click();
    await expect.poll(() => page.getByTestId(`adjudicate-${adjudicatedItem}-message`).textContent()).toBe("Recorded “Tie” as the final label.");
    expect(await tie.isChecked()).toBe(true);
    expect(await page.getByTestId(`adjudicate-${adjudicatedItem}-recorded`).count()).toBe(1);
    // After a reload (with decided items shown), the stored label is the selected one.
    await page.goto(`${base()}/manage/${ADJUDICATE}/adjudication?resolved=1`);
    expect(await page.getByTestId(`adjudicate-${adjudicatedItem}-tie`).isChecked()).toBe(true);
  });

  it("a new project is a draft with a checklist; annotators see it only once the admin activates it", async () => {
    const admin = await pageAs("admin");
    await admin.goto(`${base()}/admin`);
    await admin.getByTestId("project-slug").fill(DRAFT);
    await admin.getByTestId("project-name").fill("Flows draft");
    await admin.getByTestId("project-create").click();
    await admin.waitForURL(new RegExp(`/admin/projects/${DRAFT}$`));
    const check = (key: string) => admin.getByTestId(`check-${key}`);
    expect(await check("items").getAttribute("data-done")).toBe("no");
    expect(await check("guidelines").getAttribute("data-done")).toBe("no");
    expect(await check("members").getAttribute("data-done")).toBe("yes");
    expect(await admin.getByTestId("project-activate").isDisabled()).toBe(true);
    expect(await check("items").locator("a").getAttribute("href")).toBe("#import-heading");

    const ctx = systemCtx();
    await importItems({ ctx, input: { slug: DRAFT, source: lines([pair("d-1", "Draft question")]) } });
    await ctx.db.close();
    await admin.getByTestId("texts-guidelines").fill("Prefer the kinder answer.");
    await admin.getByTestId("texts-save").click();
    await expect.poll(() => admin.getByTestId("texts-message").textContent()).toBe("Guidelines and schema saved.");
    await admin.reload();
    expect(await check("items").getAttribute("data-done")).toBe("yes");
    expect(await check("guidelines").getAttribute("data-done")).toBe("yes");

    const annotator = await pageAs("annotator");
    await annotator.goto(`${base()}/annotate`);
    expect(await annotator.getByTestId(`start-${DRAFT}`).count()).toBe(0);
    expect(await annotator.locator("main").innerText()).not.toMatch(/Flows draft/);

    await admin.getByTestId("project-activate").click();
    await expect.poll(() => admin.getByTestId("activate-message").textContent()).toBe("Project activated: annotators now see it.");
    await annotator.reload();
    expect(await annotator.getByTestId(`start-${DRAFT}`).innerText()).toBe("Start");
    await admin.reload();
    expect(await admin.getByTestId("project-checklist").count()).toBe(0);
  });

  it("a page not theirs answers 403 with what was tried, why and where to go", async () => {
    const annotator = await pageAs("annotator");
    const res = await annotator.goto(`${base()}/admin/projects/${HISTORY}`);
    expect(res!.status()).toBe(403);
    expect(await annotator.getByTestId("forbidden-what").innerText()).toBe(`You tried to open /admin/projects/${HISTORY}, the project administration pages.`);
    expect(await annotator.getByTestId("forbidden-why").innerText()).toMatch(/^Only admins may open it, and you are signed in as .+, an? annotator\./);
    expect(await annotator.getByTestId("forbidden-links").locator("a").evaluateAll((as) => as.map((a) => a.getAttribute("href")))).toEqual(["/annotate", "/account"]);
    const manage = await annotator.goto(`${base()}/manage`);
    expect(manage!.status()).toBe(403);
    expect(await annotator.getByTestId("forbidden-why").innerText()).toMatch(/^Only managers and admins may open it/);

    const manager = await pageAs("manager");
    const users = await manager.goto(`${base()}/admin/users`);
    expect(users!.status()).toBe(403);
    expect(await manager.getByTestId("forbidden-what").innerText()).toBe("You tried to open /admin/users, the users and tokens page.");
    expect(await manager.getByTestId("forbidden-why").innerText()).toMatch(/a manager\./);
    expect(await manager.getByTestId("forbidden-links").locator("a").evaluateAll((as) => as.map((a) => a.getAttribute("href")))).toEqual(["/manage", "/account"]);
    const annotate = await manager.goto(`${base()}/annotate/${HISTORY}`);
    expect(annotate!.status()).toBe(403);
  });
});
