// API tokens: created for a user, shown once, stored as a sha256 hash, acting with the user's role.
import { and, desc, eq, isNull } from "drizzle-orm";
import { createHash, randomBytes } from "node:crypto";
import { z } from "zod";
import { apiTokens, users } from "@/db/schema";
import { audit } from "./audit";
import { nowOf, requireScope, type Caller, type Ctx, writing } from "./context";
import { fieldError, notFound, parseInput } from "./errors";
import { prepared } from "./statements";

const TOKEN_PREFIX = "arb_";

export function hashToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

export const tokenInput = z.object({
  email: z.string().trim().toLowerCase().email("must be an email address"),
  name: z.string().trim().min(1).max(200).optional(),
});

export function createToken({ ctx, input }: { ctx: Ctx; input: z.input<typeof tokenInput> }): { token: string; id: number; name: string } {
  requireScope(ctx, "token:manage");
  const data = parseInput(tokenInput, input);
  const token = TOKEN_PREFIX + randomBytes(24).toString("base64url");
  return writing(ctx.db, (tx) => {
    const user = tx.select({ id: users.id, external: users.external, status: users.status }).from(users).where(eq(users.email, data.email)).get();
    if (!user || user.external) throw notFound(`User ${data.email}`);
    if (user.status !== "active") throw fieldError("email", `${data.email} is deactivated: reactivate them first`, "conflict");
    const row = tx
      .insert(apiTokens)
      .values({ userId: user.id, name: data.name ?? "api", tokenHash: hashToken(token), prefix: token.slice(0, 10), createdAt: nowOf(ctx) })
      .returning({ id: apiTokens.id, name: apiTokens.name })
      .get();
    audit(tx, ctx, { action: "token.create", targetType: "token", targetId: row.id, detail: { user: data.email, name: row.name } });
    return { token, ...row };
  });
}

/** Every API token, newest first, or one user's (`email`); never the token itself. */
export function listTokens({ ctx, input = {} }: { ctx: Ctx; input?: { email?: string } }) {
  requireScope(ctx, "token:manage");
  const email = input.email?.trim().toLowerCase();
  return ctx.db
    .select({
      id: apiTokens.id,
      name: apiTokens.name,
      prefix: apiTokens.prefix,
      email: users.email,
      createdAt: apiTokens.createdAt,
      lastUsedAt: apiTokens.lastUsedAt,
      revokedAt: apiTokens.revokedAt,
    })
    .from(apiTokens)
    .innerJoin(users, eq(users.id, apiTokens.userId))
    .where(email ? eq(users.email, email) : undefined)
    .orderBy(desc(apiTokens.id))
    .all();
}

/** Revokes a token by id: refused from its next request on. */
export function revokeToken({ ctx, input }: { ctx: Ctx; input: { id: number | string } }): void {
  requireScope(ctx, "token:manage");
  const { id } = parseInput(z.object({ id: z.coerce.number().int("must be a whole number").positive("must be a token id") }), input);
  writing(ctx.db, 
    (tx) => {
      const res = tx.update(apiTokens).set({ revokedAt: nowOf(ctx) }).where(and(eq(apiTokens.id, id), isNull(apiTokens.revokedAt))).run();
      if (res.changes === 0) throw notFound(`Token ${id} (or it is already revoked)`);
      audit(tx, ctx, { action: "token.revoke", targetType: "token", targetId: id });
    },
  );
}

/** The caller a bearer token acts as, or null for an unknown or revoked token or a deactivated user. */
export function resolveToken(ctx: Ctx, token: string): Caller | null {
  // Every API request runs this: a statement prepared once per connection (no caching of the answer,
  // so a revoked token is refused on its very next request).
  const lookup = prepared(
    ctx.db,
    `select t.id, u.id as userId, u.email, u.role, t.last_used_at as lastUsedAt from api_tokens t
     join users u on u.id = t.user_id where t.token_hash = ? and t.revoked_at is null and u.status = 'active'`,
  );
  const row = lookup.get(hashToken(token)) as { id: number; userId: number; email: string; role: Caller["role"]; lastUsedAt: number | null } | undefined;
  if (!row) return null;
  const now = nowOf(ctx);
  // Recording every use would turn each API read into a write; once a minute is enough to see activity.
  if (!row.lastUsedAt || now - row.lastUsedAt > 60_000) {
    ctx.db.update(apiTokens).set({ lastUsedAt: now }).where(eq(apiTokens.id, row.id)).run();
  }
  return { userId: row.userId, email: row.email, role: row.role };
}
