// A bearer token on the annotation loop's routes (claim, submit, skip). On PostgreSQL a token the
// server resolved lately acts at once and is confirmed by the request's own first statement, in the
// round trip of its BEGIN (lib/services/tokens.ts `resolveToken`); revoked, or its user deactivated,
// it must still be refused by the very next request, as a plain lookup refuses it on SQLite. The
// changes are made straight in the database, as another instance would make them.
import { Readable } from "node:stream";
import { beforeAll, describe, expect, it } from "vitest";
import { importItems } from "@/lib/services/importer";
import { addMember } from "@/lib/services/members";
import { createProject } from "@/lib/services/projects";
import { createToken, listTokens, revokeToken } from "@/lib/services/tokens";
import { createUser, setUserStatus } from "@/lib/services/users";
import { api, JSON_TYPE, withSystemCtx } from "../helpers/server";

const SLUG = "http-token-loop";

beforeAll(async () => {
  await withSystemCtx(async (ctx) => {
    await createProject({ ctx, input: { status: "active", slug: SLUG, name: "Tokens in the loop", overlap: 1 } });
    const lines = Array.from({ length: 12 }, (_, i) => JSON.stringify({ id: `t${i}`, prompt: `Prompt ${i}`, responses: [{ content: `left ${i}` }, { content: `right ${i}` }] }) + "\n");
    await importItems({ ctx, input: { slug: SLUG, source: () => Readable.from(lines) } });
  });
});

async function newAnnotator(name: string): Promise<{ email: string; token: string }> {
  const email = `${name}@tokens.test`;
  return withSystemCtx(async (ctx) => {
    await createUser({ ctx, input: { email, role: "annotator", password: "not-used-for-signing-in" } });
    await addMember({ ctx, input: { slug: SLUG, email } });
    return { email, token: (await createToken({ ctx, input: { email, name: "loop" } })).token };
  });
}

const claim = (token: string) => api(`/api/v1/projects/${SLUG}/assignments/next`, { method: "POST", token });
const submit = (token: string, assignmentId: number) => api("/api/v1/judgments", { method: "POST", token, headers: JSON_TYPE, body: JSON.stringify({ assignment_id: assignmentId, choice: "A" }) });
const skip = (token: string, assignmentId: number) => api(`/api/v1/assignments/${assignmentId}/skip`, { method: "POST", token, headers: JSON_TYPE, body: "{}" });

describe("a token on the annotation loop's routes", () => {
  it("is refused by the next claim, submit and skip once revoked, though the server used it a moment before; nothing is changed", async () => {
    const { email, token } = await newAnnotator("revoked");
    // Used on every route first, so the server knows it.
    const first = await claim(token);
    expect(first.status).toBe(200);
    expect((await submit(token, (await first.json()).assignment.id)).status).toBe(201);
    const second = await claim(token);
    expect(second.status).toBe(200);
    const held = (await second.json()).assignment.id as number;
    const third = await claim(token);
    expect((await third.json()).assignment.id).toBe(held);

    await withSystemCtx(async (ctx) => {
      const [{ id }] = await listTokens({ ctx, input: { email } });
      await revokeToken({ ctx, input: { id } });
    });
    for (const res of [await claim(token), await submit(token, held), await skip(token, held)]) {
      expect(res.status, res.url).toBe(401);
      expect((await res.json()).error.code).toBe("unauthorized");
    }
    // The lease is as it was: neither judged nor skipped, and no new one was made.
    const { token: again } = await withSystemCtx(async (ctx) => createToken({ ctx, input: { email, name: "again" } }));
    const back = await claim(again);
    expect((await back.json()).assignment.id).toBe(held);
    expect((await submit(again, held)).status).toBe(201);
  });

  it("is refused at once while its user is deactivated, and works again when they are reactivated", async () => {
    const { email, token } = await newAnnotator("paused");
    const first = await claim(token);
    expect(first.status).toBe(200);
    const held = (await first.json()).assignment.id as number;
    await withSystemCtx((ctx) => setUserStatus({ ctx, input: { email, status: "deactivated" } }));
    expect((await claim(token)).status).toBe(401);
    expect((await skip(token, held)).status).toBe(401);
    await withSystemCtx((ctx) => setUserStatus({ ctx, input: { email, status: "active" } }));
    const back = await claim(token);
    expect(back.status).toBe(200);
    expect((await back.json()).assignment.id).toBe(held);
    expect((await skip(token, held)).status).toBe(200);
  });
});
