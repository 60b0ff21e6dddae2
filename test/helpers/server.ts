// What the HTTP and browser tests get from the shared server, and helpers to call it.
import type { Page } from "playwright-core";
import { inject } from "vitest";
import { openDatabase } from "@/db/client";
import type { EngineKind } from "@/db/engine";
import type { Ctx } from "@/lib/services/context";

export interface Account {
  email: string;
  password: string;
  token: string;
  id: number;
}

export interface ServerInfo {
  baseUrl: string;
  /** The server's database: a SQLite file path, or a PostgreSQL URL. */
  database: string;
  engine: EngineKind;
  logFile: string;
  /** The server process, whose memory the limit tests read from /proc. */
  pid: number;
  /** ARBITER_MAX_UPLOAD_MB the server runs with: small, so the upload limit is tested without sending a gigabyte. */
  maxUploadMb: number;
  users: Record<"admin" | "manager" | "annotator" | "annotator2", Account>;
}

declare module "vitest" {
  export interface ProvidedContext {
    server: ServerInfo;
  }
}

export function serverInfo(): ServerInfo {
  return inject("server");
}

/**
 * The server's database opened by the test process itself, for setting up fixtures through services
 * and reading rows (test/helpers/rows.ts) on either engine; `await ctx.db.close()` when done.
 */
export function systemCtx(): Ctx {
  return { db: openDatabase(serverInfo().database), caller: null };
}

/** Runs `fn` with a fresh `systemCtx()` and closes its connections afterwards, whatever `fn` does. */
export async function withSystemCtx<T>(fn: (ctx: Ctx) => Promise<T>): Promise<T> {
  const ctx = systemCtx();
  try {
    return await fn(ctx);
  } finally {
    await ctx.db.close();
  }
}

/** Signs in through next-auth's credentials flow and returns the cookie header to send. */
export async function login(email: string, password: string): Promise<string> {
  const { baseUrl } = serverInfo();
  const csrfRes = await fetch(`${baseUrl}/api/auth/csrf`);
  const { csrfToken } = (await csrfRes.json()) as { csrfToken: string };
  const jar = new Map<string, string>();
  const keep = (res: Response) => {
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(";");
      const i = pair.indexOf("=");
      jar.set(pair.slice(0, i), pair.slice(i + 1));
    }
  };
  keep(csrfRes);
  const res = await fetch(`${baseUrl}/api/auth/callback/credentials`, {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded", cookie: [...jar].map(([k, v]) => `${k}=${v}`).join("; ") },
    body: new URLSearchParams({ csrfToken, email, password, json: "true" }),
  });
  keep(res);
  if (![...jar.keys()].some((k) => k.includes("session-token"))) throw new Error(`login failed for ${email} (${res.status})`);
  return [...jar].map(([k, v]) => `${k}=${v}`).join("; ");
}

/** The content type a signed-in browser's API writes must carry (README "Security"). */
export const JSON_TYPE = { "content-type": "application/json" };

export function api(path: string, init: RequestInit & { token?: string; cookie?: string } = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  if (init.token) headers.set("authorization", `Bearer ${init.token}`);
  if (init.cookie) headers.set("cookie", init.cookie);
  return fetch(serverInfo().baseUrl + path, { ...init, headers });
}

/** Signs in through the login page, as a person would, and waits for the signed-in header. */
export async function signIn(page: Page, email: string, password: string): Promise<void> {
  await page.goto(serverInfo().baseUrl + "/login");
  await page.getByTestId("login-email").fill(email);
  await page.getByTestId("login-password").fill(password);
  await page.getByTestId("login-submit").click();
  await page.getByTestId("who").waitFor();
}
