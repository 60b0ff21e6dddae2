// Accounts on real databases, SQLite and PostgreSQL (issue 12): session versions, deactivation, roles, the last admin,
// password hashing and its upgrade, the sign-in throttle's store, visibility and membership removal.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { at, defineQuery, json, jsonText, num, numOrNull, str, strOrNull } from "@/db/engine";
import { hashPassword, verifyPassword } from "@/lib/auth/password";
import { ensureStoredSecret, resolveAuthSecret } from "@/lib/auth/secret";
import { claimNext } from "@/lib/services/assignment";
import { submitJudgment } from "@/lib/services/judgments";
import { addMember, listMembers, removeMember } from "@/lib/services/members";
import { getWorkProject, updateProject } from "@/lib/services/projects";
import { openDatabase } from "@/db/client";
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
import { ENGINES, errorCodeAsync, importText, jsonl, makeProject, makeUser, pairRecord, quickHash, tempDbOn, type TempDb } from "../helpers/db";

let t: TempDb;

// What the tests read back, on either engine.
const SESSION_VERSION = defineQuery("test.accounts.sessionVersion", "select session_version from users where id = ?", (r) => num(r.session_version));
const PASSWORD_HASH = defineQuery("test.accounts.passwordHash", "select password_hash from users where id = ?", (r) => strOrNull(r.password_hash));
const SET_PASSWORD_HASH = defineQuery("test.accounts.setPasswordHash", "update users set password_hash = ? where id = ?");
const LAST_SIGN_IN = defineQuery("test.accounts.lastSignIn", "select last_sign_in_at from users where id = ?", (r) => numOrNull(r.last_sign_in_at));
const AUDIT_OF_TARGET = defineQuery("test.accounts.auditOfTarget", "select action from audit_log where target_id = ? order by id", (r) => str(r.action));
const AUDIT_PROJECT = defineQuery("test.accounts.auditProject", "select project_id from audit_log where action = ? order by id", (r) => num(r.project_id));
const JUDGMENTS_OF = defineQuery("test.accounts.judgmentsOf", "select count(*) as n from judgments where user_id = ?", (r) => num(r.n));
const JUDGMENTS = defineQuery("test.accounts.judgments", "select count(*) as n from judgments", (r) => num(r.n));
const JUDGMENT_COUNT = defineQuery("test.accounts.judgmentCount", "select judgment_count from items where id = ?", (r) => num(r.judgment_count));
const LIMIT_POINTS = defineQuery("test.accounts.limitPoints", "select points from sign_in_limits where key = ?", (r) => num(r.points));

// Rows the membership test starts from, made directly (the project and lease services are not its subject).
const NEW_PROJECT = defineQuery("test.accounts.newProject", "insert into projects (slug, name) values (?, ?) returning id", (r) => num(r.id));
const NEW_ITEM = defineQuery("test.accounts.newItem", "insert into items (project_id, external_id, prompt) values (?, ?, ?) returning id", (r) => num(r.id));
const NEW_LEASE = defineQuery(
  "test.accounts.newLease",
  "insert into assignments (project_id, item_id, user_id, slot_order, leased_at, expires_at) values (?, ?, ?, ?, ?, ?) returning id",
  (r) => num(r.id),
);
const LEASE_EXPIRES = defineQuery("test.accounts.leaseExpires", "select expires_at from assignments where id = ?", (r) => num(r.expires_at));
const VISIBILITY = defineQuery("test.accounts.visibility", "select visibility from projects where id = ?", (r) => str(r.visibility));
const AUDIT_DETAILS = defineQuery("test.accounts.auditDetails", "select detail from audit_log where action = ? order by id", (r) => json<Record<string, unknown>>(r.detail));

const versionOf = async (id: number) => (await t.db.first(SESSION_VERSION, [id]))!;

describe.each(ENGINES)("accounts on %s", (kind) => {
  beforeEach(async () => {
    t = await tempDbOn(kind);
  });
  afterEach(() => t.close());

  describe("sessions end on the next request", () => {
    it("after sign-out, a password change, deactivation and a role change", async () => {
      await makeUser(t, "admin"); // keeps an active admin besides the ones below
      const a = await makeUser(t, "annotator");
      const signedIn = (await verifyCredentials(t.system, a.caller.email, a.password))!;
      expect(await sessionCallerOf(t.system, a.caller.userId, signedIn.sessionVersion)).toMatchObject({ userId: a.caller.userId });

      await endSessions(t.system, a.caller.userId, signedIn.sessionVersion);
      expect(await sessionCallerOf(t.system, a.caller.userId, signedIn.sessionVersion)).toBeNull();
      // An old cookie replayed at sign-out does not end the newer sessions.
      const v1 = await versionOf(a.caller.userId);
      await endSessions(t.system, a.caller.userId, signedIn.sessionVersion);
      expect(await versionOf(a.caller.userId)).toBe(v1);

      await changeOwnPassword({ ctx: a.ctx, input: { current: a.password, password: "a-new-password" } });
      expect(await sessionCallerOf(t.system, a.caller.userId, v1)).toBeNull();
      expect(await verifyCredentials(t.system, a.caller.email, a.password)).toBeNull();
      const v2 = (await verifyCredentials(t.system, a.caller.email, "a-new-password"))!.sessionVersion;

      await setUserRole({ ctx: t.system, input: { email: a.caller.email, role: "manager" } });
      expect(await sessionCallerOf(t.system, a.caller.userId, v2)).toBeNull();
      const v3 = await versionOf(a.caller.userId);
      expect(await sessionCallerOf(t.system, a.caller.userId, v3)).toMatchObject({ role: "manager" });

      await setUserStatus({ ctx: t.system, input: { email: a.caller.email, status: "deactivated" } });
      expect(await sessionCallerOf(t.system, a.caller.userId, v3)).toBeNull();
      expect(await sessionCallerOf(t.system, a.caller.userId, await versionOf(a.caller.userId))).toBeNull(); // deactivated: no version works
      expect(await verifyCredentials(t.system, a.caller.email, "a-new-password")).toBeNull();

      const audit = await t.db.many(AUDIT_OF_TARGET, [String(a.caller.userId)]);
      expect(audit).toEqual(["auth.sign_in", "auth.sign_out", "user.password", "auth.sign_in_failed", "auth.sign_in", "user.role", "user.deactivate", "auth.sign_in_failed"]);
    });

    it("an admin's password reset ends the user's sessions and shows a generated password once", async () => {
      const a = await makeUser(t, "annotator");
      const v = await versionOf(a.caller.userId);
      const { password } = await setPassword({ ctx: t.system, input: { email: a.caller.email } });
      expect(password).toMatch(/^[\w-]{16}$/);
      expect(await sessionCallerOf(t.system, a.caller.userId, v)).toBeNull();
      expect(await verifyCredentials(t.system, a.caller.email, password!)).not.toBeNull();
    });

    it("a password change, by the user or an admin's reset, revokes the user's API tokens", async () => {
      const a = await makeUser(t, "annotator");
      const other = await makeUser(t, "annotator");
      const first = (await createToken({ ctx: t.system, input: { email: a.caller.email } })).token;
      const kept = (await createToken({ ctx: t.system, input: { email: other.caller.email } })).token;
      expect(await resolveToken(t.system, first)).not.toBeNull();
      await changeOwnPassword({ ctx: a.ctx, input: { current: a.password, password: "a-new-password" } });
      expect(await resolveToken(t.system, first)).toBeNull();
      const second = (await createToken({ ctx: t.system, input: { email: a.caller.email } })).token;
      await setPassword({ ctx: t.system, input: { email: a.caller.email } });
      expect(await resolveToken(t.system, second)).toBeNull();
      expect(await resolveToken(t.system, kept)).not.toBeNull();
      expect((await listTokens({ ctx: t.system, input: { email: a.caller.email } })).every((tk) => tk.revokedAt !== null)).toBe(true);
    });

    it("refuses a wrong current password on the profile change", async () => {
      const a = await makeUser(t, "annotator");
      expect(await errorCodeAsync(() => changeOwnPassword({ ctx: a.ctx, input: { current: "wrong-one", password: "a-new-password" } }))).toBe("bad_request");
      expect(await errorCodeAsync(() => changeOwnPassword({ ctx: a.ctx, input: { current: a.password, password: "short" } }))).toBe("bad_request");
    });
  });

  describe("several instances on one database", () => {
    it("share the auth secret, sessions, tokens and sign-in counts: what one instance changes, the other enforces on its next request", async () => {
      const other = openDatabase(t.file); // a second server's own connection(s)
      try {
        const there = { db: other, caller: null };
        await makeUser(t, "admin");
        const a = await makeUser(t, "annotator");
        const { token } = await createToken({ ctx: t.system, input: { email: a.caller.email } });
        const signedIn = (await verifyCredentials(t.system, a.caller.email, a.password))!;
        expect(await sessionCallerOf(there, a.caller.userId, signedIn.sessionVersion)).toMatchObject({ userId: a.caller.userId });
        expect(await resolveToken(there, token)).toMatchObject({ userId: a.caller.userId });

        await endSessions(there, a.caller.userId, signedIn.sessionVersion);
        expect(await sessionCallerOf(t.system, a.caller.userId, signedIn.sessionVersion)).toBeNull();
        await setUserStatus({ ctx: t.system, input: { email: a.caller.email, status: "deactivated" } });
        expect(await resolveToken(there, token)).toBeNull();

        // Both sign sessions with the one secret stored in the database (no NEXTAUTH_SECRET here).
        const first = await ensureStoredSecret(t.db);
        expect(first.created).toBe(true);
        expect(await ensureStoredSecret(other)).toEqual({ secret: first.secret, created: false });
        if (!process.env.NEXTAUTH_SECRET && !process.env.AUTH_SECRET) expect(await resolveAuthSecret(other)).toBe(first.secret);

        // Attempts counted on both instances add up to one limit.
        const email = "target@test.local";
        for (let i = 0; i < SIGN_IN_LIMITS.account.points / 2; i++) {
          expect(await admitSignIn({ ctx: t.system, input: { email } })).toEqual({ ok: true });
          expect(await admitSignIn({ ctx: there, input: { email } })).toEqual({ ok: true });
        }
        expect(await admitSignIn({ ctx: t.system, input: { email } })).toMatchObject({ ok: false, limit: "account" });
        expect(await admitSignIn({ ctx: there, input: { email } })).toMatchObject({ ok: false, limit: "account" });
      } finally {
        await other.close();
      }
    });
  });

  describe("deactivation", () => {
    it("stops the user's tokens on their next request and keeps their judgments counting", async () => {
      const p = await makeProject(t, { overlap: 1 });
      await importText(t, p.slug, jsonl([pairRecord(1), pairRecord(2)]));
      const a = await makeUser(t, "annotator");
      const { token, id } = await createToken({ ctx: t.system, input: { email: a.caller.email } });
      expect(await resolveToken(t.system, token)).toMatchObject({ userId: a.caller.userId });
      const task = (await claimNext({ ctx: a.ctx, input: { slug: p.slug } }))!;
      await submitJudgment({ ctx: a.ctx, input: { assignment_id: task.assignment.id, choice: "A" } });

      await setUserStatus({ ctx: t.system, input: { email: a.caller.email, status: "deactivated" } });
      expect(await resolveToken(t.system, token)).toBeNull();
      expect(await errorCodeAsync(() => createToken({ ctx: t.system, input: { email: a.caller.email } }))).toBe("conflict");
      expect(await t.db.first(JUDGMENTS_OF, [a.caller.userId])).toBe(1);
      expect(await t.db.first(JUDGMENT_COUNT, [task.item.id])).toBe(1);
      expect((await listUsers({ ctx: t.system })).find((u) => u.id === a.caller.userId)).toMatchObject({ status: "deactivated" });

      await setUserStatus({ ctx: t.system, input: { email: a.caller.email, status: "active" } });
      expect(await resolveToken(t.system, token)).toMatchObject({ userId: a.caller.userId });
      expect((await listTokens({ ctx: t.system, input: { email: a.caller.email } })).map((x) => x.id)).toEqual([id]);
      expect(await listTokens({ ctx: t.system, input: { email: "nobody@test.local" } })).toEqual([]);
      await revokeToken({ ctx: t.system, input: { id } });
      expect(await resolveToken(t.system, token)).toBeNull();
      expect(await errorCodeAsync(() => revokeToken({ ctx: t.system, input: { id } }))).toBe("not_found");
    });

    it("keeps at least one active admin: no deactivating or demoting the last one", async () => {
      const admin = await makeUser(t, "admin");
      expect(await errorCodeAsync(() => setUserStatus({ ctx: admin.ctx, input: { email: admin.caller.email, status: "deactivated" } }))).toBe("conflict");
      expect(await errorCodeAsync(() => setUserRole({ ctx: admin.ctx, input: { email: admin.caller.email, role: "annotator" } }))).toBe("conflict");
      const other = await makeUser(t, "admin");
      await setUserRole({ ctx: admin.ctx, input: { email: admin.caller.email, role: "manager" } });
      expect(await errorCodeAsync(() => setUserStatus({ ctx: other.ctx, input: { email: other.caller.email, status: "deactivated" } }))).toBe("conflict");
      const annotator = await makeUser(t, "annotator");
      expect(await errorCodeAsync(() => setUserStatus({ ctx: annotator.ctx, input: { email: other.caller.email, status: "deactivated" } }))).toBe("forbidden");
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
      const a = await makeUser(t, "annotator");
      await t.db.exec(SET_PASSWORD_HASH, [quickHash(a.password, 16384), a.caller.userId]);
      const stored = async () => (await t.db.first(PASSWORD_HASH, [a.caller.userId]))!;
      expect(await verifyCredentials(t.system, a.caller.email, "wrong-password")).toBeNull();
      expect((await stored()).split("$")[1]).toBe("16384");
      expect(await verifyCredentials(t.system, a.caller.email, a.password)).not.toBeNull();
      expect((await stored()).split("$")[1]).toBe(String(2 ** 17));
      expect(await verifyCredentials(t.system, a.caller.email, a.password)).not.toBeNull();
      const at = (await t.db.first(LAST_SIGN_IN, [a.caller.userId]))!;
      expect(at).toBeGreaterThan(Date.now() - 60_000);
    });

    it("createUser stores a full-cost hash", async () => {
      const { user, password } = await createUser({ ctx: t.system, input: { email: "new@test.local", role: "annotator" } });
      const h = (await t.db.first(PASSWORD_HASH, [user.id]))!;
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
      expect(await t.db.first(LIMIT_POINTS, ["account:victim@test.local"])).toBe(SIGN_IN_LIMITS.account.points + 5);

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
      const p = await makeProject(t, { overlap: 1 });
      await importText(t, p.slug, jsonl([pairRecord(1)]));
      const a = await makeUser(t, "annotator");
      const b = await makeUser(t, "annotator");
      await addMember({ ctx: t.system, input: { slug: p.slug, email: a.caller.email } });
      expect((await getWorkProject({ ctx: a.ctx, input: { slug: p.slug } })).slug).toBe(p.slug);
      expect(await errorCodeAsync(() => getWorkProject({ ctx: b.ctx, input: { slug: p.slug } }))).toBe("not_found");
      expect((await getWorkProject({ ctx: (await makeUser(t, "manager")).ctx, input: { slug: p.slug } })).slug).toBe(p.slug);

      const task = (await claimNext({ ctx: a.ctx, input: { slug: p.slug } }))!;
      await removeMember({ ctx: t.system, input: { slug: p.slug, email: a.caller.email } });
      expect(await errorCodeAsync(() => submitJudgment({ ctx: a.ctx, input: { assignment_id: task.assignment.id, choice: "A" } }))).toBe("forbidden");
      expect(await t.db.first(JUDGMENTS)).toBe(0);

      // Still closed: no members left. Opening it to everyone gives the item (its lease ended) to b.
      expect(await errorCodeAsync(() => claimNext({ ctx: b.ctx, input: { slug: p.slug } }))).toBe("not_found");
      await updateProject({ ctx: t.system, input: { slug: p.slug, visibility: "everyone" } });
      expect((await claimNext({ ctx: b.ctx, input: { slug: p.slug } }))!.item.id).toBe(task.item.id);
      expect(await t.db.first(AUDIT_PROJECT, ["project.update"])).toBe(p.id);
    });

    it("adds annotators only, closes an open project, lists members by email, and removing one ends their live leases", async () => {
      const projectId = (await t.db.first(NEW_PROJECT, ["club", "Club"]))!;
      const itemId = (await t.db.first(NEW_ITEM, [projectId, "i1", jsonText("Q?")]))!;
      const zed = await makeUser(t, "annotator", "zed@test.local");
      const amy = await makeUser(t, "annotator", "amy@test.local");
      const manager = await makeUser(t, "manager");
      expect(await t.db.first(VISIBILITY, [projectId])).toBe("everyone");
      expect(await addMember({ ctx: t.system, input: { slug: "club", email: "Zed@test.local" } })).toEqual({ added: true });
      expect(await t.db.first(VISIBILITY, [projectId])).toBe("members");
      expect(await addMember({ ctx: t.system, input: { slug: "club", email: zed.caller.email } })).toEqual({ added: false });
      await addMember({ ctx: t.system, input: { slug: "club", email: amy.caller.email } });
      expect((await listMembers({ ctx: t.system, input: { slug: "club" } })).map((m) => m.email)).toEqual(["amy@test.local", "zed@test.local"]);
      expect(await errorCodeAsync(() => addMember({ ctx: t.system, input: { slug: "club", email: manager.caller.email } }))).toBe("bad_request");
      expect(await errorCodeAsync(() => addMember({ ctx: t.system, input: { slug: "nowhere", email: zed.caller.email } }))).toBe("not_found");
      expect(await errorCodeAsync(() => addMember({ ctx: zed.ctx, input: { slug: "club", email: amy.caller.email } }))).toBe("forbidden");

      const now = Date.now();
      const lease = (await t.db.first(NEW_LEASE, [projectId, itemId, zed.caller.userId, jsonText([1, 2]), at(now), at(now + 30 * 60_000)]))!;
      expect(await removeMember({ ctx: t.system, input: { slug: "club", email: zed.caller.email } })).toEqual({ removed: true });
      expect(await t.db.first(LEASE_EXPIRES, [lease])).toBeLessThanOrEqual(Date.now());
      expect(await errorCodeAsync(() => removeMember({ ctx: t.system, input: { slug: "club", email: zed.caller.email } }))).toBe("not_found");
      expect((await listMembers({ ctx: t.system, input: { slug: "club" } })).map((m) => m.email)).toEqual(["amy@test.local"]);
      expect(await t.db.first(VISIBILITY, [projectId])).toBe("members");
      expect(await t.db.many(AUDIT_DETAILS, ["member.remove"])).toEqual([{ user: zed.caller.userId, email: zed.caller.email, leases_ended: 1 }]);
      expect((await t.db.many(AUDIT_DETAILS, ["member.add"])).map((d) => d.visibility ?? null)).toEqual(["members", null]);
    });

    it("draft projects are not found for annotators", async () => {
      const p = await makeProject(t);
      await updateProject({ ctx: t.system, input: { slug: p.slug, status: "draft" } });
      const annotator = await makeUser(t, "annotator");
      expect(await errorCodeAsync(() => getWorkProject({ ctx: annotator.ctx, input: { slug: p.slug } }))).toBe("not_found");
    });
  });

  describe("audit log reading", () => {
    it("filters by user, action family, project and time, pages, and is for admins only", async () => {
      const { listAudit, auditEntries, AUDIT_PAGE_SIZE } = await import("@/lib/services/audit");
      const admin = await makeUser(t, "admin");
      const p = await makeProject(t);
      for (let i = 0; i < AUDIT_PAGE_SIZE + 5; i++) await updateProject({ ctx: admin.ctx, input: { slug: p.slug, overlap: (i % 5) + 1 } });
      const a = await makeUser(t, "annotator");
      await verifyCredentials(t.system, a.caller.email, "wrong-password");
      await setUserRole({ ctx: admin.ctx, input: { email: a.caller.email, role: "manager" } });

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
      expect(await errorCodeAsync(() => listAudit({ ctx: admin.ctx, input: { from: "yesterday" } }))).toBe("bad_request");
      const manager = await makeUser(t, "manager");
      expect(await errorCodeAsync(() => listAudit({ ctx: manager.ctx, input: {} }))).toBe("forbidden");
      const all = [];
      for await (const entry of auditEntries({ ctx: admin.ctx, input: { user: admin.caller.email } })) all.push(entry);
      expect(all).toHaveLength(first.entries.length + second.entries.length);
      // A user filter also finds what was done to the account: the failed sign-in and the role change.
      expect((await listAudit({ ctx: admin.ctx, input: { user: a.caller.email } })).entries.map((e) => e.action)).toEqual(["user.role", "auth.sign_in_failed"]);
    });
  });
});

describe("migration 0006", () => {
  it("makes projects that had members members-only and leaves the others open to everyone", async () => {
    const fs = await import("node:fs");
    const os = await import("node:os");
    const path = await import("node:path");
    const { openDatabase } = await import("@/db/client");
    const { dynamicQuery } = await import("@/db/engine");
    const { MIGRATIONS_DIR } = await import("@/db/migrate");
    // The migrations as they were before 0006 (everything from 0006 on left out), applied to a database that has a project with members.
    const before = fs.mkdtempSync(path.join(os.tmpdir(), "arbiter-mig-"));
    fs.cpSync(MIGRATIONS_DIR, before, { recursive: true });
    const journal = JSON.parse(fs.readFileSync(path.join(before, "meta/_journal.json"), "utf8"));
    journal.entries = journal.entries.filter((e: { tag: string }) => e.tag < "0006");
    fs.writeFileSync(path.join(before, "meta/_journal.json"), JSON.stringify(journal));
    const db = openDatabase(path.join(before, "old.db"));
    await db.migrate(before);
    await db.exec(dynamicQuery(`insert into users (email, name, role, password_hash) values ('m@test.local', 'm', 'annotator', 'x')`));
    await db.exec(dynamicQuery(`insert into projects (slug, name) values ('closed', 'Closed'), ('open', 'Open')`));
    await db.exec(dynamicQuery(`insert into project_members (project_id, user_id) select p.id, u.id from projects p, users u where p.slug = 'closed'`));
    await db.migrate(MIGRATIONS_DIR);
    expect(await db.many(dynamicQuery(`select slug, visibility from projects order by slug`))).toEqual([
      { slug: "closed", visibility: "members" },
      { slug: "open", visibility: "everyone" },
    ]);
    expect(await db.first(dynamicQuery(`select status, session_version from users`))).toEqual({ status: "active", session_version: 0 });
    await db.close();
    fs.rmSync(before, { recursive: true, force: true });
  });
});
