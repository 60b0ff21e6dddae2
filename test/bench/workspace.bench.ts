// Benchmark: the annotation workspace in Chromium against the production server.
//
//   npx tsx test/bench/workspace.bench.ts [--judgments 50]
//
// It re-runs itself under the shared build lock (/tmp/arbiter-build.lock), builds Arbiter if the build
// is stale, generates a database (a pairwise project with markdown-and-code items, one annotator),
// starts `next start` on 127.0.0.1 with ARBITER_BENCH=1 and measures:
//  1. First-load JavaScript: the gzipped sizes (zlib level 9) of every script the page loads until the
//     network is idle, as Chromium fetched them, excluding the legacy `noModule` polyfill chunk that
//     modern browsers never run. Baseline in the same run: /bench/empty, a page with nothing of its own
//     (framework + root layout).
//  2. Submit-to-next latency over N consecutive judgments: from the Enter keydown (timestamped in the
//     page) to the first animation frame after the next item's prompt is in the DOM. Baseline in the
//     same run: the server floor, the same two requests (POST judgment, POST assignments/next) timed from
//     Node for another annotator on the same project.
import { spawnSync, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { Readable } from "node:stream";
import zlib from "node:zlib";
import type { Page } from "playwright-core";
import { openDatabase } from "@/db/client";
import { runMigrations } from "@/db/migrate";
import type { Ctx } from "@/lib/services/context";
import { importItems } from "@/lib/services/importer";
import { createProject } from "@/lib/services/projects";
import { createToken } from "@/lib/services/tokens";
import { createUser } from "@/lib/services/users";
import { findChromium, launchChromium } from "../helpers/chromium";
import { ensureBuilt } from "../helpers/build";
import { startNextServer } from "../helpers/next-server";

const ROOT = path.resolve(__dirname, "../..");
const SLUG = "bench-ws";
const { values: opts } = parseArgs({ options: { judgments: { type: "string", default: "50" } } });
const N = Number(opts.judgments);
const PASSWORD = "bench-password-123";


const quantile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;

async function generate(file: string) {
  const db = openDatabase(file);
  await runMigrations(db);
  const system: Ctx = { db, caller: null };
  await createProject({ ctx: system, input: { status: "active", slug: SLUG, name: "Workspace benchmark", overlap: 2, leaseMinutes: 60 } });
  const body = (i: number, side: string) =>
    `## Answer ${side} to ${i}\n\nHere is a **detailed** explanation with a table and some code.\n\n| step | cost |\n|---|---|\n| parse | O(n) |\n| sort | O(n log n) |\n\n` +
    "```python\ndef solve(xs):\n    # sort then scan\n    return sorted(xs)[:10]\n```\n\n" +
    `${"Further discussion of the trade-offs involved. ".repeat(15)}\n`;
  const lines = Array.from({ length: N * 2 + 10 }, (_, i) =>
    JSON.stringify({ id: `w${i}`, prompt: `Benchmark prompt ${i}: how do I find the ten smallest numbers?`, responses: [{ content: body(i, "one") }, { content: body(i, "two") }] }) + "\n",
  );
  await importItems({ ctx: system, input: { slug: SLUG, source: () => Readable.from(lines) } });
  await createUser({ ctx: system, input: { email: "ann@bench.local", role: "annotator", password: PASSWORD } });
  await createUser({ ctx: system, input: { email: "floor@bench.local", role: "annotator", password: PASSWORD } });
  const { token } = await createToken({ ctx: system, input: { email: "floor@bench.local" } });
  await db.close();
  return { floorToken: token };
}

async function startServer(file: string): Promise<{ baseUrl: string; server: ChildProcess }> {
  const { baseUrl, server } = await startNextServer({
    dir: ROOT,
    database: file,
    env: { ARBITER_BENCH: "1", NEXTAUTH_SECRET: "bench-secret-bench-secret-bench-secret-0" },
  });
  return { baseUrl, server };
}

/** Loads a page in a fresh context and sums the gzipped size of the scripts it fetched. */
async function firstLoadJs(page: Page, url: string): Promise<{ total: number; files: number; polyfill: number }> {
  const scripts = new Map<string, Promise<Buffer | null>>();
  page.on("response", (res) => {
    if (res.request().resourceType() === "script") scripts.set(res.url(), res.body().catch(() => null));
  });
  await page.goto(url, { waitUntil: "networkidle" });
  // The noModule polyfill chunk: modern browsers skip it, so Chromium never fetches it; count it apart.
  const noModule = await page.$$eval("script[nomodule]", (els) => els.map((e) => (e as HTMLScriptElement).src));
  let total = 0;
  let polyfill = 0;
  let files = 0;
  for (const [u, body] of scripts) {
    const b = await body;
    if (!b) continue;
    const gz = zlib.gzipSync(b, { level: 9 }).length;
    if (noModule.includes(u) || /polyfill/.test(u)) polyfill += gz;
    else {
      total += gz;
      files += 1;
    }
  }
  return { total, files, polyfill };
}

async function signIn(page: Page, baseUrl: string, email: string) {
  await page.goto(baseUrl + "/login");
  await page.getByTestId("login-email").fill(email);
  await page.getByTestId("login-password").fill(PASSWORD);
  await page.getByTestId("login-password").press("Enter");
  await page.getByTestId("who").waitFor();
}

async function latencies(page: Page, baseUrl: string): Promise<number[]> {
  // A background tab gets no animation frames: make this one the visible tab.
  await page.bringToFront();
  await page.goto(`${baseUrl}/annotate/${SLUG}`);
  await page.getByTestId("assignment").waitFor();
  const out: number[] = [];
  for (let i = 0; i < N; i++) {
    const prev = await page.getByTestId("assignment").getAttribute("data-assignment");
    await page.keyboard.press("1");
    await page.waitForFunction(() => document.querySelector('[data-testid="choice-A"]')?.getAttribute("aria-pressed") === "true");
    // Arm the measurement in the page, then press Enter from outside.
    // A string, not a function: tsx would wrap named inner functions in a helper the page lacks.
    // Installed and awaited before the key press, so the keydown is never missed.
    await page.evaluate(`window.__latency = new Promise((resolve) => {
      const previous = ${JSON.stringify(prev)};
      let t0 = 0;
      const onKey = (e) => { if (e.key === "Enter" && !t0) t0 = performance.now(); };
      window.addEventListener("keydown", onKey, { capture: true });
      const observer = new MutationObserver(() => {
        const claimed = document.querySelector('[data-testid="assignment"]');
        const prompt = claimed && claimed.querySelector('[data-testid="prompt"]');
        if (t0 && claimed && claimed.getAttribute("data-assignment") !== previous && prompt && prompt.textContent) {
          observer.disconnect();
          window.removeEventListener("keydown", onKey, { capture: true });
          requestAnimationFrame(() => resolve(performance.now() - t0));
        }
      });
      observer.observe(document.body, { subtree: true, childList: true, attributes: true, characterData: true });
    }); 0`);
    await page.keyboard.press("Enter");
    const done = page.evaluate("window.__latency") as Promise<number>;
    const timeout = new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`judgment ${i + 1}: the next item did not appear in 15 s`)), 15_000));
    out.push(
      await Promise.race([done, timeout]).catch(async (err) => {
        const state = await page.evaluate(() => document.querySelector("main")?.innerText.slice(0, 600));
        throw new Error(`${(err as Error).message}; the page shows: ${state}`);
      }),
    );
  }
  return out;
}

async function serverFloor(baseUrl: string, token: string): Promise<number[]> {
  const headers = { authorization: `Bearer ${token}`, "content-type": "application/json" };
  const next = async () => (await (await fetch(`${baseUrl}/api/v1/projects/${SLUG}/assignments/next`, { method: "POST", headers, body: "{}" })).json()) as { assignment: { id: number } };
  let claimed = await next();
  const out: number[] = [];
  for (let i = 0; i < N; i++) {
    const t0 = performance.now();
    const res = await fetch(`${baseUrl}/api/v1/judgments`, { method: "POST", headers, body: JSON.stringify({ assignment_id: claimed.assignment.id, choice: "A", client_id: `floor-${i}` }) });
    if (!res.ok) throw new Error(`floor submit: ${res.status} ${await res.text()}`);
    claimed = await next();
    out.push(performance.now() - t0);
  }
  return out;
}

async function main() {
  // Hold the shared build lock for the whole run: nobody may rebuild .next under the running server.
  if (!process.env.ARBITER_BENCH_LOCKED) {
    const r = spawnSync("flock", ["/tmp/arbiter-build.lock", "npx", "tsx", __filename, ...process.argv.slice(2)], {
      cwd: ROOT,
      stdio: "inherit",
      env: { ...process.env, ARBITER_BENCH_LOCKED: "1" },
    });
    process.exit(r.status ?? 1);
  }
  await ensureBuilt(ROOT);
  const executablePath = findChromium();
  if (!executablePath) throw new Error("Chromium not found (set CHROMIUM_PATH)");
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "arbiter-bench-ws-"));
  const file = path.join(dir, "bench.db");
  const { floorToken } = await generate(file);
  const { baseUrl, server } = await startServer(file);
  // Interrupted (Ctrl+C, a timeout): stop the server too, or it would outlive the run.
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.on(signal, () => {
      server.kill("SIGTERM");
      process.exit(130);
    });
  }
  const browser = await launchChromium(executablePath);
  try {
    // Warm the server's route compilation caches so the first measured load is not a cold start.
    for (const u of ["/bench/empty", "/login"]) await fetch(baseUrl + u);

    const emptyCtx = await browser.newContext();
    const empty = await firstLoadJs(await emptyCtx.newPage(), `${baseUrl}/bench/empty`);
    await emptyCtx.close();

    const ctx = await browser.newContext();
    const page = await ctx.newPage();
    await signIn(page, baseUrl, "ann@bench.local");
    const measurePage = await ctx.newPage();
    const ws = await firstLoadJs(measurePage, `${baseUrl}/annotate/${SLUG}`);
    await measurePage.close();

    console.log("First-load JavaScript (gzip -9 of the scripts Chromium fetched; noModule polyfill excluded)");
    console.log(`  empty page (/bench/empty) baseline  ${kb(empty.total)} in ${empty.files} files`);
    console.log(`  annotation page /annotate/[slug]     ${kb(ws.total)} in ${ws.files} files (+${kb(ws.total - empty.total)} over the baseline)`);
    if (ws.polyfill || empty.polyfill) console.log(`  (polyfill chunk fetched and excluded: ${kb(ws.polyfill)})`);

    const floor = (await serverFloor(baseUrl, floorToken)).sort((a, b) => a - b);
    const lat = (await latencies(page, baseUrl)).sort((a, b) => a - b);
    console.log(`Submit key → next item's text visible, ${N} consecutive judgments in Chromium`);
    console.log(`  server floor (POST judgment + POST assignments/next from Node)  median ${quantile(floor, 0.5).toFixed(1)} ms  p95 ${quantile(floor, 0.95).toFixed(1)} ms`);
    console.log(`  workspace (keydown → frame after the next prompt renders) median ${quantile(lat, 0.5).toFixed(1)} ms  p95 ${quantile(lat, 0.95).toFixed(1)} ms  max ${lat[lat.length - 1].toFixed(1)} ms`);
    await ctx.close();
  } finally {
    await browser.close();
    server.kill("SIGTERM");
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
