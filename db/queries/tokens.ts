// Statements on API tokens: creating, listing and revoking them, and the lookup every API request
// makes (one statement: the token's hash joined to its user).
import { defineQuery, num, numOrNull, str } from "../engine";
import type { RoleName } from "../schema/constants";

/** Params: user id, name, token hash, prefix, created at. */
export const TOKEN_INSERT = defineQuery(
  "tokens.insert",
  "insert into api_tokens (user_id, name, token_hash, prefix, created_at) values (?, ?, ?, ?, ?) returning id, name",
  (r) => ({ id: num(r.id), name: str(r.name) }),
);

export interface TokenRow {
  id: number;
  name: string;
  prefix: string;
  email: string;
  createdAt: number;
  lastUsedAt: number | null;
  revokedAt: number | null;
}

/** Every token, newest first, or one user's. Params: email or null, the same again. */
export const TOKENS_LIST = defineQuery(
  "tokens.list",
  `select t.id, t.name, t.prefix, u.email, t.created_at, t.last_used_at, t.revoked_at
   from api_tokens t join users u on u.id = t.user_id
   where cast(? as text) is null or u.email = ?
   order by t.id desc`,
  (r): TokenRow => ({
    id: num(r.id),
    name: str(r.name),
    prefix: str(r.prefix),
    email: str(r.email),
    createdAt: num(r.created_at),
    lastUsedAt: numOrNull(r.last_used_at),
    revokedAt: numOrNull(r.revoked_at),
  }),
);

/** Params: revoked at, token id. Changes nothing for a token already revoked. */
export const TOKEN_REVOKE = defineQuery("tokens.revoke", "update api_tokens set revoked_at = ? where id = ? and revoked_at is null");

/** Every live token of a user. Params: revoked at, user id. */
export const TOKENS_REVOKE_OF_USER = defineQuery("tokens.revokeOfUser", "update api_tokens set revoked_at = ? where user_id = ? and revoked_at is null");

export interface TokenCallerRow {
  id: number;
  userId: number;
  email: string;
  role: RoleName;
  lastUsedAt: number | null;
}

/** The live token with this hash and its active user. */
export const TOKEN_CALLER = defineQuery(
  "tokens.caller",
  `select t.id, u.id as user_id, u.email, u.role, t.last_used_at from api_tokens t
   join users u on u.id = t.user_id where t.token_hash = ? and t.revoked_at is null and u.status = 'active'`,
  (r): TokenCallerRow => ({ id: num(r.id), userId: num(r.user_id), email: str(r.email), role: str(r.role) as RoleName, lastUsedAt: numOrNull(r.last_used_at) }),
);

/** Records a use, unless one at or after `since` is already recorded. Params: used at, token id, since. */
export const TOKEN_TOUCH = defineQuery("tokens.touch", "update api_tokens set last_used_at = ? where id = ? and (last_used_at is null or last_used_at < ?)");
