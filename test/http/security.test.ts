// Forged requests, security headers, body limits and malformed input, against the production server
// the suite starts (README "Security").
import fs from "node:fs";
import http from "node:http";
import { once } from "node:events";
import { Readable } from "node:stream";
import { beforeAll, describe, expect, it } from "vitest";
import { importItems } from "@/lib/services/importer";
import { createProject } from "@/lib/services/projects";
import { api, JSON_TYPE, login, serverInfo, systemCtx } from "../helpers/server";
import { apiRoutes } from "./routes";

const SLUG = "security-suite";
const MiB = 1024 * 1024;
const records = [1, 2, 3].map((i) => ({ id: `s${i}`, prompt: `Prompt ${i}`, responses: [`alpha ${i}`, `beta ${i}`] }));
const jsonl = records.map((r) => JSON.stringify(r)).join("\n") + "\n";

let itemId: number;

beforeAll(async () => {
  const ctx = systemCtx();
  await createProject({ ctx, input: { status: "active", slug: SLUG, name: "Security suite", overlap: 1 } });
  await importItems({ ctx, input: { slug: SLUG, source: () => Readable.from([jsonl]) } });
  await ctx.db.close();
  const listed = await (await api(`/api/v1/projects/${SLUG}/items?q=s1`, { token: admin().token })).json();
  itemId = listed.items[0].id;
});

const admin = () => serverInfo().users.admin;

async function expectError(res: Response, status: number | "4xx", field?: string) {
  if (status === "4xx") expect(res.status, `${res.url} answered ${res.status}`).toBeGreaterThanOrEqual(400);
  if (status === "4xx") expect(res.status, `${res.url} answered ${res.status}`).toBeLessThan(500);
  else expect(res.status).toBe(status);
  expect(res.headers.get("content-type")).toMatch(/^application\/json/);
  const body = await res.json();
  expect(body.error).toEqual(expect.objectContaining({ code: expect.any(String), message: expect.any(String) }));
  if (field) expect(Object.keys(body.error.fields ?? {}), JSON.stringify(body.error)).toContain(field);
  return body;
}

async function priorityOf(id: number): Promise<number> {
  const listed = await (await api(`/api/v1/projects/${SLUG}/items?q=${id}`, { token: admin().token })).json();
  return listed.items.find((i: { id: number }) => i.id === id).priority;
}

describe("requests that cannot be forged", () => {
  let cookie: string;
  beforeAll(async () => {
    cookie = await login(admin().email, admin().password);
  });
  const patch = (headers: Record<string, string>, body = JSON.stringify({ priority: 7 })) =>
    api(`/api/v1/items/${itemId}`, { method: "PATCH", cookie, headers, body });

  it("a signed-in browser's JSON write from Arbiter's own origin passes", async () => {
    expect((await patch({ ...JSON_TYPE, origin: serverInfo().baseUrl, "sec-fetch-site": "same-origin" })).status).toBe(200);
    expect(await priorityOf(itemId)).toBe(7);
    expect((await patch({ ...JSON_TYPE, origin: serverInfo().baseUrl }, JSON.stringify({ priority: 0 }))).status).toBe(200);
  });

  const otherPort = () => serverInfo().baseUrl.replace(/:(\d+)$/, (_, p) => `:${Number(p) + 1}`);
  it.each<[string, () => Record<string, string>]>([
    ["a foreign Origin", () => ({ ...JSON_TYPE, origin: "http://evil.example" })],
    ["another port of the same host (same site, other origin)", () => ({ ...JSON_TYPE, origin: otherPort() })],
    ["Origin null (a sandboxed frame)", () => ({ ...JSON_TYPE, origin: "null" })],
    ["no Origin and Sec-Fetch-Site cross-site", () => ({ ...JSON_TYPE, "sec-fetch-site": "cross-site" })],
    ["no Origin and Sec-Fetch-Site same-site", () => ({ ...JSON_TYPE, "sec-fetch-site": "same-site" })],
    ["text/plain from its own origin", () => ({ "content-type": "text/plain", origin: serverInfo().baseUrl })],
    ["a form post from its own origin", () => ({ "content-type": "application/x-www-form-urlencoded", origin: serverInfo().baseUrl })],
    ["no content type", () => ({ origin: serverInfo().baseUrl })],
  ])("refuses %s with 403 and changes nothing", async (_, headers) => {
    const h = headers();
    const res = await fetch(`${serverInfo().baseUrl}/api/v1/items/${itemId}`, {
      method: "PATCH",
      headers: { cookie, ...h },
      // A body without a content type: a Blob of no type is sent without the header.
      body: h["content-type"] ? JSON.stringify({ priority: 9 }) : new Blob([JSON.stringify({ priority: 9 })]),
    });
    await expectError(res, 403);
    expect(await priorityOf(itemId)).toBe(0);
  });

  it("a cross-site claim or judgment is refused as well", async () => {
    const evil = { origin: "http://evil.example", "content-type": "text/plain" };
    await expectError(await api(`/api/v1/projects/${SLUG}/assignments/next`, { method: "POST", cookie, headers: evil }), 403);
    await expectError(await api("/api/v1/judgments", { method: "POST", cookie, headers: evil, body: "{}" }), 403);
  });

  it("bearer-token requests are unaffected by origin and content type", async () => {
    const res = await api(`/api/v1/items/${itemId}`, {
      method: "PATCH",
      token: admin().token,
      headers: { origin: "http://evil.example", "sec-fetch-site": "cross-site", "content-type": "text/plain" },
      body: JSON.stringify({ priority: 0 }),
    });
    expect(res.status).toBe(200);
  });

  it("the import route takes the admin page's upload type and refuses a text/plain upload", async () => {
    const url = `/api/v1/projects/${SLUG}/items`;
    const own = { origin: serverInfo().baseUrl };
    const refused = await api(url, { method: "POST", cookie, headers: { ...own, "content-type": "text/plain" }, body: jsonl.replace(/"s(\d)"/g, '"t$1"') });
    await expectError(refused, 403);
    const uploaded = await api(url, { method: "POST", cookie, headers: { ...own, "content-type": "application/octet-stream" }, body: jsonl });
    expect(uploaded.status).toBe(200);
    expect(await uploaded.json()).toMatchObject({ inserted: 0, duplicates: 3 });
    expect((await (await api(`${url}?q=t1`, { token: admin().token })).json()).total).toBe(0);
  });
});

describe("security headers", () => {
  function expectCommon(res: Response) {
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    expect(res.headers.get("referrer-policy")).toBe("strict-origin-when-cross-origin");
    expect(res.headers.get("permissions-policy")).toMatch(/camera=\(\)/);
  }

  it("a page allows only its own nonced scripts and cannot be framed; the nonce is new each time", async () => {
    const nonces: string[] = [];
    for (let i = 0; i < 2; i++) {
      const res = await fetch(`${serverInfo().baseUrl}/login`);
      expect(res.status).toBe(200);
      expectCommon(res);
      const csp = res.headers.get("content-security-policy")!;
      expect(csp).toMatch(/script-src 'self' 'nonce-[A-Za-z0-9+/=]{24}' 'strict-dynamic'/);
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).toContain("object-src 'none'");
      expect(csp).not.toMatch(/script-src[^;]*'unsafe-(inline|eval)'/);
      const nonce = /'nonce-([^']+)'/.exec(csp)![1];
      const html = await res.text();
      const scripts = [...html.matchAll(/<script\b[^>]*>/g)].map((m) => m[0]);
      expect(scripts.length).toBeGreaterThan(0);
      for (const tag of scripts) expect(tag).toContain(`nonce="${nonce}"`);
      expect(res.headers.get("strict-transport-security")).toBeNull();
      nonces.push(nonce);
    }
    expect(nonces[0]).not.toBe(nonces[1]);
  });

  it("API responses allow nothing to load or frame them", async () => {
    for (const res of [await fetch(`${serverInfo().baseUrl}/api/health`), await api(`/api/v1/projects/${SLUG}/stats`)]) {
      expectCommon(res);
      expect(res.headers.get("content-security-policy")).toBe("default-src 'none'; frame-ancestors 'none'");
    }
  });

  it("HSTS is sent when the request came over https", async () => {
    const https = { "x-forwarded-proto": "https" };
    for (const path of ["/login", "/api/health"]) {
      const res = await fetch(serverInfo().baseUrl + path, { headers: https });
      expect(res.headers.get("strict-transport-security"), path).toMatch(/^max-age=\d{7,}/);
    }
  });
});

/**
 * Posts exactly `bytes` as a chunked body (no declared length), never ends it, and answers the
 * server's response. The server answers 413 once it has read past its limit and closes the
 * connection with the rest unread; a write after that fails with EPIPE and node:http drops the answer
 * it already has, a race the old version (3 MiB for a 1 MiB limit) lost now and then. Callers pass the
 * limit + 1, so the last byte is written before the server can answer. With `whole`, the body goes
 * in one write that also ends it, for a route that refuses any body of undeclared length (it answers
 * once the body is complete).
 */
function streamed(path: string, bytes: number, headers: Record<string, string> = {}, whole = false): Promise<Response> {
  return new Promise((resolve, reject) => {
    const req = http.request(serverInfo().baseUrl + path, { method: "POST", headers }, (res) => {
      const parts: Buffer[] = [];
      res.on("data", (b: Buffer) => parts.push(b));
      res.on("end", () => {
        req.destroy();
        resolve(new Response(Buffer.concat(parts), { status: res.statusCode, headers: res.headers as Record<string, string> }));
      });
      res.on("error", reject);
    });
    req.on("error", reject);
    // The body is never ended and nothing is written once `bytes` are out: the server answers only
    // after it has read past its limit (or, refusing on the headers, before any body), and closes the
    // connection with the rest unread. A write after that point fails with EPIPE and loses the answer.
    if (whole) {
      req.setHeader("transfer-encoding", "chunked");
      return void req.end(Buffer.alloc(bytes, 0x20));
    }
    req.flushHeaders();
    const chunk = Buffer.alloc(64 * 1024, 0x20);
    let sent = 0;
    const next = () => {
      if (sent >= bytes) return;
      const n = Math.min(chunk.length, bytes - sent);
      sent += n;
      req.write(chunk.subarray(0, n), next);
    };
    next();
  });
}

/**
 * Declares a body of `bytes` and sends none of it: a route refuses a declared length over its limit
 * before reading a byte and closes the connection, so a client still writing the body (as fetch
 * does) fails with EPIPE now and then instead of reading the 413.
 */
function declared(path: string, bytes: number, headers: Record<string, string> = {}): Promise<Response> {
  return new Promise((resolve, reject) => {
    const req = http.request(serverInfo().baseUrl + path, { method: "POST", headers: { ...headers, "content-length": String(bytes) } }, (res) => {
      const parts: Buffer[] = [];
      res.on("data", (b: Buffer) => parts.push(b));
      res.on("end", () => {
        req.destroy();
        resolve(new Response(Buffer.concat(parts), { status: res.statusCode, headers: res.headers as Record<string, string> }));
      });
      res.on("error", reject);
    });
    req.on("error", reject);
    req.flushHeaders();
  });
}

describe("body limits", () => {
  const token = () => ({ authorization: `Bearer ${admin().token}` });

  it("a JSON route refuses more than 1 MiB, declared or streamed", async () => {
    const path = `/api/v1/projects/${SLUG}/assignments/next`;
    await expectError(await declared(path, MiB + 1, token()), 413);
    await expectError(await streamed(path, MiB + 1, token()), 413);
    // Just under the limit is read and parsed.
    await expectError(await api(path, { method: "POST", token: admin().token, body: `{"exclude": "x"}${" ".repeat(MiB - 100)}` }), 400, "exclude");
  });

  it("a judgment may be up to 2 MiB (long rewrites), no more", async () => {
    const big = JSON.stringify({ assignment_id: 999999, choice: "A", rationale: "r", rewrite: "w".repeat(1.5 * MiB) });
    expect((await api("/api/v1/judgments", { method: "POST", token: admin().token, body: big })).status).not.toBe(413);
    await expectError(await declared("/api/v1/judgments", 2 * MiB + 1, token()), 413);
    await expectError(await streamed("/api/v1/judgments", 2 * MiB + 1, token()), 413);
  });

  it("the sign-in endpoint refuses more than 16 KiB, and a body that does not declare its length", async () => {
    const form = { "content-type": "application/x-www-form-urlencoded" };
    const path = "/api/auth/callback/credentials";
    await expectError(await fetch(serverInfo().baseUrl + path, { method: "POST", headers: form, body: "a=" + "x".repeat(16 * 1024) }), 413);
    await expectError(await streamed(path, 1024, form, true), 413);
    expect(await login(admin().email, admin().password)).toMatch(/session-token/);
  });

  it("an import upload over ARBITER_MAX_UPLOAD_MB is refused, declared or streamed", async () => {
    const limit = serverInfo().maxUploadMb * MiB;
    const path = `/api/v1/projects/${SLUG}/items`;
    const declared = await new Promise<{ status: number; req: http.ClientRequest }>((resolve, reject) => {
      const req = http.request(serverInfo().baseUrl + path, { method: "POST", headers: { ...token(), "content-length": limit + 1 } }, (res) => {
        res.resume();
        resolve({ status: res.statusCode!, req });
      });
      req.on("error", reject);
      req.write("{}\n"); // the rest never comes: the refusal must not wait for it
    });
    expect(declared.status).toBe(413);
    declared.req.destroy();
    await expectError(await streamed(path, limit + 1, token()), 413);
  });
});

/** The server's resident memory, from /proc. */
function rssOf(pid: number): number {
  return Number(/VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, "utf8"))![1]) * 1024;
}

/** Posts `bytes` of form data, written chunk by chunk as the socket drains; resolves with the status. */
async function bigPost(path: string, bytes: number, declareLength: boolean): Promise<number> {
  const url = new URL(serverInfo().baseUrl + path);
  const headers: Record<string, string | number> = { "content-type": "application/x-www-form-urlencoded" };
  if (declareLength) headers["content-length"] = bytes;
  const req = http.request(url, { method: "POST", headers });
  let status: number | undefined;
  const answered = new Promise<number>((resolve, reject) => {
    req.on("response", (res) => {
      status = res.statusCode!;
      res.resume();
      resolve(status);
    });
    req.on("error", (err) => (status ? resolve(status) : reject(err)));
  });
  const chunk = Buffer.alloc(256 * 1024, "a");
  for (let sent = 0; sent < bytes && status === undefined && !req.destroyed; sent += chunk.length) {
    if (!req.write(chunk)) await Promise.race([once(req, "drain"), answered]);
  }
  if (status === undefined && !req.destroyed) req.end();
  const result = await answered;
  req.destroy();
  return result;
}

describe("memory under oversized posts", () => {
  it("eight concurrent anonymous 100 MB sign-in posts raise the server's RSS by less than 64 MB", async () => {
    const { pid } = serverInfo();
    const before = rssOf(pid);
    let peak = before;
    const timer = setInterval(() => (peak = Math.max(peak, rssOf(pid))), 25);
    try {
      const statuses = await Promise.all(Array.from({ length: 8 }, (_, i) => bigPost("/api/auth/callback/credentials", 100 * MiB, i % 2 === 0)));
      expect(statuses).toEqual(Array(8).fill(413));
    } finally {
      clearInterval(timer);
    }
    peak = Math.max(peak, rssOf(pid));
    expect(peak - before, `RSS went from ${(before / MiB).toFixed(0)} MB to ${(peak / MiB).toFixed(0)} MB`).toBeLessThan(64 * MiB);
  });
});

describe("malformed input", () => {
  // Non-object JSON, broken JSON or UTF-8, and lone surrogates, sent to every route that takes a body.
  const bodies: [string, string | Uint8Array][] = [
    ["a JSON string", '"x"'],
    ["null", "null"],
    ["a number", "42"],
    ["an array", "[]"],
    ["true", "true"],
    ["broken JSON", "{"],
    ["invalid UTF-8", new Uint8Array([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d])],
    ["a lone surrogate", '{"note": "\\ud800", "reason": "\\udfff", "rationale": "\\ud800", "prompt": "\\ud800"}'],
    ["a NUL character", '{"note": "a\\u0000", "reason": "\\u0000", "rationale": "\\u0000", "prompt": "\\u0000"}'],
  ];
  const routes = apiRoutes(SLUG);
  const writes = routes.filter(([method]) => method !== "GET");
  const reads = routes.filter(([method]) => method === "GET");

  const send = (method: string, path: string, body?: string | Uint8Array) =>
    api(path, { method, token: admin().token, headers: body === undefined ? undefined : JSON_TYPE, body: body as BodyInit | undefined });

  for (const [method, path] of writes) {
    it.each(bodies)(`${method} ${path} answers a JSON 4xx to %s`, async (_, body) => {
      await expectError(await send(method, path.replace("/items/1", `/items/${itemId}`), body), "4xx");
    });
  }

  it("JSON routes name the body or the field", async () => {
    for (const body of ["null", '"x"', "42", "[]"]) {
      await expectError(await send("POST", `/api/v1/projects/${SLUG}/assignments/next`, body), 400, "body");
      await expectError(await send("POST", "/api/v1/judgments", body), 400, "body");
      await expectError(await send("PATCH", `/api/v1/items/${itemId}`, body), 400, "body");
      await expectError(await send("POST", `/api/v1/items/${itemId}/requeue`, body), 400, "body");
    }
    await expectError(await send("POST", `/api/v1/projects/${SLUG}/assignments/next`, '{"exclude": "x"}'), 400, "exclude");
    await expectError(await send("POST", `/api/v1/projects/${SLUG}/assignments/next`, '{"exclude": [1.5]}'), 400, "exclude.0");
    await expectError(await send("PATCH", `/api/v1/items/${itemId}`, '{"priority": "high"}'), 400, "priority");
    await expectError(await send("POST", `/api/v1/items/${itemId}/adjudication`, '{"choice": "A", "note": "\\ud800"}'), 400, "note");
    await expectError(await send("POST", `/api/v1/items/${itemId}/adjudication`, '{"choice": "A", "note": "a\\u0000b"}'), 400, "note");
    await expectError(await send("POST", `/api/v1/items/${itemId}/adjudication`, '{"choice": 5}'), 400, "choice");
    await expectError(await send("POST", "/api/v1/assignments/1/skip", '{"reason": 5}'), 400, "reason");
    await expectError(await send("POST", "/api/v1/assignments/x/skip", "{}"), 400, "id");
  });

  it("requeue must say what it adds, within bounds, and a refused one adds nothing", async () => {
    const path = `/api/v1/items/${itemId}/requeue`;
    for (const body of ["{}", '{"foo": 1}', '{"extra": 0}', '{"extra": 21}', '{"extra": 1.5}', '{"extra": "many"}', "null"]) {
      await expectError(await send("POST", path, body), 400);
    }
    const listed = await (await api(`/api/v1/projects/${SLUG}/items?q=s1`, { token: admin().token })).json();
    expect(listed.items[0].extra_overlap).toBe(0);
    expect(await (await send("POST", path, '{"extra": 2}')).json()).toMatchObject({ extra_overlap: 2 });
  });

  it('an import of "x", null or 42 is a 400 that inserts nothing', async () => {
    for (const body of ['"x"', "null", "42", "[]", ""]) {
      const res = await api(`/api/v1/projects/${SLUG}/items`, { method: "POST", token: admin().token, body });
      await expectError(res, 400, "body");
    }
    const lone = JSON.stringify({ id: "lone", prompt: "p", responses: ["a", "b"] }).replace('"p"', '"\\ud800"');
    const res = await api(`/api/v1/projects/${SLUG}/items?skip_invalid=1`, { method: "POST", token: admin().token, body: lone });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ inserted: 0, errors: [{ line: 1, field: "prompt" }] });
  });

  // Ids and slugs in the path that name nothing, or cannot be decoded.
  const ids = ["abc", "-1", "1.5", "0", "99999999999999999999", "%ff", "%", "%00", "1%20OR%201=1"];
  const slugs = ["%ff", "%", "%E2%82%AC", "..%2F..", "x".repeat(300), "%00"];
  const addressed = routes.filter(([, path]) => path.includes(SLUG) || /\/1(\/|$)/.test(path));
  it.each(addressed)("%s %s answers a JSON 4xx to a bad id or slug", async (method, path) => {
    const variants = path.includes(SLUG) ? slugs.map((s) => path.replace(SLUG, s)) : ids.map((id) => path.replace("/1", `/${id}`));
    for (const variant of variants) {
      await expectError(await send(method, variant, method === "GET" ? undefined : "{}"), "4xx");
    }
  });

  // PostgreSQL refuses a NUL in text with an error rather than matching nothing: every route answers
  // 404 for a NUL in its id or slug, before any query, on every engine.
  it.each(addressed)("%s %s answers 404 to a NUL in its id or slug", async (method, path) => {
    const variants = path.includes(SLUG) ? [path.replace(SLUG, "%00"), path.replace(SLUG, `${SLUG}%00`)] : [path.replace("/1", "/%00"), path.replace("/1", `/${itemId}%00`)];
    for (const variant of variants) {
      const body = await expectError(await send(method, variant, method === "GET" ? undefined : "{}"), 404);
      expect(body.error.code, variant).toBe("not_found");
    }
  });

  // PostgreSQL refuses a NUL in a compared value with an error (a 500, or a CSV stream cut off)
  // where SQLite matches nothing: every engine answers a 400 naming the parameter instead.
  it("a NUL character in a query parameter answers 400 naming it", async () => {
    for (const path of [`/api/v1/projects/${SLUG}/items?q=a%00`, `/api/v1/projects/${SLUG}/judgments/mine?q=%00`, "/api/v1/audit.csv?user=%00", `/api/v1/projects/${SLUG}/stats?by=x%00`]) {
      const name = new URL(path, "http://x").searchParams.keys().next().value!;
      await expectError(await send("GET", path), 400, name);
    }
  });

  // Every query parameter a GET route reads, with values of the wrong type or out of range.
  const queries = [
    "limit=abc", "limit=-1", "limit=1e9", "offset=-5", "offset=x", "page=0", "page=abc", "page_size=100000", "filter=nope",
    "q=%ff", "q=%", "q=%00", "by=%ff", "by=%00", "tz=%00", "user=%00", "action=%00", "project=%00", "rounds=abc", "rounds=-1", "rounds=1e12", "seed=x", "table=nope", "resolved=maybe",
    "format=nope", "file_format=nope", "policy=nope", "min_votes=abc", "min_agreement=2", "split=nope", "part=-1",
  ];
  it.each(reads)("%s %s answers 2xx or a JSON 4xx to malformed query parameters", async (method, path) => {
    for (const query of queries) {
      const res = await send(method, `${path}${path.includes("?") ? "&" : "?"}${query}`);
      if (res.status < 300) {
        await res.arrayBuffer();
        continue;
      }
      await expectError(res, "4xx");
    }
  });
});
