// The production server refuses to start without an auth secret, rather than run with a weak one.
import { spawn } from "node:child_process";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { tempDbOn } from "../helpers/db";
import { databaseEnv } from "../helpers/next-server";
import { serverInfo } from "../helpers/server";

const ROOT = path.resolve(__dirname, "../..");

describe("server start-up", () => {
  it("exits with a clear message when no auth secret is configured or stored", async () => {
    const t = await tempDbOn(serverInfo().engine); // migrated, no users, no stored secret
    const env: NodeJS.ProcessEnv = { ...process.env, NODE_ENV: "production", ...databaseEnv(t.file) };
    delete env.NEXTAUTH_SECRET;
    delete env.AUTH_SECRET;
    const child = spawn(process.execPath, [path.join(ROOT, "node_modules/next/dist/bin/next"), "start", "-p", "0", "-H", "127.0.0.1"], {
      cwd: ROOT,
      env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (d) => (output += d));
    child.stderr.on("data", (d) => (output += d));
    const code = await new Promise<number | null>((resolve) => {
      const timer = setTimeout(() => {
        child.kill("SIGKILL");
        resolve(null);
      }, 30_000);
      child.on("exit", (c) => {
        clearTimeout(timer);
        resolve(c);
      });
    });
    await t.close();
    expect(code).toBe(1);
    expect(output).toContain("Arbiter cannot start: No auth secret is configured");
  });
});
