// `npm run screenshots [-- OUT_DIR]`: regenerates the README's tour screenshots (docs/screenshots/ by
// default) from the demo. Starts `arbiter start --demo` on a temporary database and a free port
// (building first if the build is stale), adds a manager, lets both demo annotators judge a few items
// by keyboard so the dashboard and the adjudication queue have something to show, then photographs
// each page at a laptop size and the workspace at a phone size too.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { findChromium, launchChromium, CHROMIUM_MISSING } from "./chromium";
import { freePort } from "./net";

const ROOT = path.resolve(__dirname, "../..");
const BIN = path.join(ROOT, "lib/cli/bin.mjs");
const DESKTOP = { width: 1280, height: 800 };
const PHONE = { width: 390, height: 844 };

interface Account {
  email: string;
  password: string;
}

/** Starts the demo and resolves with its URL and the accounts it printed once. */
async function startDemo(dbFile: string, port: number): Promise<{ child: ChildProcess; baseUrl: string; accounts: Map<string, Account> }> {
  const child = spawn(process.execPath, [BIN, "start", "--demo", "--db", dbFile, "--port", String(port), "--host", "127.0.0.1"], {
    cwd: ROOT,
    stdio: ["ignore", "pipe", "inherit"],
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" },
  });
  let out = "";
  const accounts = new Map<string, Account>();
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on("data", (chunk: Buffer) => {
      out += chunk.toString();
      process.stdout.write(chunk);
      for (const m of out.matchAll(/^\s+(\w+)\s+(\S+@\S+)\s+password: (\S+)$/gm)) if (!accounts.has(m[2])) accounts.set(m[2], { email: m[2], password: m[3] });
      if (/Arbiter is running at/.test(out) && accounts.size >= 3) resolve();
    });
    child.once("exit", (code) => reject(new Error(`arbiter start exited with ${code}`)));
  });
  return { child, baseUrl: `http://127.0.0.1:${port}`, accounts };
}

function cli(dbFile: string, ...args: string[]): string {
  const run = spawnSync(process.execPath, [BIN, ...args, "--db", dbFile], { cwd: ROOT, encoding: "utf8" });
  if (run.status !== 0) throw new Error(`arbiter ${args.join(" ")} failed: ${run.stderr}`);
  return run.stdout;
}

async function signIn(page: Page, baseUrl: string, who: Account): Promise<void> {
  await page.goto(baseUrl + "/login");
  await page.getByTestId("login-email").fill(who.email);
  await page.getByTestId("login-password").fill(who.password);
  await page.getByTestId("login-submit").click();
  await page.getByTestId("who").waitFor();
}

/** Judges `choices.length` items by keyboard, one key and Enter each. */
async function judge(page: Page, baseUrl: string, choices: string[]): Promise<void> {
  await page.goto(baseUrl + "/annotate/demo");
  for (const key of choices) {
    const assignment = page.getByTestId("assignment");
    await assignment.waitFor();
    const id = await assignment.getAttribute("data-assignment");
    await page.keyboard.press(key);
    await page.keyboard.press("Enter");
    await page.waitForFunction((before) => document.querySelector("[data-testid=assignment]")?.getAttribute("data-assignment") !== before, id);
  }
  // The last judgment is saved behind the next item; let it land.
  await page.waitForLoadState("networkidle");
}

async function shot(page: Page, outDir: string, name: string, fullPage = false): Promise<void> {
  await page.waitForLoadState("networkidle");
  await page.evaluate(() => document.fonts.ready);
  const file = path.join(outDir, `${name}.png`);
  await page.screenshot({ path: file, fullPage, animations: "disabled", caret: "hide" });
  console.log(`  ${path.relative(ROOT, file)}`);
}

async function context(browser: Browser, size: { width: number; height: number }, phone = false, colorScheme: "light" | "dark" = "light"): Promise<BrowserContext> {
  return browser.newContext({ viewport: size, deviceScaleFactor: 1, isMobile: phone, hasTouch: phone, colorScheme });
}

export async function run(args: string[]): Promise<void> {
  const executable = findChromium();
  if (!executable) throw new Error(CHROMIUM_MISSING);
  const outDir = path.resolve(args[0] ?? path.join(ROOT, "docs/screenshots"));
  fs.mkdirSync(outDir, { recursive: true });
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "arbiter-shots-"));
  const dbFile = path.join(tmp, "arbiter.db");
  const demo = await startDemo(dbFile, await freePort());
  const browser = await launchChromium(executable);
  try {
    const { baseUrl, accounts } = demo;
    const admin = accounts.get("admin@arbiter.local")!;
    const first = accounts.get("annotator1@arbiter.local")!;
    const second = accounts.get("annotator2@arbiter.local")!;
    const manager = { email: "manager@arbiter.local", password: "manager-demo-password" };
    cli(dbFile, "user", "add", "--email", manager.email, "--role", "manager", "--name", "Manager", "--password", manager.password);
    console.log(`Writing screenshots to ${outDir}`);

    // The sign-in page, before anyone has signed in.
    const anon = await context(browser, DESKTOP);
    const login = await anon.newPage();
    await login.goto(baseUrl + "/login");
    await shot(login, outDir, "login");
    await anon.close();

    // Two annotators judge the same first items, disagreeing on some: the adjudication queue fills.
    const one = await context(browser, DESKTOP);
    const onePage = await one.newPage();
    await signIn(onePage, baseUrl, first);
    await onePage.goto(baseUrl + "/annotate");
    await shot(onePage, outDir, "annotate-list");
    await judge(onePage, baseUrl, ["1", "1", "2", "1", "3", "2", "1", "2"]);
    const two = await context(browser, DESKTOP);
    const twoPage = await two.newPage();
    await signIn(twoPage, baseUrl, second);
    await judge(twoPage, baseUrl, ["1", "2", "2", "2", "3", "1", "1", "1", "2", "1"]);
    await two.close();

    await onePage.goto(baseUrl + "/annotate/demo");
    await onePage.getByTestId("assignment").waitFor();
    await shot(onePage, outDir, "workspace-desktop");
    await onePage.goto(baseUrl + "/annotate/demo/history");
    await shot(onePage, outDir, "history");
    await one.close();

    const phone = await context(browser, PHONE, true);
    const phonePage = await phone.newPage();
    await signIn(phonePage, baseUrl, first);
    await phonePage.goto(baseUrl + "/annotate/demo");
    await phonePage.getByTestId("assignment").waitFor();
    await shot(phonePage, outDir, "workspace-phone");
    await phone.close();

    // The dark theme, which follows the system setting.
    const dark = await context(browser, DESKTOP, false, "dark");
    const darkPage = await dark.newPage();
    await signIn(darkPage, baseUrl, first);
    await darkPage.goto(baseUrl + "/annotate/demo");
    await darkPage.getByTestId("assignment").waitFor();
    await shot(darkPage, outDir, "workspace-dark");
    await dark.close();

    const adminContext = await context(browser, DESKTOP);
    const adminPage = await adminContext.newPage();
    await signIn(adminPage, baseUrl, admin);
    await adminPage.goto(baseUrl + "/admin");
    await shot(adminPage, outDir, "admin-projects");
    await adminPage.goto(baseUrl + "/admin/projects/demo");
    await shot(adminPage, outDir, "admin-project");
    await adminPage.goto(baseUrl + "/admin/users");
    await shot(adminPage, outDir, "admin-users");
    await adminContext.close();

    const managerContext = await context(browser, DESKTOP);
    const managerPage = await managerContext.newPage();
    await signIn(managerPage, baseUrl, manager);
    await managerPage.goto(baseUrl + "/manage/demo");
    await managerPage.locator("svg.recharts-surface").first().waitFor({ timeout: 10_000 }).catch(() => undefined);
    await shot(managerPage, outDir, "dashboard");
    await managerPage.goto(baseUrl + "/manage/demo/adjudication");
    await shot(managerPage, outDir, "adjudication");
    await managerContext.close();
  } finally {
    await browser.close();
    demo.child.kill("SIGTERM");
    await new Promise((r) => demo.child.once("exit", r));
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

if (require.main === module) {
  run(process.argv.slice(2)).catch((err) => {
    console.error(err?.stack ?? err);
    process.exit(1);
  });
}
