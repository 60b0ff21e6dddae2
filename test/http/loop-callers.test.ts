// A bearer token, and a browser's session, on the annotation loop's routes (claim, submit, skip). On
// PostgreSQL a token or a session the server read lately acts at once and is confirmed by the
// request's own first statement, in the round trip of its BEGIN (lib/services/tokens.ts
// `resolveToken`, lib/services/users.ts `sessionCallerOf`); revoked or signed out, or its user
// deactivated, it must still be refused by the very next request, as a plain read refuses it on
// SQLite. The changes are made straight in the database or through another request, as another
// instance would make them.
import { Readable } from "node:stream";
import { beforeAll, describe, expect, it } from "vitest";
import { importItems } from "@/lib/services/importer";
import { addMember } from "@/lib/services/members";
import { createProject } from "@/lib/services/projects";
import { createToken, listTokens, revokeToken } from "@/lib/services/tokens";
import { createUser, setUserStatus } from "@/lib/services/users";
import { api, JSON_TYPE, login, withSystemCtx } from "../helpers/server";

const SLUG = "http-token-loop";

beforeAll(async () => {
  await withSystemCtx(async (ctx) => {
    await createProject({ ctx, input: { status: "active", slug: SLUG, name: "Tokens in the loop", overlap: 1 } });
    const lines = Array.from({ length: 12 }, (_, i) => JSON.stringify({ id: `t${i}`, prompt: `Prompt ${i}`, responses: [{ content: `left ${i}` }, { content: `right ${i}` }] }) + "\n");
    await importItems({ ctx, input: { slug: SLUG, source: () => Readable.from(lines) } });
  });
});

const PASSWORD = "loop-callers-password-1";

async function newAnnotator(name: string): Promise<{ email: string; token: string }> {
  const email = `${name}@loop.test`;
  return withSystemCtx(async (ctx) => {
    await createUser({ ctx, input: { email, role: "annotator", password: PASSWORD } });
    await addMember({ ctx, input: { slug: SLUG, email } });
    return { email, token: (await createToken({ ctx, input: { email, name: "loop" } })).token };
  });
}

/** How a request authenticates: a bearer token or a session cookie. */
type Auth = { token: string } | { cookie: string };
const claim = (auth: Auth) => api(`/api/v1/projects/${SLUG}/assignments/next`, { method: "POST", ...auth });
const submit = (auth: Auth, assignmentId: number) => api("/api/v1/judgments", { method: "POST", ...auth, headers: JSON_TYPE, body: JSON.stringify({ assignment_id: assignmentId, choice: "A" }) });
const skip = (auth: Auth, assignmentId: number) => api(`/api/v1/assignments/${assignmentId}/skip`, { method: "POST", ...auth, headers: JSON_TYPE, body: "{}" });

/** The assignment a claim answered with (it must have answered 200). */
async function leaseOf(res: Response): Promise<number> {
  expect(res.status).toBe(200);
  return (await res.json()).assignment.id as number;
}

/** Every one of `responses` refused the caller: 401, code `unauthorized`. */
async function expectUnauthorized(responses: Response[]): Promise<void> {
  for (const res of responses) {
    expect(res.status, res.url).toBe(401);
    expect((await res.json()).error.code).toBe("unauthorized");
  }
}

/**
 * The loop as the workspace runs it (claim, submit, claim, and a reload claiming again), so the server
 * has read the caller; answers the lease held at the end.
 */
async function holdingLease(auth: Auth): Promise<number> {
  expect((await submit(auth, await leaseOf(await claim(auth)))).status).toBe(201);
  const held = await leaseOf(await claim(auth));
  expect(await leaseOf(await claim(auth))).toBe(held);
  return held;
}

describe("a token on the annotation loop's routes", () => {
  it("is refused by the next claim, submit and skip once revoked, though the server used it a moment before; nothing is changed", async () => {
    const { email, token: t } = await newAnnotator("revoked");
    const token = { token: t };
    const held = await holdingLease(token);

    await withSystemCtx(async (ctx) => {
      const [{ id }] = await listTokens({ ctx, input: { email } });
      await revokeToken({ ctx, input: { id } });
    });
    await expectUnauthorized([await claim(token), await submit(token, held), await skip(token, held)]);
    // The lease is as it was: neither judged nor skipped, and no new one was made.
    const again = { token: (await withSystemCtx(async (ctx) => createToken({ ctx, input: { email, name: "again" } }))).token };
    expect(await leaseOf(await claim(again))).toBe(held);
    expect((await submit(again, held)).status).toBe(201);
  });

  it("is refused at once while its user is deactivated, and works again when they are reactivated", async () => {
    const { email, token: t } = await newAnnotator("paused");
    const token = { token: t };
    const held = await leaseOf(await claim(token));
    await withSystemCtx((ctx) => setUserStatus({ ctx, input: { email, status: "deactivated" } }));
    expect((await claim(token)).status).toBe(401);
    expect((await skip(token, held)).status).toBe(401);
    await withSystemCtx((ctx) => setUserStatus({ ctx, input: { email, status: "active" } }));
    expect(await leaseOf(await claim(token))).toBe(held);
    expect((await skip(token, held)).status).toBe(200);
  });
});

/** Signs out the session of `cookie` (which ends every session of its user). */
async function signOut(cookie: string): Promise<void> {
  const { csrfToken } = (await (await api("/api/auth/csrf", { cookie })).json()) as { csrfToken: string };
  const out = await api("/api/auth/signout", { method: "POST", cookie, redirect: "manual", headers: { "content-type": "application/x-www-form-urlencoded" }, body: new URLSearchParams({ csrfToken, json: "true" }) });
  expect(out.status).toBeLessThan(400);
}

describe("a session on the annotation loop's routes", () => {
  it("is refused by the next claim, submit and skip once signed out elsewhere, though the server read it a moment before; nothing is changed", async () => {
    const { email } = await newAnnotator("signed-out");
    const cookie = { cookie: await login(email, PASSWORD) };
    const held = await holdingLease(cookie);

    // Signing out (in another tab, say) ends every session of the user, this cookie's included.
    await signOut(await login(email, PASSWORD));
    await expectUnauthorized([await claim(cookie), await submit(cookie, held), await skip(cookie, held)]);
    // The lease is as it was: neither judged nor skipped, and no new one was made.
    const again = { cookie: await login(email, PASSWORD) };
    expect(await leaseOf(await claim(again))).toBe(held);
    expect((await submit(again, held)).status).toBe(201);
  });

  it("is refused at once while its user is deactivated; signed in again once reactivated, the lease is still theirs", async () => {
    const { email } = await newAnnotator("paused-session");
    const cookie = { cookie: await login(email, PASSWORD) };
    const held = await leaseOf(await claim(cookie));
    await withSystemCtx((ctx) => setUserStatus({ ctx, input: { email, status: "deactivated" } }));
    expect((await claim(cookie)).status).toBe(401);
    expect((await submit(cookie, held)).status).toBe(401);
    expect((await skip(cookie, held)).status).toBe(401);
    await withSystemCtx((ctx) => setUserStatus({ ctx, input: { email, status: "active" } }));
    // (Deactivation ended the session: the old cookie stays refused.)
    expect((await claim(cookie)).status).toBe(401);
    const again = { cookie: await login(email, PASSWORD) };
    expect(await leaseOf(await claim(again))).toBe(held);
    expect((await skip(again, held)).status).toBe(200);
  });
});
