// Quality control over HTTP against the production server: the adjudication routes (managers only),
// sending an item back, and the typed refusals of claim-next (paused project; a non-member's 404).
import { Readable } from "node:stream";
import { beforeAll, describe, expect, it } from "vitest";
import { claimNext } from "@/lib/services/assignment";
import { submitJudgment } from "@/lib/services/judgments";
import { importItems } from "@/lib/services/importer";
import { addMember } from "@/lib/services/members";
import { createProject, updateProject } from "@/lib/services/projects";
import type { Ctx } from "@/lib/services/context";
import { api, JSON_TYPE, login, serverInfo, systemCtx } from "../helpers/server";

const SLUG = "qc-suite";
let itemId = 0;

async function expectError(res: Response, status: number, message?: RegExp) {
  expect(res.status).toBe(status);
  const body = await res.json();
  expect(body.error).toEqual(expect.objectContaining({ code: expect.any(String), message: expect.any(String) }));
  if (message) expect(body.error.message).toMatch(message);
  return body;
}

beforeAll(async () => {
  const ctx = systemCtx();
  await createProject({ ctx, input: { status: "active", slug: SLUG, name: "QC suite", overlap: 2 } });
  const record = { id: "q1", prompt: "Which is right?", responses: [{ content: "left answer", model: "model-left" }, { content: "right answer", model: "model-right" }] };
  await importItems({ ctx, input: { slug: SLUG, source: () => Readable.from([JSON.stringify(record) + "\n"]) } });
  // Two annotators disagree: the item has no majority.
  const { annotator, annotator2 } = serverInfo().users;
  for (const [u, label] of [[annotator, "A"], [annotator2, "B"]] as const) {
    const actx: Ctx = { db: ctx.db, caller: { userId: u.id, email: u.email, role: "annotator" } };
    const claimed = (await claimNext({ ctx: actx, input: { slug: SLUG } }))!;
    itemId = claimed.item.id;
    const slot = claimed.item.candidates.find((c) => c.content === (label === "A" ? "left answer" : "right answer"))!.slot;
    await submitJudgment({ ctx: actx, input: { assignment_id: claimed.assignment.id, choice: slot as "A", rationale: `${u.email} thinks ${label}` } });
  }
  await ctx.db.close();
});

describe("adjudication routes", () => {
  it("refuse anonymous callers with 401 and annotators with 403", async () => {
    const { annotator } = serverInfo().users;
    const routes: [string, string, string?][] = [
      ["GET", `/api/v1/projects/${SLUG}/adjudication`],
      ["POST", `/api/v1/items/${itemId}/adjudication`, JSON.stringify({ choice: "A" })],
      ["POST", `/api/v1/items/${itemId}/requeue`, JSON.stringify({ extra: 1 })],
    ];
    for (const [method, path, body] of routes) {
      await expectError(await api(path, { method, body }), 401);
      await expectError(await api(path, { method, body, token: annotator.token }), 403);
    }
    const cookie = await login(annotator.email, annotator.password);
    await expectError(await api(`/api/v1/projects/${SLUG}/adjudication`, { cookie }), 403);
  });

  it("show a manager the disputed item with model names and rationales, and record the final label", async () => {
    const { manager, annotator, annotator2 } = serverInfo().users;
    const res = await api(`/api/v1/projects/${SLUG}/adjudication`, { token: manager.token });
    expect(res.status).toBe(200);
    const queue = await res.json();
    expect(queue.total).toBe(1);
    expect(queue.items[0]).toMatchObject({
      id: itemId,
      prompt: "Which is right?",
      reason: "no_majority",
      candidates: [
        { label: "A", content: "left answer", model: "model-left" },
        { label: "B", content: "right answer", model: "model-right" },
      ],
      votes: { A: 1, B: 1 },
    });
    expect(queue.items[0].judgments.map((j: { choice: string; rationale: string }) => [j.choice, j.rationale])).toEqual([
      ["A", `${annotator.email} thinks A`],
      ["B", `${annotator2.email} thinks B`],
    ]);

    await expectError(
      await api(`/api/v1/items/${itemId}/adjudication`, { method: "POST", token: manager.token, body: JSON.stringify({ choice: "C" }) }),
      400,
      /choice/,
    );
    const cookie = await login(manager.email, manager.password);
    const recorded = await api(`/api/v1/items/${itemId}/adjudication`, { method: "POST", cookie, headers: JSON_TYPE, body: JSON.stringify({ choice: "B", note: "B is correct" }) });
    expect(recorded.status).toBe(201);
    expect((await recorded.json()).adjudication).toMatchObject({ item_id: itemId, choice: "B", note: "B is correct", by: manager.email });
    expect((await (await api(`/api/v1/projects/${SLUG}/adjudication`, { token: manager.token })).json()).total).toBe(0);
    const resolved = await (await api(`/api/v1/projects/${SLUG}/adjudication?resolved=1`, { token: manager.token })).json();
    expect(resolved.items[0].adjudication).toMatchObject({ choice: "B" });

    const requeued = await api(`/api/v1/items/${itemId}/requeue`, { method: "POST", token: manager.token, body: JSON.stringify({ extra: 2 }) });
    expect(requeued.status).toBe(200);
    expect(await requeued.json()).toMatchObject({ item_id: itemId, extra_overlap: 2, effective_overlap: 4 });
    await expectError(await api(`/api/v1/items/999999/adjudication`, { method: "POST", token: manager.token, body: JSON.stringify({ choice: "A" }) }), 404);
  });
});

describe("claim-next refusals", () => {
  it("answers 409 on a paused project and 404 to a non-member, with messages", async () => {
    const { annotator, annotator2 } = serverInfo().users;
    const ctx = systemCtx();
    await createProject({ ctx, input: { status: "active", slug: "qc-paused", name: "Paused" } });
    await updateProject({ ctx, input: { slug: "qc-paused", status: "paused" } });
    await createProject({ ctx, input: { status: "active", slug: "qc-members", name: "Members only" } });
    await addMember({ ctx, input: { slug: "qc-members", email: annotator2.email } });
    await ctx.db.close();
    const paused = await expectError(await api(`/api/v1/projects/qc-paused/assignments/next`, { method: "POST", token: annotator.token }), 409, /paused/);
    expect(paused.error.details).toMatchObject({ reason: "project_not_active" });
    // Issue 12: a project an annotator may not work on answers 404, as one that does not exist.
    await expectError(await api(`/api/v1/projects/qc-members/assignments/next`, { method: "POST", token: annotator.token }), 404, /not found/);
    expect((await api(`/api/v1/projects/qc-members/assignments/next`, { method: "POST", token: annotator2.token })).status).toBe(204);
  });
});

describe("pages for a project that does not exist", () => {
  it("answer 404, not an error page, for annotators, managers and admins", async () => {
    const { annotator, manager, admin } = serverInfo().users;
    const pages: [{ email: string; password: string }, string][] = [
      [annotator, "/annotate/no-such-project"],
      [annotator, "/annotate/no-such-project/history"],
      [manager, "/manage/no-such-project"],
      [manager, "/manage/no-such-project/adjudication"],
      [admin, "/admin/projects/no-such-project"],
      [admin, "/admin/projects/no-such-project/items"],
    ];
    for (const [user, path] of pages) {
      const cookie = await login(user.email, user.password);
      expect([path, (await api(path, { cookie, redirect: "manual" })).status]).toEqual([path, 404]);
    }
  });
});
