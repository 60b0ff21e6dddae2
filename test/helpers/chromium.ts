// Finds Debian's Chromium for the browser suite and launches it the way this machine needs.
import fs from "node:fs";
import { chromium, type Browser } from "playwright-core";

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
