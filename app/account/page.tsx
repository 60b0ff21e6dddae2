// The profile page: who you are signed in as, and changing your own password.
import { requirePageCaller } from "@/lib/auth/session";
import { ChangePasswordForm } from "./_components/ChangePasswordForm";

export default async function AccountPage() {
  const caller = await requirePageCaller();
  return (
    <div className="panel login">
      <h1>Your account</h1>
      <p data-testid="account-who">
        Signed in as {caller.email} ({caller.role}).
      </p>
      <h2>Change password</h2>
      <p className="muted">Changing it signs you out everywhere, this browser included.</p>
      <ChangePasswordForm />
    </div>
  );
}
