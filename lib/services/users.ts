// Accounts: creating users with a role, checking credentials, listing and resetting passwords.
import { asc, eq } from "drizzle-orm";
import { z } from "zod";
import { ROLES, users } from "@/db/schema";
import { generatePassword, hashPassword, verifyPassword } from "@/lib/auth/password";
import { audit } from "./audit";
import { requireScope, type Caller, type Ctx, countRows } from "./context";
import { conflict, fieldError, notFound, parseInput } from "./errors";

export const userInput = z.object({
  email: z.string().trim().toLowerCase().email("must be an email address"),
  role: z.enum(ROLES, { message: `must be one of ${ROLES.join(", ")}` }),
  name: z.string().trim().min(1).max(200).optional(),
  password: z.string().min(8, "must be at least 8 characters").max(200).optional(),
});
export type UserInput = z.input<typeof userInput>;

export interface UserView {
  id: number;
  email: string;
  name: string;
  role: (typeof ROLES)[number];
  external: boolean;
  createdAt: number;
}

const userColumns = {
  id: users.id,
  email: users.email,
  name: users.name,
  role: users.role,
  external: users.external,
  createdAt: users.createdAt,
};

/** Creates an account; returns the generated password when none was given (shown once). */
export function createUser({ ctx, input }: { ctx: Ctx; input: UserInput }): { user: UserView; password?: string } {
  requireScope(ctx, "user:manage");
  const data = parseInput(userInput, input);
  const generated = data.password ? undefined : generatePassword();
  const passwordHash = hashPassword(data.password ?? generated!);
  return ctx.db.transaction((tx) => {
    const existing = tx.select({ id: users.id }).from(users).where(eq(users.email, data.email)).get();
    if (existing) throw conflict(`A user with email ${data.email} already exists.`);
    const user = tx
      .insert(users)
      .values({ email: data.email, name: data.name ?? data.email.split("@")[0], role: data.role, passwordHash })
      .returning(userColumns)
      .get();
    audit(tx, ctx, { action: "user.create", targetType: "user", targetId: user.id, detail: { email: user.email, role: user.role } });
    return { user, password: generated };
  });
}

export function setPassword({ ctx, input }: { ctx: Ctx; input: { email: string; password?: string } }): { password?: string } {
  requireScope(ctx, "user:manage");
  const generated = input.password ? undefined : generatePassword();
  if (input.password && input.password.length < 8) throw fieldError("password", "must be at least 8 characters", "conflict");
  return ctx.db.transaction((tx) => {
    const user = tx.select({ id: users.id, external: users.external }).from(users).where(eq(users.email, input.email.toLowerCase())).get();
    if (!user || user.external) throw notFound(`User ${input.email}`);
    tx.update(users).set({ passwordHash: hashPassword(input.password ?? generated!) }).where(eq(users.id, user.id)).run();
    audit(tx, ctx, { action: "user.password", targetType: "user", targetId: user.id });
    return { password: generated };
  });
}

export function listUsers({ ctx }: { ctx: Ctx }): UserView[] {
  requireScope(ctx, "user:manage");
  return ctx.db.select(userColumns).from(users).orderBy(asc(users.id)).all();
}

export function countUsers(ctx: Ctx): number {
  return countRows(ctx.db, users);
}

/** Checks an email and password; returns the caller it signs in as, or null. Constant-ish time. */
export function verifyCredentials(ctx: Ctx, email: string, password: string): Caller | null {
  const user = ctx.db
    .select({ id: users.id, email: users.email, role: users.role, passwordHash: users.passwordHash })
    .from(users)
    .where(eq(users.email, email.trim().toLowerCase()))
    .get();
  if (!user?.passwordHash) {
    verifyPassword(password, DUMMY_HASH); // spend the same time whether or not the user exists
    return null;
  }
  return verifyPassword(password, user.passwordHash) ? { userId: user.id, email: user.email, role: user.role } : null;
}

const DUMMY_HASH = hashPassword("not-a-real-password");

/**
 * The caller a signed-in session stands for, with the role as stored now (so a changed role takes
 * effect at once), or null when the user is gone or is an external annotator who cannot sign in.
 */
export function sessionCallerOf(ctx: Ctx, userId: number): Caller | null {
  const user = ctx.db.select({ id: users.id, email: users.email, role: users.role, external: users.external }).from(users).where(eq(users.id, userId)).get();
  if (!user || user.external) return null;
  return { userId: user.id, email: user.email, role: user.role };
}

export function findUserByEmail(ctx: Ctx, email: string): UserView | undefined {
  return ctx.db.select(userColumns).from(users).where(eq(users.email, email.trim().toLowerCase())).get();
}
