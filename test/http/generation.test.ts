// Models in the loop over HTTP against the production server: an admin adds an endpoint (its key
// entered directly) and contenders, starts a generation, follows its progress until it is done, and
// no response ever carries the key; a second run is cancelled with DELETE.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createProject } from "@/lib/services/projects";
import { api, JSON_TYPE, serverInfo, systemCtx } from "../helpers/server";
import { startModelServer, type ModelServer } from "../helpers/model-server";

const SLUG = "generation-http";
const KEY = "sk-http-5e8d1c0a9f-SECRET";
let model: ModelServer;
const bodies: string[] = [];

async function call(method: string, path: string, body?: unknown): Promise<{ status: number; json: Record<string, unknown> }> {
  const res = await api(path, { method, token: serverInfo().users.admin.token, headers: JSON_TYPE, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  bodies.push(text);
  return { status: res.status, json: JSON.parse(text) as Record<string, unknown> };
}

beforeAll(async () => {
  model = await startModelServer({ chunkDelayMs: 5 });
  const ctx = systemCtx();
  await createProject({ ctx, input: { status: "active", slug: SLUG, name: "Generation over HTTP" } });
  await ctx.db.close();
});
afterAll(() => model.close());

describe("generation over HTTP", () => {
  it("adds an endpoint and contenders, generates with progress, and never sends the key back", async () => {
    const added = await call("POST", "/api/v1/endpoints", { name: "http-local", base_url: model.baseUrl, model: "m", api_key: KEY, max_concurrency: 2, price_in: 1, price_out: 2 });
    expect(added.status).toBe(201);
    expect(added.json.endpoint).toMatchObject({ name: "http-local", api_key: "stored", max_concurrency: 2 });
    expect((await call("POST", "/api/v1/endpoints", { name: "http-local", base_url: model.baseUrl, model: "m" })).status).toBe(409);
    const bad = await call("POST", "/api/v1/endpoints", { name: "x", base_url: "nope", model: "m" });
    expect(bad.status).toBe(400);
    expect((bad.json.error as { fields: Record<string, string> }).fields.base_url).toMatch(/must be a URL/);
    const ping = await call("POST", "/api/v1/endpoints/http-local/test");
    expect(ping.json).toMatchObject({ ok: true, error: null });
    for (const name of ["h-alpha", "h-beta"]) expect((await call("POST", "/api/v1/contenders", { name, endpoint: "http-local", system: `persona ${name}` })).status).toBe(201);
    const edited = await call("PATCH", "/api/v1/contenders/h-beta", { temperature: 0.5 });
    expect(edited.json.contender).toMatchObject({ name: "h-beta", version: 2, temperature: 0.5, system: "persona h-beta" });

    const prompts = Array.from({ length: 6 }, (_, i) => ({ id: `p${i}`, prompt: `http prompt ${i}` }));
    const started = await call("POST", `/api/v1/projects/${SLUG}/generations`, { prompts, contenders: ["h-alpha", "h-beta"], pairs: "all" });
    expect(started.status).toBe(202);
    const id = (started.json.generation as { id: number }).id;
    await expect
      .poll(async () => ((await call("GET", `/api/v1/generations/${id}`)).json.generation as { status: string }).status)
      .toBe("done");
    const done = (await call("GET", `/api/v1/generations/${id}`)).json.generation;
    expect(done).toMatchObject({ status: "done", prompts: 6, total: 12, responses: 12, failed: 0, items: 6, contenders: [{ name: "h-alpha", version: 1 }, { name: "h-beta", version: 2 }] });
    expect(model.served.every((s) => s.authorization === `Bearer ${KEY}`)).toBe(true);
    const listed = await call("GET", `/api/v1/projects/${SLUG}/generations`);
    expect((listed.json.generations as { id: number }[])[0].id).toBe(id);
    const items = await call("GET", `/api/v1/projects/${SLUG}/items`);
    expect(items.status).toBe(200);
    // Other files on the shared server add endpoints of their own.
    expect((await call("GET", "/api/v1/endpoints")).json.endpoints).toContainEqual(expect.objectContaining({ name: "http-local", api_key: "stored" }));
    const judge = await call("POST", "/api/v1/judges", { name: "h-judge", endpoint: "http-local" });
    expect(judge.status).toBe(201);
    expect(judge.json.judge).toMatchObject({ name: "h-judge", endpoint: "http-local", prompt: expect.stringContaining("{response_b}") });
    expect((await call("POST", "/api/v1/judges", { name: "h-judge", endpoint: "http-local" })).status).toBe(409);
    const noEndpoint = await call("POST", "/api/v1/judges", { name: "h-judge-2", endpoint: "nowhere" });
    expect(noEndpoint.status).toBe(404);
    expect((noEndpoint.json.error as { fields: Record<string, string> }).fields.endpoint).toMatch(/no endpoint is named "nowhere"/);
    expect((await call("GET", "/api/v1/judges")).json.judges).toContainEqual(expect.objectContaining({ name: "h-judge", endpoint: "http-local" }));
    const audit = await api("/api/v1/audit.csv", { token: serverInfo().users.admin.token });
    bodies.push(await audit.text());
    for (const body of bodies) expect(body).not.toContain("5e8d1c0a9f");
  });

  it("starts a run from a prompts file sent as the body, names a bad row by its line, and lists the failures", async () => {
    const send = (text: string) =>
      api(`/api/v1/projects/${SLUG}/generations?contenders=h-alpha,h-beta&pairs=all`, {
        method: "POST",
        token: serverInfo().users.admin.token,
        headers: { "content-type": "application/octet-stream" },
        body: text,
      });
    const bad = await send('{"prompt": "fine"}\n{"prompt": 5}\n');
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { fields: Record<string, string> } }).error.fields.prompts).toMatch(/^1 invalid prompt row\(s\): line 2: /);
    model.inject({ kind: "malformed" }, 1, "file prompt 1");
    const started = await send('{"id": "f0", "prompt": "file prompt 0"}\n{"id": "f1", "prompt": "file prompt 1"}\n');
    expect(started.status).toBe(202);
    const id = ((await started.json()) as { generation: { id: number; total: number } }).generation.id;
    await expect.poll(async () => ((await call("GET", `/api/v1/generations/${id}`)).json.generation as { status: string }).status).toBe("done");
    const done = await call("GET", `/api/v1/generations/${id}`);
    expect(done.json.generation).toMatchObject({ prompts: 2, total: 4, responses: 3, failed: 1, items: 1 });
    expect(done.json.failures).toEqual([{ prompt: "f1", contender: expect.stringMatching(/^h-(alpha|beta)$/), error: expect.stringMatching(/\S/) }]);
  });

  it("cancels a run with DELETE", async () => {
    const slow = await startModelServer({ chunkDelayMs: 100 });
    try {
      await call("POST", "/api/v1/endpoints", { name: "http-slow", base_url: slow.baseUrl, model: "m", max_concurrency: 1 });
      for (const name of ["s-alpha", "s-beta"]) await call("POST", "/api/v1/contenders", { name, endpoint: "http-slow", system: name });
      const prompts = Array.from({ length: 30 }, (_, i) => `slow prompt ${i}`);
      const started = await call("POST", `/api/v1/projects/${SLUG}/generations`, { prompts, contenders: "s-alpha,s-beta" });
      const id = (started.json.generation as { id: number }).id;
      const cancelled = await call("DELETE", `/api/v1/generations/${id}`);
      expect(cancelled.status).toBe(200);
      expect(cancelled.json.generation).toMatchObject({ status: "cancelled", items: 0 });
      expect((await call("DELETE", `/api/v1/generations/${id}`)).status).toBe(409);
      // The worker notices within a moment (it looks every 250 ms), aborts its request and calls no more.
      await new Promise((r) => setTimeout(r, 1000));
      const before = slow.totalRequests();
      expect(before).toBeLessThan(60);
      await new Promise((r) => setTimeout(r, 1500));
      expect(slow.totalRequests()).toBe(before);
      expect(((await call("GET", `/api/v1/generations/${id}`)).json.generation as { items: number }).items).toBe(0);
    } finally {
      await slow.close();
    }
  });
});
