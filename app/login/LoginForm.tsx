"use client";
// Posts to next-auth's credentials callback itself (rather than through next-auth's signIn(), which
// keeps only an error code) so that a throttled attempt's 429 and its retry time reach the page.
import { getCsrfToken } from "next-auth/react";
import { useState } from "react";

type Outcome = { ok: true } | { ok: false; message: string; retryAfter?: number };

async function signInWithPassword(email: string, password: string): Promise<Outcome> {
  const csrfToken = (await getCsrfToken()) ?? "";
  const res = await fetch("/api/auth/callback/credentials", {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ email, password, csrfToken, callbackUrl: window.location.origin + "/", json: "true" }),
  });
  const body = (await res.json().catch(() => ({}))) as { url?: string; error?: { message?: string; details?: { retry_after?: number } } };
  if (res.status === 429) {
    const retryAfter = body.error?.details?.retry_after ?? Number(res.headers.get("Retry-After"));
    return { ok: false, message: body.error?.message ?? `Too many sign-in attempts: try again in ${retryAfter} seconds.`, retryAfter };
  }
  const failed = !res.ok || !body.url || new URL(body.url, window.location.origin).searchParams.has("error");
  return failed ? { ok: false, message: "Wrong email or password." } : { ok: true };
}

export function LoginForm({ notice }: { notice?: string }) {
  const [error, setError] = useState<{ message: string; retryAfter?: number } | null>(null);
  const [busy, setBusy] = useState(false);

  async function onSubmit(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    setBusy(true);
    setError(null);
    const outcome = await signInWithPassword(String(form.get("email") ?? ""), String(form.get("password") ?? ""));
    if (outcome.ok) {
      window.location.assign("/");
    } else {
      setBusy(false);
      setError(outcome);
    }
  }

  return (
    <form onSubmit={onSubmit} aria-label="Sign in">
      {notice && !error && <p className="ok" role="status" data-testid="login-notice">{notice}</p>}
      <label htmlFor="email">Email</label>
      <input id="email" name="email" type="email" autoComplete="username" required autoFocus data-testid="login-email" />
      <label htmlFor="password">Password</label>
      <input id="password" name="password" type="password" autoComplete="current-password" required data-testid="login-password" />
      {error && (
        <p className="error" role="alert" data-testid="login-error" data-retry-after={error.retryAfter}>
          {error.message}
        </p>
      )}
      <button className="primary" type="submit" disabled={busy} aria-busy={busy} data-testid="login-submit">
        {busy ? "Signing in…" : "Sign in"}
      </button>
    </form>
  );
}
