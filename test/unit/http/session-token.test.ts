// Reading next-auth's session cookie without getServerSession (lib/auth/session-token.ts): the token
// found under either of next-auth's cookie names or in chunks, opened by next-auth's own decode, and
// refused when it is not ours, tampered with or expired.
import { encode } from "next-auth/jwt";
import { describe, expect, it, vi } from "vitest";
import { openSessionToken, sessionTokenOf } from "@/lib/auth/session-token";

const SECRET = "unit-test-secret-unit-test-secret-0";

function store(cookies: Record<string, string>) {
  return {
    get: (name: string) => (name in cookies ? { value: cookies[name] } : undefined),
    getAll: () => Object.entries(cookies).map(([name, value]) => ({ name, value })),
  };
}

const token = (claims: { uid: number; sv: number }, maxAge = 3600, secret = SECRET) =>
  encode({ token: { sub: String(claims.uid), uid: claims.uid, role: "annotator", sv: claims.sv }, secret, maxAge });

describe("sessionTokenOf", () => {
  it("finds the token under next-auth's secure name first, then its plain name, and joins chunks in order", () => {
    expect(sessionTokenOf(store({ "next-auth.session-token": "plain" }))).toBe("plain");
    expect(sessionTokenOf(store({ "next-auth.session-token": "plain", "__Secure-next-auth.session-token": "secure" }))).toBe("secure");
    expect(sessionTokenOf(store({ "next-auth.session-token.1": "b", "next-auth.session-token.0": "a", "next-auth.session-token.10": "c", "next-auth.session-token.x": "no" }))).toBe("abc");
    expect(sessionTokenOf(store({ "next-auth.csrf-token": "x", other: "y" }))).toBeUndefined();
  });
});

describe("openSessionToken", () => {
  it("opens a token next-auth made with the secret into its user and session version, the same again from memory", async () => {
    const t = await token({ uid: 7, sv: 3 });
    expect(await openSessionToken(t, SECRET)).toEqual({ userId: 7, sessionVersion: 3 });
    expect(await openSessionToken(t, SECRET)).toEqual({ userId: 7, sessionVersion: 3 });
  });

  it("refuses a token made with another secret, even one it opened before with its own", async () => {
    const t = await token({ uid: 8, sv: 0 });
    expect(await openSessionToken(t, SECRET)).toEqual({ userId: 8, sessionVersion: 0 });
    expect(await openSessionToken(t, "another-secret-another-secret-another-0")).toBeNull();
    expect(await openSessionToken(await token({ uid: 9, sv: 0 }, 3600, "another-secret-another-secret-another-0"), SECRET)).toBeNull();
  });

  it("refuses a tampered token and text that is no token", async () => {
    const t = await token({ uid: 10, sv: 1 });
    const parts = t.split(".");
    parts[3] = parts[3].slice(0, -2) + (parts[3].endsWith("AA") ? "BB" : "AA");
    expect(await openSessionToken(parts.join("."), SECRET)).toBeNull();
    expect(await openSessionToken("not-a-token", SECRET)).toBeNull();
    expect(await openSessionToken("", SECRET)).toBeNull();
  });

  it("refuses an expired token, and one it remembered once past its expiry", async () => {
    // next-auth's decode allows 15 seconds of clock skew.
    expect(await openSessionToken(await token({ uid: 11, sv: 0 }, -60), SECRET)).toBeNull();
    const soon = await token({ uid: 12, sv: 0 }, 30);
    expect(await openSessionToken(soon, SECRET)).toEqual({ userId: 12, sessionVersion: 0 });
    vi.useFakeTimers({ now: Date.now() + 20_000 });
    try {
      expect(await openSessionToken(soon, SECRET)).toEqual({ userId: 12, sessionVersion: 0 });
      vi.setSystemTime(Date.now() + 35_000); // past the expiry and its allowance, within the minute a token is remembered
      expect(await openSessionToken(soon, SECRET)).toBeNull();
    } finally {
      vi.useRealTimers();
    }
  });
});
