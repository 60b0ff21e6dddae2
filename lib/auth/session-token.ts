// The session a request's cookie carries: next-auth's session token (an encrypted JWT), read from the
// cookie and opened by next-auth's own `decode` (next-auth/jwt), as getServerSession opens it, but
// without what getServerSession adds on every call: a new token encrypted for a cookie that a route
// handler or a page never sends back (each encryption and each opening derives its key anew, the
// largest part of a signed-in request's own CPU; README "Claiming and judging over HTTP"). A token
// opened once is remembered by its exact text, for a minute and never past its expiry: the same
// text always opens to the same claims, and whether the session still holds (its version, the user's
// status) is read from the database on every request all the same (lib/services/users.ts).
// (lib/auth/session.ts reads the cookie and the secret; this module is plain functions, for unit tests.)
import { decode } from "next-auth/jwt";

/** What a session token says of its user: who, and the session version they signed in with. */
export interface SessionClaims {
  userId: number;
  sessionVersion: number;
}

/**
 * next-auth's session cookie, by the names it gives it: `__Secure-`-prefixed when it sets cookies for
 * https (NEXTAUTH_URL), plain otherwise; a token too long for one cookie comes in chunks `NAME.0`, `NAME.1`, ….
 */
const COOKIE_NAMES = ["__Secure-next-auth.session-token", "next-auth.session-token"] as const;

interface CookieSource {
  get(name: string): { value: string } | undefined;
  getAll(): { name: string; value: string }[];
}

/** The session token in `store`, its chunks joined, or undefined. */
export function sessionTokenOf(store: CookieSource): string | undefined {
  for (const name of COOKIE_NAMES) {
    const whole = store.get(name)?.value;
    if (whole) return whole;
    const chunk = (c: { name: string }) => Number(c.name.slice(name.length + 1));
    const chunks = store
      .getAll()
      .filter((c) => c.name.startsWith(`${name}.`) && Number.isInteger(chunk(c)))
      .sort((a, b) => chunk(a) - chunk(b));
    if (chunks.length) return chunks.map((c) => c.value).join("");
  }
  return undefined;
}

/** How long an opened token's claims are remembered at most, and how many tokens. */
const REMEMBER_MS = 60_000;
const MAX_REMEMBERED = 10_000;
const opened = new Map<string, { secret: string; claims: SessionClaims; until: number }>();

/**
 * The claims of `token` when it opens with `secret` and has not expired, else null (a token that
 * does not open is not remembered: anyone may send any text).
 */
export async function openSessionToken(token: string, secret: string): Promise<SessionClaims | null> {
  const now = Date.now();
  const known = opened.get(token);
  if (known && known.secret === secret && now < known.until) return known.claims;
  let payload: Awaited<ReturnType<typeof decode>>;
  try {
    payload = await decode({ token, secret });
  } catch {
    return null; // not ours, tampered with, or expired
  }
  if (!payload || typeof payload.uid !== "number" || typeof payload.exp !== "number") return null;
  const claims: SessionClaims = { userId: payload.uid, sessionVersion: payload.sv ?? 0 };
  if (opened.size >= MAX_REMEMBERED && !opened.has(token)) opened.clear();
  opened.set(token, { secret, claims, until: Math.min(now + REMEMBER_MS, payload.exp * 1000) });
  return claims;
}
