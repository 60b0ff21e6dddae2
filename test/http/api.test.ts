// /api/v1 against the running production server: authentication, roles, and the judging flow.
import { beforeAll, describe, expect, it } from "vitest";
import { createProject } from "@/lib/services/projects";
import { api, JSON_TYPE, login, serverInfo, systemCtx } from "../helpers/server";
import { apiRoutes, notForAnnotators as notForAnnotatorsOf } from "./routes";

const SLUG = "http-suite";
const records = [1, 2, 3].map((i) => ({
  id: `h${i}`,
  prompt: `Prompt ${i}`,
  responses: [
    { content: `alpha ${i}`, model: "secret-model-1" },
    { content: `beta ${i}`, model: "secret-model-2" },
  ],
}));
const body = records.map((r) => JSON.stringify(r)).join("\n");

beforeAll(async () => {
  const ctx = systemCtx();
  await createProject({ ctx, input: { status: "active", slug: SLUG, name: "HTTP suite", overlap: 2 } });
  await ctx.db.close();
});

const notForAnnotators = notForAnnotatorsOf(SLUG);
// Every /api/v1 route: a new route must be added to routes.ts (the test below checks the list is complete).
const routes = apiRoutes(SLUG);

async function expectError(res: Response, status: number) {
  expect(res.status).toBe(status);
  const json = await res.json();
  expect(json.error).toEqual(expect.objectContaining({ code: expect.any(String), message: expect.any(String) }));
  expect(JSON.stringify(json)).not.toMatch(/at .*\.(js|ts):\d+/);
}

describe("authentication", () => {
  it.each(routes)("%s %s refuses an anonymous caller with 401", async (method, path) => {
    await expectError(await api(path, { method, body: method === "GET" ? undefined : "{}" }), 401);
  });

  it.each(routes)("%s %s refuses an unknown token with 401", async (method, path) => {
    await expectError(await api(path, { method, token: "arb_not-a-token", body: method === "GET" ? undefined : "{}" }), 401);
  });
});

describe("route list", () => {
  it("names every route under app/api/v1", async () => {
    const fs = await import("node:fs");
    const path = await import("node:path");
    const root = path.resolve(__dirname, "../../app/api/v1");
    const found: string[] = [];
    const walk = (dir: string) => {
      for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
        if (e.isDirectory()) walk(path.join(dir, e.name));
        else if (e.name === "route.ts") found.push(path.relative(root, dir));
      }
    };
    walk(root);
    const pattern = (p: string) => p.replace(/\[[^\]]+\]/g, "[^/]+").replace(/\./g, "\\.");
    for (const route of found) {
      const re = new RegExp(`^/api/v1/${pattern(route)}(\\?|$)`);
      expect(routes.some(([, url]) => re.test(url)), `app/api/v1/${route} is missing from the route list`).toBe(true);
    }
  });
});

describe("roles", () => {
  it.each(notForAnnotators)("%s %s refuses an annotator with 403", async (method, path) => {
    const { annotator } = serverInfo().users;
    await expectError(await api(path, { method, token: annotator.token, body: method === "GET" ? undefined : "{}" }), 403);
  });

  it("an annotator cannot import or export", async () => {
    const { annotator } = serverInfo().users;
    await expectError(await api(`/api/v1/projects/${SLUG}/items`, { method: "POST", token: annotator.token, body }), 403);
    await expectError(await api(`/api/v1/projects/${SLUG}/export?format=trl-dpo`, { token: annotator.token }), 403);
  });

  it("a manager cannot import, export, curate items or take tasks", async () => {
    const { manager } = serverInfo().users;
    await expectError(await api(`/api/v1/projects/${SLUG}/items`, { method: "POST", token: manager.token, body }), 403);
    await expectError(await api(`/api/v1/projects/${SLUG}/items`, { token: manager.token }), 403);
    await expectError(await api("/api/v1/items/1", { method: "PATCH", token: manager.token, body: JSON.stringify({ priority: 1 }) }), 403);
    await expectError(await api(`/api/v1/projects/${SLUG}/export?format=trl-dpo`, { token: manager.token }), 403);
    await expectError(await api(`/api/v1/projects/${SLUG}/assignments/next`, { method: "POST", token: manager.token }), 403);
  });
});

describe("the judging flow over HTTP", () => {
  it("imports, leases, judges idempotently, skips and exports", async () => {
    const { admin, annotator, annotator2 } = serverInfo().users;

    // An invalid line rejects the whole file with its line number, and writes nothing.
    const bad = await api(`/api/v1/projects/${SLUG}/items`, { method: "POST", token: admin.token, body: body + "\n{\"prompt\": 5}\n" });
    expect(bad.status).toBe(400);
    const badJson = await bad.json();
    expect(badJson.errors[0].line).toBe(4);
    expect(badJson.inserted).toBe(0);

    const imported = await api(`/api/v1/projects/${SLUG}/items`, { method: "POST", token: admin.token, body });
    expect(imported.status).toBe(200);
    expect(await imported.json()).toMatchObject({ inserted: 3, duplicates: 0, errors: [] });
    const again = await api(`/api/v1/projects/${SLUG}/items`, { method: "POST", token: admin.token, body: JSON.stringify(records) });
    expect(await again.json()).toMatchObject({ inserted: 0, duplicates: 3 });

    // The annotator signs in with a session cookie, like the browser does.
    const cookie = await login(annotator.email, annotator.password);
    const next = await api(`/api/v1/projects/${SLUG}/assignments/next`, { method: "POST", cookie });
    expect(next.status).toBe(200);
    const claimed = await next.json();
    expect(claimed).toMatchObject({
      assignment: { id: expect.any(Number), expires_at: expect.any(String) },
      item: { id: expect.any(Number), prompt: expect.stringMatching(/^Prompt \d$/), candidates: [{ slot: "A" }, { slot: "B" }] },
      progress: expect.any(Object),
    });
    expect(JSON.stringify(claimed)).not.toContain("secret-model");
    const same = await (await api(`/api/v1/projects/${SLUG}/assignments/next`, { method: "POST", cookie })).json();
    expect(same.assignment.id).toBe(claimed.assignment.id);

    // Someone else cannot judge it.
    const foreign = await api("/api/v1/judgments", {
      method: "POST",
      token: annotator2.token,
      body: JSON.stringify({ assignment_id: claimed.assignment.id, choice: "A" }),
    });
    expect([403, 404]).toContain(foreign.status);

    // A bad payload is a 400 naming the field.
    const invalid = await api("/api/v1/judgments", { method: "POST", cookie, headers: JSON_TYPE, body: JSON.stringify({ assignment_id: claimed.assignment.id, choice: "C" }) });
    await expectError(invalid, 400);

    const judgment = { choice: "A", rationale: "clearer", duration_ms: 1234, client_id: "http-1" };
    const first = await api("/api/v1/judgments", { method: "POST", cookie, headers: JSON_TYPE, body: JSON.stringify({ assignment_id: claimed.assignment.id, ...judgment }) });
    expect(first.status).toBe(201);
    const retry = await api("/api/v1/judgments", { method: "POST", cookie, headers: JSON_TYPE, body: JSON.stringify({ assignment_id: claimed.assignment.id, ...judgment }) });
    expect(retry.status).toBe(200);
    expect((await retry.json()).judgment.id).toBe((await first.json()).judgment.id);

    // Skip the next one; it never comes back to this annotator.
    const second = await (await api(`/api/v1/projects/${SLUG}/assignments/next`, { method: "POST", cookie })).json();
    const skip = await api(`/api/v1/assignments/${second.assignment.id}/skip`, { method: "POST", cookie, headers: JSON_TYPE, body: JSON.stringify({ reason: "unsure" }) });
    expect(skip.status).toBe(200);
    const third = await (await api(`/api/v1/projects/${SLUG}/assignments/next`, { method: "POST", cookie })).json();
    expect(third.item.id).not.toBe(second.item.id);
    expect(third.item.id).not.toBe(claimed.item.id);
    expect((await api("/api/v1/judgments", { method: "POST", cookie, headers: JSON_TYPE, body: JSON.stringify({ assignment_id: third.assignment.id, choice: "B" }) })).status).toBe(201);
    expect((await api(`/api/v1/projects/${SLUG}/assignments/next`, { method: "POST", cookie })).status).toBe(204);

    // A second annotator agrees on the first item: it reaches a majority and is exported.
    for (;;) {
      const res = await api(`/api/v1/projects/${SLUG}/assignments/next`, { method: "POST", token: annotator2.token });
      if (res.status === 204) break;
      const t = await res.json();
      const choice = t.item.id === claimed.item.id ? t.item.candidates.find((c: { content: string }) => c.content === claimed.item.candidates[0].content).slot : "tie";
      await api("/api/v1/judgments", { method: "POST", token: annotator2.token, body: JSON.stringify({ assignment_id: t.assignment.id, choice }) });
    }
    const exp = await api(`/api/v1/projects/${SLUG}/export?format=trl-dpo`, { token: admin.token });
    expect(exp.status).toBe(200);
    expect(exp.headers.get("content-type")).toContain("ndjson");
    const lines = (await exp.text()).trim().split("\n").map((l) => JSON.parse(l));
    expect(lines).toEqual([{ prompt: claimed.item.prompt, chosen: claimed.item.candidates[0].content, rejected: claimed.item.candidates[1].content }]);

    const unknown = await api(`/api/v1/projects/${SLUG}/export?format=nope`, { token: admin.token });
    await expectError(unknown, 400);
    await expectError(await api(`/api/v1/projects/missing/assignments/next`, { method: "POST", cookie }), 404);
  });
});
