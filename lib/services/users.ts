// Accounts: creating users with a role, signing in, changing passwords, roles and status, and the
// per-user session version that ends every session of a user on their next request.
import { and, asc, eq, ne, sql } from "drizzle-orm";
import { z } from "zod";
import { apiTokens, ROLES, USER_STATUSES, users } from "@/db/schema";
import { generatePassword, hashPassword, verifyPassword } from "@/lib/auth/password";
import { audit } from "./audit";
import { nowOf, requireCaller, requireScope, type Caller, type Ctx, countRows, writing } from "./context";
import { AppError, conflict, fieldError, notFound, parseInput } from "./errors";
import { MAX_SKILLS, readTags } from "@/lib/formats/tags";
import { FormatError } from "@/lib/formats/errors";
import { readUsersCsv, type UserCsvError } from "@/lib/formats/users-csv";
import { prepared } from "./statements";

const email = z.string().trim().toLowerCase().email("must be an email address");
const password = z.string().min(8, "must be at least 8 characters").max(200, "must be at most 200 characters");

export const userInput = z.object({
  email,
  role: z.enum(ROLES, { message: `must be one of ${ROLES.join(", ")}` }),
  name: z.string().trim().min(1).max(200).optional(),
  password: password.optional(),
});
export type UserInput = z.input<typeof userInput>;

export interface UserView {
  id: number;
  email: string;
  name: string;
  role: (typeof ROLES)[number];
  external: boolean;
  status: (typeof USER_STATUSES)[number];
  lastSignInAt: number | null;
  createdAt: number;
  /** What the user knows: sorted, lowercase tags that routing matches to items' tags. */
  skills: string[];
}

const userColumns = {
  id: users.id,
  email: users.email,
  name: users.name,
  role: users.role,
  external: users.external,
  status: users.status,
  lastSignInAt: users.lastSignInAt,
  createdAt: users.createdAt,
  skills: users.skills,
};

type Tx = Parameters<Parameters<Ctx["db"]["transaction"]>[0]>[0];

/** Creates an account; returns the generated password when none was given (shown once). */
export async function createUser({ ctx, input }: { ctx: Ctx; input: UserInput }): Promise<{ user: UserView; password?: string }> {
  requireScope(ctx, "user:manage");
  const data = parseInput(userInput, input);
  const generated = data.password ? undefined : generatePassword();
  const passwordHash = await hashPassword(data.password ?? generated!); // off the request thread, outside the transaction
  return writing(ctx.db, 
    (tx) => {
      const existing = tx.select({ id: users.id }).from(users).where(eq(users.email, data.email)).get();
      if (existing) throw conflict(`A user with email ${data.email} already exists.`);
      const user = tx
        .insert(users)
        .values({ email: data.email, name: data.name ?? data.email.split("@")[0], role: data.role, passwordHash })
        .returning(userColumns)
        .get();
      audit(tx, ctx, { action: "user.create", targetType: "user", targetId: user.id, detail: { email: user.email, role: user.role } });
      return { user, password: generated };
    },
  );
}

function loadUser(tx: Tx, address: string) {
  const user = tx
    .select({ id: users.id, email: users.email, role: users.role, status: users.status, external: users.external })
    .from(users)
    .where(eq(users.email, address.trim().toLowerCase()))
    .get();
  if (!user) throw notFound(`User ${address}`);
  return user;
}

/** Ends every session of a user at their next request (tokens are checked against the status separately). */
function bumpSessionVersion(tx: Pick<Tx, "update">, userId: number): void {
  tx.update(users).set({ sessionVersion: sql`${users.sessionVersion} + 1` }).where(eq(users.id, userId)).run();
}

/**
 * Revokes every API token of a user that is still live: a new password means the old credentials
 * may be in someone else's hands, and a token is a credential too. Returns how many it revoked.
 */
function revokeTokensOf(tx: Pick<Tx, "update">, userId: number, now: number): number {
  return tx
    .update(apiTokens)
    .set({ revokedAt: now })
    .where(and(eq(apiTokens.userId, userId), sql`${apiTokens.revokedAt} is null`))
    .run().changes;
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
  return writing(ctx.db, 
    (tx) => {
      const user = loadUser(tx, data.email);
      if (user.external) throw notFound(`User ${data.email}`);
      tx.update(users).set({ passwordHash }).where(eq(users.id, user.id)).run();
      bumpSessionVersion(tx, user.id);
      const tokensRevoked = revokeTokensOf(tx, user.id, nowOf(ctx));
      audit(tx, ctx, { action: "user.password", targetType: "user", targetId: user.id, detail: { email: user.email, generated: !!generated, tokens_revoked: tokensRevoked } });
      return { password: generated };
    },
  );
}

export const ownPasswordInput = z.object({
  current: z.string().min(1, "must not be empty").max(200),
  password,
});

/** A signed-in user changes their own password; every session of theirs (this one included) ends and their API tokens are revoked. */
export async function changeOwnPassword({ ctx, input }: { ctx: Ctx; input: z.input<typeof ownPasswordInput> }): Promise<void> {
  const caller = requireCaller(ctx);
  const data = parseInput(ownPasswordInput, input);
  const row = ctx.db.select({ passwordHash: users.passwordHash }).from(users).where(eq(users.id, caller.userId)).get();
  if (!row?.passwordHash) throw notFound(`User ${caller.email}`);
  if (!(await verifyPassword(data.current, row.passwordHash)).ok) throw fieldError("current", "is not your current password");
  const passwordHash = await hashPassword(data.password);
  writing(ctx.db, 
    (tx) => {
      tx.update(users).set({ passwordHash }).where(eq(users.id, caller.userId)).run();
      bumpSessionVersion(tx, caller.userId);
      const tokensRevoked = revokeTokensOf(tx, caller.userId, nowOf(ctx));
      audit(tx, ctx, { action: "user.password", targetType: "user", targetId: caller.userId, detail: { email: caller.email, own: true, tokens_revoked: tokensRevoked } });
    },
  );
}

/** Refuses a change that would leave no active admin who can sign in. */
function keepAnAdmin(tx: Tx, userId: number): void {
  const others = tx
    .select({ n: sql<number>`count(*)` })
    .from(users)
    .where(and(eq(users.role, "admin"), eq(users.status, "active"), eq(users.external, false), ne(users.id, userId)))
    .get()!.n;
  if (others === 0) throw conflict("This is the last active admin: make another user an admin first.");
}

export const statusInput = z.object({ email, status: z.enum(USER_STATUSES, { message: `must be one of ${USER_STATUSES.join(", ")}` }) });

/**
 * Deactivates or reactivates a user. A deactivated user's sessions and tokens stop working on their
 * next request; their judgments stay and keep counting.
 */
export function setUserStatus({ ctx, input }: { ctx: Ctx; input: z.input<typeof statusInput> }): UserView {
  requireScope(ctx, "user:manage");
  const data = parseInput(statusInput, input);
  return writing(ctx.db, 
    (tx) => {
      const user = loadUser(tx, data.email);
      if (user.external) throw fieldError("email", `${user.email} is an external annotator and cannot sign in anyway`);
      if (user.status === data.status) return tx.select(userColumns).from(users).where(eq(users.id, user.id)).get()!;
      if (data.status === "deactivated" && user.role === "admin") keepAnAdmin(tx, user.id);
      tx.update(users).set({ status: data.status }).where(eq(users.id, user.id)).run();
      bumpSessionVersion(tx, user.id);
      audit(tx, ctx, { action: data.status === "active" ? "user.activate" : "user.deactivate", targetType: "user", targetId: user.id, detail: { email: user.email } });
      return tx.select(userColumns).from(users).where(eq(users.id, user.id)).get()!;
    },
  );
}

export const roleInput = z.object({ email, role: z.enum(ROLES, { message: `must be one of ${ROLES.join(", ")}` }) });

/** Changes a user's role; their sessions end so they sign in again with the new one. */
export function setUserRole({ ctx, input }: { ctx: Ctx; input: z.input<typeof roleInput> }): UserView {
  requireScope(ctx, "user:manage");
  const data = parseInput(roleInput, input);
  return writing(ctx.db, 
    (tx) => {
      const user = loadUser(tx, data.email);
      if (user.role !== data.role) {
        if (user.role === "admin" && user.status === "active") keepAnAdmin(tx, user.id);
        tx.update(users).set({ role: data.role }).where(eq(users.id, user.id)).run();
        bumpSessionVersion(tx, user.id);
        audit(tx, ctx, { action: "user.role", targetType: "user", targetId: user.id, detail: { email: user.email, from: user.role, to: data.role } });
      }
      return tx.select(userColumns).from(users).where(eq(users.id, user.id)).get()!;
    },
  );
}

/** Every account with its role, status and last sign-in. */
export function listUsers({ ctx }: { ctx: Ctx }): UserView[] {
  requireScope(ctx, "user:manage");
  return ctx.db.select(userColumns).from(users).orderBy(asc(users.id)).all();
}

export function countUsers(ctx: Ctx): number {
  return countRows(ctx.db, users);
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
  const user = ctx.db
    .select({ id: users.id, email: users.email, role: users.role, status: users.status, passwordHash: users.passwordHash, sessionVersion: users.sessionVersion })
    .from(users)
    .where(eq(users.email, normalized))
    .get();
  const check = await verifyPassword(secret, user?.passwordHash ?? (await dummyHash()));
  const ok = !!user?.passwordHash && check.ok && user.status === "active";
  const upgraded = ok && check.outdated ? await hashPassword(secret) : undefined;
  const now = nowOf(ctx);
  writing(ctx.db, 
    (tx) => {
      if (ok) {
        tx.update(users).set({ lastSignInAt: now, ...(upgraded ? { passwordHash: upgraded } : {}) }).where(eq(users.id, user.id)).run();
      }
      const reason = ok ? undefined : !user?.passwordHash ? "unknown_user" : !check.ok ? "wrong_password" : "deactivated";
      audit(tx, { ...ctx, caller: ok ? { userId: user.id, email: user.email, role: user.role } : null }, {
        action: ok ? "auth.sign_in" : "auth.sign_in_failed",
        targetType: "user",
        targetId: user?.id ?? null,
        detail: { email: normalized, ...(client?.ip ? { ip: client.ip } : {}), ...(reason ? { reason } : {}), ...(upgraded ? { hash_upgraded: true } : {}) },
      });
    },
  );
  return ok ? { userId: user.id, email: user.email, role: user.role, sessionVersion: user.sessionVersion } : null;
}

let dummy: Promise<string> | undefined;
function dummyHash(): Promise<string> {
  return (dummy ??= hashPassword("not-a-real-password"));
}

/**
 * The caller a signed-in session stands for, with the role as stored now, or null when the user is
 * gone, external, deactivated, or the session was issued before their session version last moved
 * (sign-out, password change, deactivation, role change). One primary-key read per request.
 */
export function sessionCallerOf(ctx: Ctx, userId: number, sessionVersion: number): Caller | null {
  const user = prepared(ctx.db, `select id, email, role, external, status, session_version as sessionVersion from users where id = ?`).get(userId) as
    | { id: number; email: string; role: Caller["role"]; external: number; status: string; sessionVersion: number }
    | undefined;
  if (!user || user.external || user.status !== "active" || user.sessionVersion !== sessionVersion) return null;
  return { userId: user.id, email: user.email, role: user.role };
}

/** Signing out ends this session and every other one of the user's: the version moves on. */
export function endSessions(ctx: Ctx, userId: number, sessionVersion: number): void {
  writing(ctx.db, 
    (tx) => {
      // Only a session that is still current may end the others (an old cookie replayed at sign-out does nothing).
      const res = tx
        .update(users)
        .set({ sessionVersion: sql`${users.sessionVersion} + 1` })
        .where(and(eq(users.id, userId), eq(users.sessionVersion, sessionVersion)))
        .run();
      if (!res.changes) return;
      const user = tx.select({ email: users.email, role: users.role }).from(users).where(eq(users.id, userId)).get()!;
      audit(tx, { ...ctx, caller: { userId, ...user } }, { action: "auth.sign_out", targetType: "user", targetId: userId });
    },
  );
}

export function findUserByEmail(ctx: Ctx, address: string): UserView | undefined {
  return ctx.db.select(userColumns).from(users).where(eq(users.email, address.trim().toLowerCase())).get();
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
export function setSkills({ ctx, input }: { ctx: Ctx; input: SkillsInput }): UserView {
  requireScope(ctx, "user:manage");
  const address = parseInput(email, input.email);
  const set = skillList(input.set, "set");
  const add = skillList(input.add, "add") ?? [];
  const remove = new Set(skillList(input.remove, "remove") ?? []);
  if (set === undefined && add.length === 0 && remove.size === 0) throw fieldError("skills", "give the skills to set, add or remove");
  return writing(ctx.db, (tx) => {
    const user = loadUser(tx, address);
    const before = tx.select({ skills: users.skills }).from(users).where(eq(users.id, user.id)).get()!.skills;
    const skills = [...new Set([...(set ?? before), ...add])].filter((s) => !remove.has(s)).sort();
    if (skills.length > MAX_SKILLS) throw fieldError("skills", `at most ${MAX_SKILLS} skills per user, this would make ${skills.length}`);
    if (skills.join() !== before.join()) {
      tx.update(users).set({ skills }).where(eq(users.id, user.id)).run();
      audit(tx, ctx, { action: "user.skills", targetType: "user", targetId: user.id, detail: { email: user.email, from: before, to: skills } });
    }
    return tx.select(userColumns).from(users).where(eq(users.id, user.id)).get()!;
  });
}

/** The caller's own skills (the workspace's narrowing control lists them). */
export function mySkills({ ctx }: { ctx: Ctx }): string[] {
  const caller = requireCaller(ctx);
  const stored = prepared(ctx.db, `select skills from users where id = ?`, "pluck").get(caller.userId) as string | undefined;
  return stored ? (JSON.parse(stored) as string[]) : [];
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
  const existing = new Set(ctx.db.select({ email: users.email }).from(users).all().map((u) => u.email));
  const hashes = new Map<string, string>();
  for (const row of checked) {
    if (existing.has(row.email)) continue;
    const secret = row.password ?? generatePassword();
    if (!row.password) summary.passwords.push({ email: row.email, password: secret });
    hashes.set(row.email, await hashPassword(secret));
  }
  writing(ctx.db, (tx) => {
    for (const row of checked) {
      const user = tx.select({ id: users.id, external: users.external, skills: users.skills, name: users.name }).from(users).where(eq(users.email, row.email)).get();
      if (user?.external) throw new AppError("conflict", `Line ${row.line}: ${row.email} is an external annotator (imported judgments) and cannot be given an account.`, undefined, { email: `line ${row.line}: external annotator` });
      if (user) {
        tx.update(users).set({ skills: row.skills, ...(row.name ? { name: row.name } : {}) }).where(eq(users.id, user.id)).run();
        summary.updated++;
        continue;
      }
      const passwordHash = hashes.get(row.email);
      // Created by someone else between the read above and this transaction: refuse rather than guess.
      if (!passwordHash) throw conflict(`Line ${row.line}: ${row.email} was created while the file was being read; import it again.`);
      tx.insert(users).values({ email: row.email, name: row.name ?? row.email.split("@")[0], role: row.role, passwordHash, skills: row.skills }).run();
      summary.created++;
    }
    audit(tx, ctx, { action: "user.import", targetType: "user", targetId: null, detail: { created: summary.created, updated: summary.updated } });
  });
  return summary;
}
