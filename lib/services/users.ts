// Accounts: creating users with a role, signing in, changing passwords, roles and status, and the
// per-user session version that ends every session of a user on their next request.
import { z } from "zod";
import { at, jsonText, type Engine } from "@/db/engine";
import { TOKENS_REVOKE_OF_USER } from "@/db/queries/tokens";
import {
  END_SESSIONS,
  OTHER_ACTIVE_ADMINS,
  SESSION_USER,
  USER_BY_EMAIL,
  USER_COUNT,
  USER_CREDENTIALS,
  USER_EMAILS,
  USER_INSERT,
  USER_PASSWORD_HASH,
  USER_RECORD_SIGN_IN,
  USER_SET_PASSWORD,
  USER_SET_ROLE,
  USER_SET_SKILLS,
  USER_SET_SKILLS_AND_NAME,
  USER_SET_STATUS,
  USER_SKILLS,
  USERS_ALL,
  type SessionUserRow,
  type UserRow,
} from "@/db/queries/users";
import { ROLES, USER_STATUSES } from "@/db/schema/constants";
import { generatePassword, hashPassword, verifyPassword } from "@/lib/auth/password";
import { audit } from "./audit";
import { nowOf, requireCaller, requireScope, type Caller, type Ctx } from "./context";
import { AppError, conflict, fieldError, notFound, parseInput } from "./errors";
import { RememberedCallers, sameCaller } from "./remembered-callers";
import { MAX_SKILLS, readTags } from "@/lib/formats/tags";
import { FormatError } from "@/lib/formats/errors";
import { readUsersCsv, type UserCsvError } from "@/lib/formats/users-csv";

const email = z.string().trim().toLowerCase().email("must be an email address");
const password = z.string().min(8, "must be at least 8 characters").max(200, "must be at most 200 characters");

export const userInput = z.object({
  email,
  role: z.enum(ROLES, { message: `must be one of ${ROLES.join(", ")}` }),
  name: z.string().trim().min(1).max(200).optional(),
  password: password.optional(),
});
export type UserInput = z.input<typeof userInput>;

export type UserView = UserRow;

/** Creates an account; returns the generated password when none was given (shown once). */
export async function createUser({ ctx, input }: { ctx: Ctx; input: UserInput }): Promise<{ user: UserView; password?: string }> {
  requireScope(ctx, "user:manage");
  const data = parseInput(userInput, input);
  const generated = data.password ? undefined : generatePassword();
  const passwordHash = await hashPassword(data.password ?? generated!); // off the request thread, outside the transaction
  return ctx.db.write(async (tx) => {
    if (await tx.first(USER_BY_EMAIL, [data.email])) throw conflict(`A user with email ${data.email} already exists.`);
    const user = (await tx.first(USER_INSERT, [data.email, data.name ?? data.email.split("@")[0], data.role, passwordHash, jsonText([])]))!;
    await audit(tx, ctx, { action: "user.create", targetType: "user", targetId: user.id, detail: { email: user.email, role: user.role } });
    return { user, password: generated };
  });
}

async function loadUser(tx: Engine, address: string): Promise<UserView> {
  const user = await tx.first(USER_BY_EMAIL, [address.trim().toLowerCase()]);
  if (!user) throw notFound(`User ${address}`);
  return user;
}

/**
 * Revokes every API token of a user that is still live: a new password means the old credentials
 * may be in someone else's hands, and a token is a credential too. Returns how many it revoked.
 */
function revokeTokensOf(tx: Engine, userId: number, now: number): Promise<number> {
  return tx.exec(TOKENS_REVOKE_OF_USER, [at(now), userId]);
}

/**
 * An admin sets (or generates, shown once) a user's password. The user's sessions end and their API
 * tokens are revoked (a reset follows a lost or leaked credential).
 */
export async function setPassword({ ctx, input }: { ctx: Ctx; input: { email: string; password?: string } }): Promise<{ password?: string }> {
  requireScope(ctx, "user:manage");
  const data = parseInput(z.object({ email, password: password.optional() }), input);
  const generated = data.password ? undefined : generatePassword();
  const passwordHash = await hashPassword(data.password ?? generated!);
  return ctx.db.write(async (tx) => {
    const user = await loadUser(tx, data.email);
    if (user.external) throw notFound(`User ${data.email}`);
    await tx.exec(USER_SET_PASSWORD, [passwordHash, user.id]);
    const tokensRevoked = await revokeTokensOf(tx, user.id, nowOf(ctx));
    await audit(tx, ctx, { action: "user.password", targetType: "user", targetId: user.id, detail: { email: user.email, generated: !!generated, tokens_revoked: tokensRevoked } });
    return { password: generated };
  });
}

export const ownPasswordInput = z.object({
  current: z.string().min(1, "must not be empty").max(200),
  password,
});

/** A signed-in user changes their own password; every session of theirs (this one included) ends and their API tokens are revoked. */
export async function changeOwnPassword({ ctx, input }: { ctx: Ctx; input: z.input<typeof ownPasswordInput> }): Promise<void> {
  const caller = requireCaller(ctx);
  const data = parseInput(ownPasswordInput, input);
  const stored = await ctx.db.first(USER_PASSWORD_HASH, [caller.userId]);
  if (!stored) throw notFound(`User ${caller.email}`);
  if (!(await verifyPassword(data.current, stored)).ok) throw fieldError("current", "is not your current password");
  const passwordHash = await hashPassword(data.password);
  await ctx.db.write(async (tx) => {
    await tx.exec(USER_SET_PASSWORD, [passwordHash, caller.userId]);
    const tokensRevoked = await revokeTokensOf(tx, caller.userId, nowOf(ctx));
    await audit(tx, ctx, { action: "user.password", targetType: "user", targetId: caller.userId, detail: { email: caller.email, own: true, tokens_revoked: tokensRevoked } });
  });
}

/** Refuses a change that would leave no active admin who can sign in. */
async function keepAnAdmin(tx: Engine, userId: number): Promise<void> {
  if ((await tx.first(OTHER_ACTIVE_ADMINS, [userId])) === 0) throw conflict("This is the last active admin: make another user an admin first.");
}

export const statusInput = z.object({ email, status: z.enum(USER_STATUSES, { message: `must be one of ${USER_STATUSES.join(", ")}` }) });

/**
 * Deactivates or reactivates a user. A deactivated user's sessions and tokens stop working on their
 * next request; their judgments stay and keep counting.
 */
export async function setUserStatus({ ctx, input }: { ctx: Ctx; input: z.input<typeof statusInput> }): Promise<UserView> {
  requireScope(ctx, "user:manage");
  const data = parseInput(statusInput, input);
  return ctx.db.write(async (tx) => {
    const user = await loadUser(tx, data.email);
    if (user.external) throw fieldError("email", `${user.email} is an external annotator and cannot sign in anyway`);
    if (user.status === data.status) return user;
    if (data.status === "deactivated" && user.role === "admin") await keepAnAdmin(tx, user.id);
    const updated = (await tx.first(USER_SET_STATUS, [data.status, user.id]))!;
    await audit(tx, ctx, { action: data.status === "active" ? "user.activate" : "user.deactivate", targetType: "user", targetId: user.id, detail: { email: user.email } });
    return updated;
  });
}

export const roleInput = z.object({ email, role: z.enum(ROLES, { message: `must be one of ${ROLES.join(", ")}` }) });

/** Changes a user's role; their sessions end so they sign in again with the new one. */
export async function setUserRole({ ctx, input }: { ctx: Ctx; input: z.input<typeof roleInput> }): Promise<UserView> {
  requireScope(ctx, "user:manage");
  const data = parseInput(roleInput, input);
  return ctx.db.write(async (tx) => {
    const user = await loadUser(tx, data.email);
    if (user.role === data.role) return user;
    if (user.role === "admin" && user.status === "active") await keepAnAdmin(tx, user.id);
    const updated = (await tx.first(USER_SET_ROLE, [data.role, user.id]))!;
    await audit(tx, ctx, { action: "user.role", targetType: "user", targetId: user.id, detail: { email: user.email, from: user.role, to: data.role } });
    return updated;
  });
}

/** Every account with its role, status and last sign-in. */
export async function listUsers({ ctx }: { ctx: Ctx }): Promise<UserView[]> {
  requireScope(ctx, "user:manage");
  return ctx.db.many(USERS_ALL);
}

export async function countUsers(ctx: Ctx): Promise<number> {
  return (await ctx.db.first(USER_COUNT))!;
}

/** Who signed in: the caller and the session version their session carries. */
export interface SignedIn extends Caller {
  sessionVersion: number;
}

/**
 * Checks an email and password; returns who signs in, or null (a wrong password, an unknown or
 * external user, or a deactivated one: all look the same). The scrypt work is spent whether or not
 * the user exists. Records the last sign-in, upgrades an outdated hash, and audits both outcomes.
 */
export async function verifyCredentials(ctx: Ctx, address: string, secret: string, client?: { ip?: string }): Promise<SignedIn | null> {
  const normalized = address.trim().toLowerCase();
  const user = await ctx.db.first(USER_CREDENTIALS, [normalized]);
  const check = await verifyPassword(secret, user?.passwordHash ?? (await dummyHash()));
  const ok = !!user?.passwordHash && check.ok && user.status === "active";
  const upgraded = ok && check.outdated ? await hashPassword(secret) : undefined;
  const now = nowOf(ctx);
  await ctx.db.write(async (tx) => {
    if (ok) await tx.exec(USER_RECORD_SIGN_IN, [at(now), upgraded ?? null, user.id]);
    const reason = ok ? undefined : !user?.passwordHash ? "unknown_user" : !check.ok ? "wrong_password" : "deactivated";
    await audit(tx, { ...ctx, caller: ok ? { userId: user.id, email: user.email, role: user.role } : null }, {
      action: ok ? "auth.sign_in" : "auth.sign_in_failed",
      targetType: "user",
      targetId: user?.id ?? null,
      detail: { email: normalized, ...(client?.ip ? { ip: client.ip } : {}), ...(reason ? { reason } : {}), ...(upgraded ? { hash_upgraded: true } : {}) },
    });
  });
  return ok ? { userId: user.id, email: user.email, role: user.role, sessionVersion: user.sessionVersion } : null;
}

let dummy: Promise<string> | undefined;
function dummyHash(): Promise<string> {
  return (dummy ??= hashPassword("not-a-real-password"));
}

/** Whether a session of `sessionVersion` still stands for `user`: there, not external, active, and its version current. */
function sessionHolds(user: SessionUserRow | undefined, sessionVersion: number): user is SessionUserRow {
  return user !== undefined && !user.external && user.status === "active" && user.sessionVersion === sessionVersion;
}

/** How long a session's caller read by this process may stand in for the read (confirmed each time). */
const SESSION_RECALL_MS = 60_000;

/** The callers of sessions this process read lately, for `provisional` resolutions (see sessionCallerOf). */
const sessions = new RememberedCallers(SESSION_RECALL_MS);

/**
 * The caller a signed-in session stands for, with the role as stored now, or null when the user is
 * gone, external, deactivated, or the session was issued before their session version last moved
 * (sign-out, password change, deactivation, role change). One primary-key read per request.
 *
 * With `provisional` (the annotation loop's routes on PostgreSQL, as for API tokens in resolveToken),
 * a session this process read in the last minute answers the caller it gave then, carrying that same
 * read as its confirmation: the request's context runs it with its first statement, in the round trip
 * of BEGIN (db/engine.ts `confirming`), and a session that no longer holds refuses everything the
 * request did, so the route reads it afresh (lib/http/respond.ts) and answers 401.
 */
export async function sessionCallerOf(ctx: Ctx, userId: number, sessionVersion: number, options: { provisional?: boolean } = {}): Promise<Caller | null> {
  const key = `${ctx.db.location}\u0000${userId}\u0000${sessionVersion}`;
  const now = nowOf(ctx);
  const known = sessions.recall(ctx.db, key, now, options.provisional);
  if (known) return sessions.provisional(key, known, SESSION_USER, [userId], (row) => sessionHolds(row, sessionVersion) && sameCaller(known, { ...row, userId: row.id }));
  const user = await ctx.db.first(SESSION_USER, [userId]);
  if (!sessionHolds(user, sessionVersion)) {
    sessions.forget(key);
    return null;
  }
  const caller: Caller = { userId: user.id, email: user.email, role: user.role };
  sessions.remember(ctx.db, key, caller, now);
  return caller;
}

/** Signing out ends this session and every other one of the user's: the version moves on. */
export async function endSessions(ctx: Ctx, userId: number, sessionVersion: number): Promise<void> {
  await ctx.db.write(async (tx) => {
    // Only a session that is still current may end the others (an old cookie replayed at sign-out does nothing).
    const user = await tx.first(END_SESSIONS, [userId, sessionVersion]);
    if (!user) return;
    await audit(tx, { ...ctx, caller: { userId, ...user } }, { action: "auth.sign_out", targetType: "user", targetId: userId });
  });
}

export async function findUserByEmail(ctx: Ctx, address: string): Promise<UserView | undefined> {
  return ctx.db.first(USER_BY_EMAIL, [address.trim().toLowerCase()]);
}

/** A list of skills as a caller gives it (a list, or text separated by `,`, `;` or `|`), checked and normalised. */
function skillList(value: unknown, field: string): string[] | undefined {
  if (value === undefined) return undefined;
  try {
    return readTags(typeof value === "string" ? value.split(",").join(";") : value, field, MAX_SKILLS);
  } catch (error) {
    if (error instanceof FormatError) throw fieldError(field, error.detail);
    throw error;
  }
}

export interface SkillsInput {
  email: string;
  /** Replaces the user's skills. */
  set?: string | string[];
  add?: string | string[];
  remove?: string | string[];
}

/** Sets, adds or removes a user's skills (what routing matches to items' tags); returns the user with the result. */
export async function setSkills({ ctx, input }: { ctx: Ctx; input: SkillsInput }): Promise<UserView> {
  requireScope(ctx, "user:manage");
  const address = parseInput(email, input.email);
  const set = skillList(input.set, "set");
  const add = skillList(input.add, "add") ?? [];
  const remove = new Set(skillList(input.remove, "remove") ?? []);
  if (set === undefined && add.length === 0 && remove.size === 0) throw fieldError("skills", "give the skills to set, add or remove");
  return ctx.db.write(async (tx) => {
    const user = await loadUser(tx, address);
    const before = user.skills;
    const skills = [...new Set([...(set ?? before), ...add])].filter((s) => !remove.has(s)).sort();
    if (skills.length > MAX_SKILLS) throw fieldError("skills", `at most ${MAX_SKILLS} skills per user, this would make ${skills.length}`);
    if (skills.join() === before.join()) return user;
    const updated = (await tx.first(USER_SET_SKILLS, [jsonText(skills), user.id]))!;
    await audit(tx, ctx, { action: "user.skills", targetType: "user", targetId: user.id, detail: { email: user.email, from: before, to: skills } });
    return updated;
  });
}

/** The caller's own skills (the workspace's narrowing control lists them). */
export async function mySkills({ ctx }: { ctx: Ctx }): Promise<string[]> {
  const caller = requireCaller(ctx);
  return (await ctx.db.first(USER_SKILLS, [caller.userId])) ?? [];
}

export interface UsersImportSummary {
  created: number;
  updated: number;
  /** Every error, by line and column; when there is any, nothing was written. */
  errors: UserCsvError[];
  /** Passwords generated for new users the file gave none (shown once). */
  passwords: { email: string; password: string }[];
}

const csvRowInput = z.object({ email, role: userInput.shape.role, name: userInput.shape.name, password: password.optional() });

/**
 * Imports a CSV of users (`email,name,role,skills[,password]`): all or nothing. New users are created
 * (a password generated when the file gives none), existing ones get their skills (and name) updated;
 * an existing user's role and password are never changed by an import. Errors name the line and column.
 */
export async function importUsers({ ctx, input }: { ctx: Ctx; input: { csv: string } }): Promise<UsersImportSummary> {
  requireScope(ctx, "user:manage");
  if (typeof input.csv !== "string") throw fieldError("file", "must be CSV text");
  if (input.csv.length > 5_000_000) throw fieldError("file", "must be at most 5 MB");
  const { rows, errors } = readUsersCsv(input.csv);
  const seen = new Map<string, number>();
  const checked: { line: number; email: string; role: (typeof ROLES)[number]; name?: string; password?: string; skills: string[] }[] = [];
  for (const row of rows) {
    const parsed = csvRowInput.safeParse(row);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) errors.push({ line: row.line, field: String(issue.path[0] ?? ""), message: issue.message });
      continue;
    }
    const first = seen.get(parsed.data.email);
    if (first !== undefined) {
      errors.push({ line: row.line, field: "email", message: `${parsed.data.email} already appears on line ${first}` });
      continue;
    }
    seen.set(parsed.data.email, row.line);
    checked.push({ line: row.line, ...parsed.data, skills: row.skills });
  }
  const summary: UsersImportSummary = { created: 0, updated: 0, errors, passwords: [] };
  if (errors.length) return summary;
  if (checked.length === 0) throw fieldError("file", "holds no users: expected a header row and at least one user");

  // Hashing is slow and async: done before the transaction, for the rows that may create a user.
  const existing = new Set(await ctx.db.many(USER_EMAILS));
  const hashes = new Map<string, string>();
  for (const row of checked) {
    if (existing.has(row.email)) continue;
    const secret = row.password ?? generatePassword();
    if (!row.password) summary.passwords.push({ email: row.email, password: secret });
    hashes.set(row.email, await hashPassword(secret));
  }
  await ctx.db.write(async (tx) => {
    for (const row of checked) {
      const user = await tx.first(USER_BY_EMAIL, [row.email]);
      if (user?.external) throw new AppError("conflict", `Line ${row.line}: ${row.email} is an external annotator (imported judgments) and cannot be given an account.`, undefined, { email: `line ${row.line}: external annotator` });
      if (user) {
        await tx.exec(USER_SET_SKILLS_AND_NAME, [jsonText(row.skills), row.name ?? null, user.id]);
        summary.updated++;
        continue;
      }
      const passwordHash = hashes.get(row.email);
      // Created by someone else between the read above and this transaction: refuse rather than guess.
      if (!passwordHash) throw conflict(`Line ${row.line}: ${row.email} was created while the file was being read; import it again.`);
      await tx.exec(USER_INSERT, [row.email, row.name ?? row.email.split("@")[0], row.role, passwordHash, jsonText(row.skills)]);
      summary.created++;
    }
    await audit(tx, ctx, { action: "user.import", targetType: "user", targetId: null, detail: { created: summary.created, updated: summary.updated } });
  });
  return summary;
}
