// Accounts on a real SQLite file (issue 12): session versions, deactivation, roles, the last admin,
// password hashing and its upgrade, the sign-in throttle's store, visibility and membership removal.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { eq, sql } from "drizzle-orm";
import { users } from "@/db/schema";
import { hashPassword, verifyPassword } from "@/lib/auth/password";
import { claimNext } from "@/lib/services/assignment";
import { AppError } from "@/lib/services/errors";
import { submitJudgment } from "@/lib/services/judgments";
import { addMember, removeMember } from "@/lib/services/members";
import { getWorkProject, updateProject } from "@/lib/services/projects";
import { admitSignIn, signInSucceeded, SIGN_IN_LIMITS } from "@/lib/services/sign-in-throttle";
import { createToken, listTokens, resolveToken, revokeToken } from "@/lib/services/tokens";
import {
  changeOwnPassword,
  createUser,
  endSessions,
  listUsers,
  sessionCallerOf,
  setPassword,
  setUserRole,
  setUserStatus,
  verifyCredentials,
} from "@/lib/services/users";
import { importText, jsonl, makeProject, makeUser, pairRecord, quickHash, tempDb, type TempDb } from "../helpers/db";

let t: TempDb;
beforeEach(() => {
  t = tempDb();
});
afterEach(() => t.close());

function code(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (e) {
    if (e instanceof AppError) return e.code;
    throw e;
  }
  return undefined;
}

async function codeOf(p: Promise<unknown>): Promise<string | undefined> {
  return p.then(
    () => undefined,
    (e) => {
      if (e instanceof AppError) return e.code;
      throw e;
    },
  );
}

const versionOf = (id: number) => t.db.select({ v: users.sessionVersion }).from(users).where(eq(users.id, id)).get()!.v;

describe("sessions end on the next request", () => {
  it("after sign-out, a password change, deactivation and a role change", async () => {
    makeUser(t, "admin"); // keeps an active admin besides the ones below
    const a = makeUser(t, "annotator");
    const signedIn = (await verifyCredentials(t.system, a.caller.email, a.password))!;
    expect(sessionCallerOf(t.system, a.caller.userId, signedIn.sessionVersion)).toMatchObject({ userId: a.caller.userId });

    endSessions(t.system, a.caller.userId, signedIn.sessionVersion);
    expect(sessionCallerOf(t.system, a.caller.userId, signedIn.sessionVersion)).toBeNull();
    // An old cookie replayed at sign-out does not end the newer sessions.
    const v1 = versionOf(a.caller.userId);
    endSessions(t.system, a.caller.userId, signedIn.sessionVersion);
    expect(versionOf(a.caller.userId)).toBe(v1);

    await changeOwnPassword({ ctx: a.ctx, input: { current: a.password, password: "a-new-password" } });
    expect(sessionCallerOf(t.system, a.caller.userId, v1)).toBeNull();
    expect(await verifyCredentials(t.system, a.caller.email, a.password)).toBeNull();
    const v2 = (await verifyCredentials(t.system, a.caller.email, "a-new-password"))!.sessionVersion;

    setUserRole({ ctx: t.system, input: { email: a.caller.email, role: "manager" } });
    expect(sessionCallerOf(t.system, a.caller.userId, v2)).toBeNull();
    const v3 = versionOf(a.caller.userId);
    expect(sessionCallerOf(t.system, a.caller.userId, v3)).toMatchObject({ role: "manager" });

    setUserStatus({ ctx: t.system, input: { email: a.caller.email, status: "deactivated" } });
    expect(sessionCallerOf(t.system, a.caller.userId, v3)).toBeNull();
    expect(sessionCallerOf(t.system, a.caller.userId, versionOf(a.caller.userId))).toBeNull(); // deactivated: no version works
    expect(await verifyCredentials(t.system, a.caller.email, "a-new-password")).toBeNull();

    const audit = t.db.all<{ action: string }>(sql`select action from audit_log where target_id = ${String(a.caller.userId)} order by id`).map((r) => r.action);
    expect(audit).toEqual(["auth.sign_in", "auth.sign_out", "user.password", "auth.sign_in_failed", "auth.sign_in", "user.role", "user.deactivate", "auth.sign_in_failed"]);
  });

  it("an admin's password reset ends the user's sessions and shows a generated password once", async () => {
    const a = makeUser(t, "annotator");
    const v = versionOf(a.caller.userId);
    const { password } = await setPassword({ ctx: t.system, input: { email: a.caller.email } });
    expect(password).toMatch(/^[\w-]{16}$/);
    expect(sessionCallerOf(t.system, a.caller.userId, v)).toBeNull();
    expect(await verifyCredentials(t.system, a.caller.email, password!)).not.toBeNull();
  });

  it("a password change, by the user or an admin's reset, revokes the user's API tokens", async () => {
    const a = makeUser(t, "annotator");
    const other = makeUser(t, "annotator");
    const first = createToken({ ctx: t.system, input: { email: a.caller.email } }).token;
    const kept = createToken({ ctx: t.system, input: { email: other.caller.email } }).token;
    expect(resolveToken(t.system, first)).not.toBeNull();
    await changeOwnPassword({ ctx: a.ctx, input: { current: a.password, password: "a-new-password" } });
    expect(resolveToken(t.system, first)).toBeNull();
    const second = createToken({ ctx: t.system, input: { email: a.caller.email } }).token;
    await setPassword({ ctx: t.system, input: { email: a.caller.email } });
    expect(resolveToken(t.system, second)).toBeNull();
    expect(resolveToken(t.system, kept)).not.toBeNull();
    expect(listTokens({ ctx: t.system, input: { email: a.caller.email } }).every((tk) => tk.revokedAt !== null)).toBe(true);
  });

  it("refuses a wrong current password on the profile change", async () => {
    const a = makeUser(t, "annotator");
    expect(await codeOf(changeOwnPassword({ ctx: a.ctx, input: { current: "wrong-one", password: "a-new-password" } }))).toBe("bad_request");
    expect(await codeOf(changeOwnPassword({ ctx: a.ctx, input: { current: a.password, password: "short" } }))).toBe("bad_request");
  });
});

describe("deactivation", () => {
  it("stops the user's tokens on their next request and keeps their judgments counting", async () => {
    const p = makeProject(t, { overlap: 1 });
    await importText(t, p.slug, jsonl([pairRecord(1), pairRecord(2)]));
    const a = makeUser(t, "annotator");
    const { token, id } = createToken({ ctx: t.system, input: { email: a.caller.email } });
    expect(resolveToken(t.system, token)).toMatchObject({ userId: a.caller.userId });
    const task = claimNext({ ctx: a.ctx, input: { slug: p.slug } })!;
    await submitJudgment({ ctx: a.ctx, input: { assignment_id: task.assignment.id, choice: "A" } });

    setUserStatus({ ctx: t.system, input: { email: a.caller.email, status: "deactivated" } });
    expect(resolveToken(t.system, token)).toBeNull();
    expect(code(() => createToken({ ctx: t.system, input: { email: a.caller.email } }))).toBe("conflict");
    expect(t.db.get<{ n: number }>(sql`select count(*) as n from judgments where user_id = ${a.caller.userId}`).n).toBe(1);
    expect(t.db.get<{ n: number }>(sql`select judgment_count as n from items where id = ${task.item.id}`).n).toBe(1);
    expect(listUsers({ ctx: t.system }).find((u) => u.id === a.caller.userId)).toMatchObject({ status: "deactivated" });

    setUserStatus({ ctx: t.system, input: { email: a.caller.email, status: "active" } });
    expect(resolveToken(t.system, token)).toMatchObject({ userId: a.caller.userId });
    expect(listTokens({ ctx: t.system, input: { email: a.caller.email } }).map((x) => x.id)).toEqual([id]);
    expect(listTokens({ ctx: t.system, input: { email: "nobody@test.local" } })).toEqual([]);
    revokeToken({ ctx: t.system, input: { id } });
    expect(resolveToken(t.system, token)).toBeNull();
    expect(code(() => revokeToken({ ctx: t.system, input: { id } }))).toBe("not_found");
  });

  it("keeps at least one active admin: no deactivating or demoting the last one", () => {
    const admin = makeUser(t, "admin");
    expect(code(() => setUserStatus({ ctx: admin.ctx, input: { email: admin.caller.email, status: "deactivated" } }))).toBe("conflict");
    expect(code(() => setUserRole({ ctx: admin.ctx, input: { email: admin.caller.email, role: "annotator" } }))).toBe("conflict");
    const other = makeUser(t, "admin");
    setUserRole({ ctx: admin.ctx, input: { email: admin.caller.email, role: "manager" } });
    expect(code(() => setUserStatus({ ctx: other.ctx, input: { email: other.caller.email, status: "deactivated" } }))).toBe("conflict");
    const annotator = makeUser(t, "annotator");
    expect(code(() => setUserStatus({ ctx: annotator.ctx, input: { email: other.caller.email, status: "deactivated" } }))).toBe("forbidden");
  });
});

describe("password hashing", () => {
  it("hashes at N=2^17 off the request thread and verifies", async () => {
    const hash = await hashPassword("correct horse battery");
    expect(hash.split("$").slice(0, 4)).toEqual(["scrypt", String(2 ** 17), "8", "1"]);
    expect(await verifyPassword("correct horse battery", hash)).toEqual({ ok: true, outdated: false });
    expect((await verifyPassword("wrong", hash)).ok).toBe(false);
  });

  it("upgrades an older hash (N=16384) at the next successful sign-in, not at a failed one", async () => {
    const a = makeUser(t, "annotator");
    t.db.update(users).set({ passwordHash: quickHash(a.password, 16384) }).where(eq(users.id, a.caller.userId)).run();
    const stored = () => t.db.select({ h: users.passwordHash }).from(users).where(eq(users.id, a.caller.userId)).get()!.h!;
    expect(await verifyCredentials(t.system, a.caller.email, "wrong-password")).toBeNull();
    expect(stored().split("$")[1]).toBe("16384");
    expect(await verifyCredentials(t.system, a.caller.email, a.password)).not.toBeNull();
    expect(stored().split("$")[1]).toBe(String(2 ** 17));
    expect(await verifyCredentials(t.system, a.caller.email, a.password)).not.toBeNull();
    const row = t.db.select({ at: users.lastSignInAt }).from(users).where(eq(users.id, a.caller.userId)).get()!;
    expect(row.at).toBeGreaterThan(Date.now() - 60_000);
  });

  it("createUser stores a full-cost hash", async () => {
    const { user, password } = await createUser({ ctx: t.system, input: { email: "new@test.local", role: "annotator" } });
    const h = t.db.select({ h: users.passwordHash }).from(users).where(eq(users.id, user.id)).get()!.h!;
    expect(h.split("$")[1]).toBe(String(2 ** 17));
    expect(await verifyCredentials(t.system, "new@test.local", password!)).not.toBeNull();
  });
});

describe("sign-in throttle store", () => {
  it("counts attempts per account and per address in the database, atomically, and forgives a success", async () => {
    const attempts = Array.from({ length: SIGN_IN_LIMITS.account.points + 5 }, (_, i) => admitSignIn({ ctx: t.system, input: { email: "Victim@test.local", address: `10.0.0.${i}` } }));
    const results = await Promise.all(attempts);
    expect(results.filter((r) => r.ok)).toHaveLength(SIGN_IN_LIMITS.account.points);
    const refused = results.find((r) => !r.ok)!;
    expect(refused).toMatchObject({ ok: false, limit: "account" });
    if (!refused.ok) expect(refused.retryAfterMs).toBeGreaterThan(14 * 60_000);
    const row = t.db.get<{ points: number }>(sql`select points from sign_in_limits where key = 'account:victim@test.local'`);
    expect(row.points).toBe(SIGN_IN_LIMITS.account.points + 5);

    // Another account from a fresh address is unaffected; one address is limited across accounts.
    expect(await admitSignIn({ ctx: t.system, input: { email: "other@test.local", address: "10.0.1.1" } })).toEqual({ ok: true });
    for (let i = 0; i < SIGN_IN_LIMITS.address.points - 1; i++) await admitSignIn({ ctx: t.system, input: { email: `u${i}@test.local`, address: "10.0.1.1" } });
    expect(await admitSignIn({ ctx: t.system, input: { email: "fresh@test.local", address: "10.0.1.1" } })).toMatchObject({ ok: false, limit: "address" });

    await signInSucceeded({ ctx: t.system, input: { email: "victim@test.local" } });
    expect(await admitSignIn({ ctx: t.system, input: { email: "victim@test.local", address: "10.0.2.1" } })).toEqual({ ok: true });
  });
});

describe("visibility and membership", () => {
  it("hides a project an annotator may not work on; removing a member ends their leases and refuses their submit with 403", async () => {
    const p = makeProject(t, { overlap: 1 });
    await importText(t, p.slug, jsonl([pairRecord(1)]));
    const a = makeUser(t, "annotator");
    const b = makeUser(t, "annotator");
    addMember({ ctx: t.system, input: { slug: p.slug, email: a.caller.email } });
    expect(getWorkProject({ ctx: a.ctx, input: { slug: p.slug } }).slug).toBe(p.slug);
    expect(code(() => getWorkProject({ ctx: b.ctx, input: { slug: p.slug } }))).toBe("not_found");
    expect(getWorkProject({ ctx: makeUser(t, "manager").ctx, input: { slug: p.slug } }).slug).toBe(p.slug);

    const task = claimNext({ ctx: a.ctx, input: { slug: p.slug } })!;
    removeMember({ ctx: t.system, input: { slug: p.slug, email: a.caller.email } });
    expect(await codeOf(submitJudgment({ ctx: a.ctx, input: { assignment_id: task.assignment.id, choice: "A" } }))).toBe("forbidden");
    expect(t.db.get<{ n: number }>(sql`select count(*) as n from judgments`).n).toBe(0);

    // Still closed: no members left. Opening it to everyone gives the item (its lease ended) to b.
    expect(code(() => claimNext({ ctx: b.ctx, input: { slug: p.slug } }))).toBe("not_found");
    updateProject({ ctx: t.system, input: { slug: p.slug, visibility: "everyone" } });
    expect(claimNext({ ctx: b.ctx, input: { slug: p.slug } })!.item.id).toBe(task.item.id);
    const changes = t.db.get<{ project_id: number }>(sql`select project_id from audit_log where action = 'project.update'`);
    expect(changes.project_id).toBe(p.id);
  });

  it("draft projects are not found for annotators", () => {
    const p = makeProject(t);
    updateProject({ ctx: t.system, input: { slug: p.slug, status: "draft" } });
    expect(code(() => getWorkProject({ ctx: makeUser(t, "annotator").ctx, input: { slug: p.slug } }))).toBe("not_found");
  });
});

describe("audit log reading", () => {
  it("filters by user, action family, project and time, pages, and is for admins only", async () => {
    const { listAudit, auditEntries, AUDIT_PAGE_SIZE } = await import("@/lib/services/audit");
    const admin = makeUser(t, "admin");
    const p = makeProject(t);
    for (let i = 0; i < AUDIT_PAGE_SIZE + 5; i++) updateProject({ ctx: admin.ctx, input: { slug: p.slug, overlap: (i % 5) + 1 } });
    const a = makeUser(t, "annotator");
    await verifyCredentials(t.system, a.caller.email, "wrong-password");
    setUserRole({ ctx: admin.ctx, input: { email: a.caller.email, role: "manager" } });

    const first = await listAudit({ ctx: admin.ctx, input: { user: admin.caller.email } });
    expect(first.entries).toHaveLength(AUDIT_PAGE_SIZE);
    expect(first.hasMore).toBe(true);
    expect(first.entries[0].action).toBe("user.role");
    const second = await listAudit({ ctx: admin.ctx, input: { user: admin.caller.email, page: 2 } });
    expect(second.hasMore).toBe(false);
    expect(first.entries.length + second.entries.length).toBeGreaterThanOrEqual(AUDIT_PAGE_SIZE + 6);

    const auth = (await listAudit({ ctx: admin.ctx, input: { action: "auth." } })).entries;
    expect(auth.map((e) => [e.action, e.detail?.email, e.detail?.reason])).toEqual([["auth.sign_in_failed", a.caller.email, "wrong_password"]]);
    expect((await listAudit({ ctx: admin.ctx, input: { project: p.slug, action: "project.update" } })).entries.every((e) => e.project === p.slug)).toBe(true);
    const today = new Date().toISOString().slice(0, 10);
    expect((await listAudit({ ctx: admin.ctx, input: { from: today, to: today, action: "user.role" } })).entries).toHaveLength(1);
    expect((await listAudit({ ctx: admin.ctx, input: { to: "2000-01-01" } })).entries).toHaveLength(0);
    expect(await codeOf(listAudit({ ctx: admin.ctx, input: { from: "yesterday" } }))).toBe("bad_request");
    expect(await codeOf(listAudit({ ctx: makeUser(t, "manager").ctx, input: {} }))).toBe("forbidden");
    const streamed = [];
    for await (const e of auditEntries({ ctx: admin.ctx, input: { user: admin.caller.email } })) streamed.push(e);
    expect(streamed).toHaveLength(first.entries.length + second.entries.length);
    // A user filter also finds what was done to the account: the failed sign-in and the role change.
    expect((await listAudit({ ctx: admin.ctx, input: { user: a.caller.email } })).entries.map((e) => e.action)).toEqual(["user.role", "auth.sign_in_failed"]);
  });
});

describe("migration 0006", () => {
  it("makes projects that had members members-only and leaves the others open to everyone", async () => {
    const fs = await import("node:fs");
    const os = await import("node:os");
    const path = await import("node:path");
    const { migrate } = await import("drizzle-orm/better-sqlite3/migrator");
    const { openDatabase } = await import("@/db/client");
    const { MIGRATIONS_DIR } = await import("@/db/migrate");
    // The migrations as they were before 0006 (everything from 0006 on left out), applied to a database that has a project with members.
    const before = fs.mkdtempSync(path.join(os.tmpdir(), "arbiter-mig-"));
    fs.cpSync(MIGRATIONS_DIR, before, { recursive: true });
    const journal = JSON.parse(fs.readFileSync(path.join(before, "meta/_journal.json"), "utf8"));
    journal.entries = journal.entries.filter((e: { tag: string }) => e.tag < "0006");
    fs.writeFileSync(path.join(before, "meta/_journal.json"), JSON.stringify(journal));
    const db = openDatabase(path.join(before, "old.db"));
    migrate(db, { migrationsFolder: before });
    db.run(sql`insert into users (email, name, role, password_hash) values ('m@test.local', 'm', 'annotator', 'x')`);
    db.run(sql`insert into projects (slug, name) values ('closed', 'Closed'), ('open', 'Open')`);
    db.run(sql`insert into project_members (project_id, user_id) select p.id, u.id from projects p, users u where p.slug = 'closed'`);
    migrate(db, { migrationsFolder: MIGRATIONS_DIR });
    expect(db.all(sql`select slug, visibility from projects order by slug`)).toEqual([
      { slug: "closed", visibility: "members" },
      { slug: "open", visibility: "everyone" },
    ]);
    expect(db.get(sql`select status, session_version from users`)).toEqual({ status: "active", session_version: 0 });
    db.$client.close();
    fs.rmSync(before, { recursive: true, force: true });
  });
});
