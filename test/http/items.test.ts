// Curating items over HTTP against the production server: the admin's item list with search,
// filter and paging, and PATCH of an item's priority and gold answer.
import { Readable } from "node:stream";
import { beforeAll, describe, expect, it } from "vitest";
import { importItems } from "@/lib/services/importer";
import { createProject } from "@/lib/services/projects";
import { itemsOf } from "../helpers/rows";
import { api, JSON_TYPE, login, serverInfo, systemCtx } from "../helpers/server";

const SLUG = "items-http";
const ids: Record<string, number> = {};

async function expectError(res: Response, status: number, message?: RegExp) {
  expect(res.status).toBe(status);
  const body = await res.json();
  expect(body.error).toEqual(expect.objectContaining({ code: expect.any(String), message: expect.any(String) }));
  if (message) expect(body.error.message).toMatch(message);
}

const patch = (id: number | string, body: unknown, auth: { token?: string; cookie?: string } = { token: serverInfo().users.admin.token }) =>
  api(`/api/v1/items/${id}`, { method: "PATCH", ...auth, headers: JSON_TYPE, body: typeof body === "string" ? body : JSON.stringify(body) });
const list = async (query = "") => {
  const res = await api(`/api/v1/projects/${SLUG}/items${query}`, { token: serverInfo().users.admin.token });
  expect(res.status).toBe(200);
  return res.json();
};

beforeAll(async () => {
  const ctx = systemCtx();
  await createProject({ ctx, input: { status: "active", slug: SLUG, name: "Items over HTTP", overlap: 2 } });
  const records = ["Alpha", "Beta", "Gamma"].map((w, i) => ({
    id: `ih-${w.toLowerCase()}`,
    prompt: i === 2 ? [{ role: "user", content: "Hi" }, { role: "assistant", content: "Hello" }, { role: "user", content: `${w} question` }] : `${w} question`,
    responses: [{ content: `first ${w}`, model: "model-one" }, { content: `second ${w}`, model: "model-two" }],
  }));
  await importItems({ ctx, input: { slug: SLUG, source: () => Readable.from([records.map((r) => JSON.stringify(r)).join("\n") + "\n"]) } });
  for (const item of await itemsOf(ctx.db, SLUG)) ids[item.externalId] = item.id;
  await ctx.db.close();
});

describe("GET /api/v1/projects/{slug}/items", () => {
  it("lists the items in import order with models and progress, searched, filtered and paged", async () => {
    const all = await list();
    expect(all).toMatchObject({ total: 3, page: 1, page_size: 50 });
    expect(all.items[0]).toEqual({
      id: ids["ih-alpha"],
      external_id: "ih-alpha",
      prompt: "Alpha question",
      models: ["model-one", "model-two"],
      judgments: 0,
      wanted: 2,
      extra_overlap: 0,
      priority: 0,
      gold: null,
      gold_explanation: null,
      batch_id: expect.any(Number),
      tags: [],
    });
    const second = await list("?page=2&page_size=2");
    expect(second).toMatchObject({ total: 3, page: 2, page_size: 2 });
    expect(second.items.map((i: { external_id: string }) => i.external_id)).toEqual(["ih-gamma"]);
    // The last user turn of a conversation is searched like a plain prompt.
    expect((await list("?q=gamma%20QUESTION")).items.map((i: { id: number }) => i.id)).toEqual([ids["ih-gamma"]]);
    expect((await list("?q=ih-b")).total).toBe(1);
    expect((await list("?filter=gold&q=")).total).toBe(0);
  });

  it("answers 400 naming the parameter, and 404 for an unknown project", async () => {
    const { admin } = serverInfo().users;
    await expectError(await api(`/api/v1/projects/${SLUG}/items?filter=silver`, { token: admin.token }), 400, /^filter: must be one of all, gold, priority/);
    await expectError(await api(`/api/v1/projects/${SLUG}/items?page_size=1000`, { token: admin.token }), 400, /page_size: must be at most 200/);
    await expectError(await api(`/api/v1/projects/${SLUG}/items?page=abc`, { token: admin.token }), 400, /page: must be a whole number/);
    await expectError(await api(`/api/v1/projects/no-such-project/items`, { token: admin.token }), 404);
  });
});

describe("PATCH /api/v1/items/{id}", () => {
  it("sets the priority and the gold answer; the list then shows the item under both filters", async () => {
    const id = ids["ih-beta"];
    const res = await patch(id, { priority: 7, gold: "B" });
    expect(res.status).toBe(200);
    expect((await res.json()).item).toMatchObject({ id, external_id: "ih-beta", priority: 7, gold: "B", models: ["model-one", "model-two"] });
    expect((await list("?filter=gold")).items.map((i: { id: number }) => i.id)).toEqual([id]);
    expect((await list("?filter=priority")).items.map((i: { id: number; priority: number }) => [i.id, i.priority])).toEqual([[id, 7]]);

    // An admin's browser session works as well as a token; null clears the gold answer.
    const { admin } = serverInfo().users;
    const cookie = await login(admin.email, admin.password);
    const cleared = await patch(id, { gold: null }, { cookie });
    expect(cleared.status).toBe(200);
    expect((await cleared.json()).item).toMatchObject({ priority: 7, gold: null });
    expect((await list("?filter=gold")).total).toBe(0);
  });

  it("returns the refused fields as data in error.fields", async () => {
    const res = await patch(ids["ih-alpha"], { priority: "abc", gold: "C" });
    expect(res.status).toBe(400);
    expect((await res.json()).error).toEqual({
      code: "bad_request",
      message: expect.stringMatching(/^priority: must be a whole number; gold: must be one of/),
      fields: { priority: "must be a whole number", gold: expect.stringMatching(/^must be one of A, B, tie, both_bad/) },
    });
    const whole = await (await patch(ids["ih-alpha"], {})).json();
    expect(whole.error.fields).toBeUndefined();
  });

  it("answers 400 naming the field on bad input and writes nothing", async () => {
    const id = ids["ih-alpha"];
    await expectError(await patch(id, { priority: "abc" }), 400, /^priority: must be a whole number/);
    await expectError(await patch(id, { priority: 1e9 }), 400, /^priority: must be at most 1000000/);
    await expectError(await patch(id, { priority: 3, gold: "C" }), 400, /^gold: must be one of A, B, tie, both_bad/);
    await expectError(await patch(id, {}), 400, /priority, gold and\/or gold_explanation/);
    await expectError(await patch(id, { prioirty: 3 }), 400, /Unrecognized key: "prioirty"/);
    await expectError(await patch(id, "[1, 2]"), 400, /JSON object/);
    await expectError(await patch(id, "{not json"), 400, /not valid JSON/);
    const alpha = (await list()).items.find((i: { id: number }) => i.id === id);
    expect(alpha).toMatchObject({ priority: 0, gold: null });
  });

  it("answers 404 for an unknown item, 403 to annotators and managers, 401 without credentials", async () => {
    const { annotator, manager } = serverInfo().users;
    await expectError(await patch(999_999, { priority: 1 }), 404, /Item 999999 not found/);
    for (const user of [annotator, manager]) {
      await expectError(await patch(ids["ih-alpha"], { priority: 1 }, { token: user.token }), 403);
      await expectError(await api(`/api/v1/projects/${SLUG}/items`, { token: user.token }), 403);
    }
    await expectError(await patch(ids["ih-alpha"], { priority: 1 }, {}), 401);
    expect((await list()).items.find((i: { id: number }) => i.id === ids["ih-alpha"]).priority).toBe(0);
  });
});
