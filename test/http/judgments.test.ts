// The judgment routes over real HTTP: each type's 400 for a payload that does not fit, history,
// revise and undo, all scoped to the annotator who owns the judgment.
import { Readable } from "node:stream";
import { beforeAll, describe, expect, it } from "vitest";
import { importItems } from "@/lib/services/importer";
import { createProject } from "@/lib/services/projects";
import { api, serverInfo, systemCtx } from "../helpers/server";

const SLUG = "http-ranking";
const STRENGTH = "http-strength";

beforeAll(async () => {
  const ctx = systemCtx();
  await createProject({ ctx, input: { status: "active", slug: SLUG, name: "Ranking over HTTP", overlap: 2, judgmentSchema: { type: "ranking", flags: [{ key: "unsafe", label: "Unsafe" }] } as never } });
  const lines = [1, 2].map((i) => JSON.stringify({ id: `r${i}`, prompt: `Rank ${i}`, responses: ["one", "two", "three"].map((c) => ({ content: `${c} ${i}`, model: `secret-model-${c}` })) }) + "\n");
  await importItems({ ctx, input: { slug: SLUG, source: () => Readable.from(lines) } });
  await createProject({ ctx, input: { status: "active", slug: STRENGTH, name: "Strength over HTTP", overlap: 1, judgmentSchema: { strength: true } as never } });
  const pair = JSON.stringify({ id: "s1", prompt: "Which?", responses: [{ content: "left" }, { content: "right" }] }) + "\n";
  await importItems({ ctx, input: { slug: STRENGTH, source: () => Readable.from([pair]) } });
  await ctx.db.close();
});

const json = (body: unknown) => ({ headers: { "content-type": "application/json" }, body: JSON.stringify(body) });

describe("judgment routes", () => {
  it("refuses anonymous callers on the new routes", async () => {
    for (const [method, path] of [
      ["POST", "/api/v1/assignments/1/undo"],
      ["GET", `/api/v1/projects/${SLUG}/judgments/mine`],
      ["PUT", "/api/v1/judgments/1"],
    ]) {
      const res = await api(path, { method, ...(method === "GET" ? {} : json({})) });
      expect(res.status, `${method} ${path}`).toBe(401);
    }
  });

  it("stores a ranking, shows it in my history, revises and undoes it", async () => {
    const { annotator, annotator2 } = serverInfo().users;
    const token = annotator.token;
    const claimed = await (await api(`/api/v1/projects/${SLUG}/assignments/next`, { method: "POST", token })).json();
    expect(claimed.schema).toMatchObject({ type: "ranking", flags: [{ key: "unsafe" }] });
    expect(claimed.item.candidates).toHaveLength(3);
    const url = "/api/v1/judgments";
    const submission = (body: object) => json({ assignment_id: claimed.assignment.id, ...body });

    const missing = await api(url, { method: "POST", token, ...submission({ ranking: [["A"], ["B"]] }) });
    expect(missing.status).toBe(400);
    expect((await missing.json()).error).toEqual({ code: "bad_request", message: "ranking: slot C is missing" });
    const twice = await api(url, { method: "POST", token, ...submission({ ranking: [["A"], ["B"], ["B"], ["C"]] }) });
    expect((await twice.json()).error.message).toBe("ranking: slot B appears twice");
    const pairwise = await api(url, { method: "POST", token, ...submission({ choice: "A" }) });
    expect((await pairwise.json()).error.message).toBe("choice: not used in a ranking project");
    const noAssignment = await api(url, { method: "POST", token, ...json({ ranking: [["C"], ["A", "B"]] }) });
    expect(noAssignment.status).toBe(400);
    expect((await noAssignment.json()).error.message).toMatch(/^assignment_id: /);

    const ok = await api(url, { method: "POST", token, ...submission({ ranking: [["C"], ["A", "B"]], flags: { B: ["unsafe"] }, client_id: "http-rank-1" }) });
    expect(ok.status).toBe(201);
    const { judgment } = await ok.json();
    expect(judgment).toMatchObject({ type: "ranking", revision: 1, payload: { ranking: [["C"], ["A", "B"]], flags: { B: ["unsafe"] } } });

    const mine = await (await api(`/api/v1/projects/${SLUG}/judgments/mine`, { token })).json();
    expect(mine.total).toBe(1);
    expect(mine.judgments[0]).toMatchObject({ judgment: { id: judgment.id }, undoable: true });
    expect(JSON.stringify(mine)).not.toContain("secret-model");
    const theirs = await (await api(`/api/v1/projects/${SLUG}/judgments/mine`, { token: annotator2.token })).json();
    expect(theirs.total).toBe(0);

    expect((await api(`/api/v1/judgments/${judgment.id}`, { method: "PUT", token: annotator2.token, ...json({ ranking: [["A"], ["B"], ["C"]] }) })).status).toBe(404);
    const badRevision = await api(`/api/v1/judgments/${judgment.id}`, { method: "PUT", token, ...json({ ranking: [["A"], ["C"]] }) });
    expect((await badRevision.json()).error.message).toBe("ranking: slot B is missing");
    const revised = await api(`/api/v1/judgments/${judgment.id}`, { method: "PUT", token, ...json({ ranking: [["A"], ["B"], ["C"]] }) });
    expect(revised.status).toBe(200);
    expect((await revised.json()).judgment).toMatchObject({ revision: 2, payload: { ranking: [["A"], ["B"], ["C"]] } });

    expect((await api(`/api/v1/assignments/${claimed.assignment.id}/undo`, { method: "POST", token: annotator2.token })).status).toBe(404);
    const undo = await api(`/api/v1/assignments/${claimed.assignment.id}/undo`, { method: "POST", token });
    expect(await undo.json()).toEqual({ undone: true, assignment_id: claimed.assignment.id });
    const again = await (await api(`/api/v1/projects/${SLUG}/assignments/next`, { method: "POST", token })).json();
    expect(again.assignment.id).toBe(claimed.assignment.id);
    expect((await api(`/api/v1/assignments/${claimed.assignment.id}/undo`, { method: "POST", token })).status).toBe(409);
  });

  it("refuses a strength on both_bad and a non-zero one on a tie, naming strength, and stores both_bad without one", async () => {
    const token = serverInfo().users.annotator.token;
    const claimed = await (await api(`/api/v1/projects/${STRENGTH}/assignments/next`, { method: "POST", token })).json();
    const submit = (body: object) => api("/api/v1/judgments", { method: "POST", token, ...json({ assignment_id: claimed.assignment.id, ...body }) });
    for (const [body, message] of [
      [{ choice: "both_bad", strength: 2 }, "strength: a both_bad judgment has no strength (leave strength out)"],
      [{ choice: "both_bad", strength: 0 }, "strength: a both_bad judgment has no strength (leave strength out)"],
      [{ choice: "tie", strength: 2 }, "strength: 2 does not agree with choice tie"],
    ] as const) {
      const res = await submit(body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect((await res.json()).error).toEqual({ code: "bad_request", message });
    }
    const stored = await submit({ choice: "both_bad" });
    expect(stored.status).toBe(201);
    expect((await stored.json()).judgment.payload).toEqual({ choice: "both_bad" });
  });
});
