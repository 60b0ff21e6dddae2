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
      <h1>Sign in to Arbiter</h1>
      <LoginForm notice={typeof reason === "string" ? NOTICES[reason] : undefined} />
    </div>
  );
}
