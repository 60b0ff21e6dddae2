import { redirect } from "next/navigation";
import { sessionCaller } from "@/lib/auth/session";
import { LoginForm } from "./LoginForm";

export default async function LoginPage() {
  if (await sessionCaller()) redirect("/");
  return (
    <div className="login panel">
      <h1>Sign in to Arbiter</h1>
      <LoginForm />
    </div>
  );
}
