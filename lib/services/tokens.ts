// API tokens: created for a user, shown once, stored as a sha256 hash, acting with the user's role.
import { createHash, randomBytes } from "node:crypto";
import { z } from "zod";
import { at } from "@/db/engine";
import { TOKEN_CALLER, TOKEN_INSERT, TOKEN_REVOKE, TOKEN_TOUCH, TOKENS_LIST, type TokenRow } from "@/db/queries/tokens";
import { USER_BY_EMAIL } from "@/db/queries/users";
import { audit } from "./audit";
import { nowOf, requireScope, type Caller, type Ctx } from "./context";
import { fieldError, notFound, parseInput } from "./errors";
import { RememberedCallers, sameCaller } from "./remembered-callers";

const TOKEN_PREFIX = "arb_";

export function hashToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

export const tokenInput = z.object({
  email: z.string().trim().toLowerCase().email("must be an email address"),
  name: z.string().trim().min(1).max(200).optional(),
});

export async function createToken({ ctx, input }: { ctx: Ctx; input: z.input<typeof tokenInput> }): Promise<{ token: string; id: number; name: string }> {
  requireScope(ctx, "token:manage");
  const data = parseInput(tokenInput, input);
  const token = TOKEN_PREFIX + randomBytes(24).toString("base64url");
  return ctx.db.write(async (tx) => {
    const user = await tx.first(USER_BY_EMAIL, [data.email]);
    if (!user || user.external) throw notFound(`User ${data.email}`);
    if (user.status !== "active") throw fieldError("email", `${data.email} is deactivated: reactivate them first`, "conflict");
    const row = (await tx.first(TOKEN_INSERT, [user.id, data.name ?? "api", hashToken(token), token.slice(0, 10), at(nowOf(ctx))]))!;
    await audit(tx, ctx, { action: "token.create", targetType: "token", targetId: row.id, detail: { user: data.email, name: row.name } });
    return { token, ...row };
  });
}

/** Every API token, newest first, or one user's (`email`); never the token itself. */
export async function listTokens({ ctx, input = {} }: { ctx: Ctx; input?: { email?: string } }): Promise<TokenRow[]> {
  requireScope(ctx, "token:manage");
  const email = input.email?.trim().toLowerCase() || null;
  return ctx.db.many(TOKENS_LIST, [email, email]);
}

/** Revokes a token by id: refused from its next request on. */
export async function revokeToken({ ctx, input }: { ctx: Ctx; input: { id: number | string } }): Promise<void> {
  requireScope(ctx, "token:manage");
  const { id } = parseInput(z.object({ id: z.coerce.number().int("must be a whole number").positive("must be a token id") }), input);
  await ctx.db.write(async (tx) => {
    if ((await tx.exec(TOKEN_REVOKE, [at(nowOf(ctx)), id])) === 0) throw notFound(`Token ${id} (or it is already revoked)`);
    await audit(tx, ctx, { action: "token.revoke", targetType: "token", targetId: id });
  });
}

/** How often a token's last use is recorded: recording every use would turn each API read into a write. */
const TOUCH_INTERVAL_MS = 60_000;

/**
 * The callers of tokens this process resolved, by hash, since their use was last recorded: what a
 * `provisional` resolution answers without a statement, for the request's own write to confirm.
 * Never an answer on its own: see resolveToken.
 */
const resolved = new RememberedCallers(TOUCH_INTERVAL_MS);

/**
 * The caller a bearer token acts as, or null for an unknown or revoked token or a deactivated user.
 *
 * Every API request runs this. Plainly it is one statement, with nothing cached, so a revoked token is
 * refused on its very next request whichever instance answers it. With `provisional` (the annotation
 * loop's routes on PostgreSQL, where that statement is a round trip of its own), a token this process
 * resolved in the last minute answers the caller it had then, carrying `confirm`: the same statement,
 * which the request's context runs with its first statement, in the same round trip as BEGIN for a
 * write (db/engine.ts `confirming`). When it finds the token revoked or the user changed, nothing the
 * request did counts, the entry is dropped, and the route resolves the token again (lib/http/respond.ts).
 */
export async function resolveToken(ctx: Ctx, token: string, options: { provisional?: boolean } = {}): Promise<Caller | null> {
  const hash = hashToken(token);
  const now = nowOf(ctx);
  // (Past the interval the plain path runs, and records the use.)
  const known = resolved.recall(ctx.db, hash, now, options.provisional);
  if (known) return resolved.provisional(hash, known, TOKEN_CALLER, [hash], (row) => sameCaller(known, row));
  const row = await ctx.db.first(TOKEN_CALLER, [hash]);
  if (!row) {
    resolved.forget(hash);
    return null;
  }
  let touchedAt = row.lastUsedAt ?? now;
  if (!row.lastUsedAt || now - row.lastUsedAt > TOUCH_INTERVAL_MS) {
    await ctx.db.exec(TOKEN_TOUCH, [at(now), row.id, at(now - TOUCH_INTERVAL_MS)]);
    touchedAt = now;
  }
  const caller: Caller = { userId: row.userId, email: row.email, role: row.role };
  resolved.remember(ctx.db, hash, caller, touchedAt);
  return caller;
}
