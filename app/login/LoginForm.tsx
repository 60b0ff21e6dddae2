"use client";
import { signIn } from "next-auth/react";
import { useState } from "react";

export function LoginForm() {
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function onSubmit(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    setBusy(true);
    setError(null);
    const res = await signIn("credentials", {
      email: String(form.get("email") ?? ""),
      password: String(form.get("password") ?? ""),
      redirect: false,
    });
    if (res?.ok && !res.error) {
      window.location.assign("/");
    } else {
      setBusy(false);
      setError("Wrong email or password.");
    }
  }

  return (
    <form onSubmit={onSubmit} aria-label="Sign in">
      <label htmlFor="email">Email</label>
      <input id="email" name="email" type="email" autoComplete="username" required autoFocus data-testid="login-email" />
      <label htmlFor="password">Password</label>
      <input id="password" name="password" type="password" autoComplete="current-password" required data-testid="login-password" />
      {error && <p className="error" role="alert" data-testid="login-error">{error}</p>}
      <button className="primary" type="submit" disabled={busy} data-testid="login-submit">
        {busy ? "Signing in…" : "Sign in"}
      </button>
    </form>
  );
}
