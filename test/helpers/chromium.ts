// Finds Debian's Chromium for the browser suite and launches it the way this machine needs.
// (No vitest here: the benchmarks under test/bench/ use it too, run by tsx.)
import fs from "node:fs";
import { chromium, type Browser, type Locator } from "playwright-core";

const CANDIDATES = ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome", "/usr/bin/google-chrome-stable"];

export function findChromium(): string | undefined {
  const fromEnv = process.env.CHROMIUM_PATH;
  if (fromEnv) return fs.existsSync(fromEnv) ? fromEnv : undefined;
  return CANDIDATES.find((p) => fs.existsSync(p));
}

export const CHROMIUM_MISSING =
  "Chromium not found: install it (Debian/Ubuntu: `sudo apt-get install -y chromium`) or set CHROMIUM_PATH. " +
  "The browser suite is skipped; with CI=true it fails instead.";

/** The executable, or undefined after saying why the suite is skipped; throws on CI. */
export function chromiumOrSkip(): string | undefined {
  const path = findChromium();
  if (path) return path;
  if (process.env.CI === "true") throw new Error(CHROMIUM_MISSING);
  console.warn(CHROMIUM_MISSING);
  return undefined;
}

export function launchChromium(executablePath: string): Promise<Browser> {
  return chromium.launch({
    executablePath,
    headless: true,
    args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-quic", "--no-first-run"],
  });
}

/**
 * Waits until `locator`'s text is exactly `expected`, as long as Playwright waits for any element
 * state, then asserts it (showing the text found when it never came). What a form shows after a
 * server action that hashes a new password (scrypt, in a low-priority thread) or re-renders a page
 * can take seconds on a loaded machine, past the one second `expect.poll` allows by default.
 */
export async function expectTextSettles(locator: Locator, expected: string): Promise<void> {
  const exactly = new RegExp(`^\\s*${expected.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}\\s*$`);
  await locator.filter({ hasText: exactly }).waitFor().catch(() => undefined);
  const found = (await locator.textContent())?.trim();
  if (found !== expected) throw new Error(`expected the text "${expected}", found ${found === undefined ? "no element" : `"${found}"`}`);
}
