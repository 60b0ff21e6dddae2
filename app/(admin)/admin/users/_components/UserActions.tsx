"use client";
// One user's controls on the Users page: role, deactivate/reactivate, reset password.
import { useActionState } from "react";
import { ROLES, type RoleName, type UserStatus } from "@/db/schema/constants";
import type { ActionState } from "@/lib/http/form-state";
import { resetPasswordAction, setUserRoleAction, setUserStatusAction } from "../actions";

export function UserActions({ email, role, status }: { email: string; role: RoleName; status: UserStatus }) {
  const [roleState, changeRole, rolePending] = useActionState(setUserRoleAction, { ok: false } as ActionState);
  const [statusState, changeStatus, statusPending] = useActionState(setUserStatusAction, { ok: false } as ActionState);
  const [reset, resetPassword, resetPending] = useActionState(resetPasswordAction, { ok: false } as ActionState<{ password: string }>);
  const messages = [roleState, statusState, reset].filter((s) => s.message);
  return (
    <div className="user-actions">
      <form action={changeRole} className="row" aria-label={`Role of ${email}`}>
        <input type="hidden" name="email" value={email} />
        <select name="role" key={role} defaultValue={role} aria-label={`New role for ${email}`} data-testid={`user-role-${email}`}>
          {ROLES.map((r) => (
            <option key={r} value={r}>{r}</option>
          ))}
        </select>
        <button type="submit" disabled={rolePending} data-testid={`user-role-save-${email}`}>Change role</button>
      </form>
      <form action={changeStatus} aria-label={`Status of ${email}`}>
        <input type="hidden" name="email" value={email} />
        <input type="hidden" name="status" value={status === "active" ? "deactivated" : "active"} />
        <button type="submit" disabled={statusPending} data-testid={`user-status-${email}`}>
          {status === "active" ? "Deactivate" : "Reactivate"}
        </button>
      </form>
      <form action={resetPassword} aria-label={`Reset password of ${email}`}>
        <input type="hidden" name="email" value={email} />
        <button type="submit" disabled={resetPending} data-testid={`user-reset-${email}`}>Reset password</button>
      </form>
      {messages.map((s, i) => (
        <p key={i} className={s.ok ? "muted" : "error"} role={s.ok ? "status" : "alert"} data-testid={`user-message-${email}`}>{s.message}</p>
      ))}
      {reset.ok && reset.data && <code data-testid={`user-new-password-${email}`}>{reset.data.password}</code>}
    </div>
  );
}
