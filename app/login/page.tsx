import { redirect } from "next/navigation";
import { sessionCaller } from "@/lib/auth/session";
import { LoginForm } from "./LoginForm";

const NOTICES: Record<string, string> = {
  password_changed: "Your password was changed and you were signed out everywhere: sign in with the new one.",
};

export default async function LoginPage({ searchParams }: { searchParams: Promise<{ reason?: string | string[] }> }) {
  if (await sessionCaller()) redirect("/");
  const { reason } = await searchParams;
  return (
    <div className="login panel">
      <span className="brand-mark" aria-hidden="true" />
      <h1>Sign in to Arbiter</h1>
      <p className="muted login-lede">Human preference data for RLHF and DPO.</p>
      <LoginForm notice={typeof reason === "string" ? NOTICES[reason] : undefined} />
    </div>
  );
}
