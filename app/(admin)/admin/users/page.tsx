import { can } from "@/lib/auth/permissions";
import { contextFor, requirePageCaller } from "@/lib/auth/session";
import { listTokens } from "@/lib/services/tokens";
import { listUsers } from "@/lib/services/users";
import { AddUserForm } from "./_components/AddUserForm";
import { CreateTokenForm } from "./_components/CreateTokenForm";
import { RevokeTokenButton } from "./_components/RevokeTokenButton";
import { UserActions } from "./_components/UserActions";
import { SkillsForm } from "./_components/SkillsForm";
import { ImportUsersForm } from "./_components/ImportUsersForm";

export default async function UsersPage() {
  const caller = await requirePageCaller("user:manage");
  const ctx = contextFor(caller);
  const users = await listUsers({ ctx });
  const tokens = can(caller.role, "token:manage") ? await listTokens({ ctx }) : null;
  const signInEmails = users.filter((u) => !u.external).map((u) => u.email);
  return (
    <>
      <h1>Users &amp; tokens</h1>
      <section className="panel" aria-labelledby="users-heading">
        <h2 id="users-heading">Users</h2>
        <table className="data" data-testid="users-table">
          <thead>
            <tr>
              <th scope="col">Email</th>
              <th scope="col">Name</th>
              <th scope="col">Role</th>
              <th scope="col">Status</th>
              <th scope="col">Last sign-in</th>
              <th scope="col">Skills</th>
              <th scope="col"><span className="visually-hidden">Actions</span></th>
            </tr>
          </thead>
          <tbody>
            {users.map((u) => (
              <tr key={u.id} data-testid={`user-row-${u.email}`}>
                <td>{u.email}</td>
                <td>{u.name}</td>
                <td>{u.role}</td>
                <td data-testid={`user-status-cell-${u.email}`}>
                  {u.external ? <span title="Judgments imported from elsewhere; cannot sign in">external</span> : u.status}
                </td>
                <td>{u.lastSignInAt ? <Time ms={u.lastSignInAt} /> : <span className="muted">never</span>}</td>
                <td>{u.external ? <span className="muted">—</span> : <SkillsForm email={u.email} skills={u.skills} />}</td>
                <td>{!u.external && <UserActions email={u.email} role={u.role} status={u.status} />}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
      <section className="panel" aria-labelledby="add-user-heading">
        <h2 id="add-user-heading">Add user</h2>
        <AddUserForm />
      </section>
      <section className="panel" aria-labelledby="import-users-heading">
        <h2 id="import-users-heading">Import users</h2>
        <ImportUsersForm />
      </section>
      {tokens && (
        <>
          <section className="panel" aria-labelledby="tokens-heading">
            <h2 id="tokens-heading">API tokens</h2>
            {tokens.length === 0 ? (
              <p className="muted" data-testid="tokens-empty">No API tokens yet.</p>
            ) : (
              <table className="data" data-testid="tokens-table">
                <thead>
                  <tr>
                    <th scope="col">Prefix</th>
                    <th scope="col">User</th>
                    <th scope="col">Name</th>
                    <th scope="col">Created</th>
                    <th scope="col">Last used</th>
                    <th scope="col">Revoked</th>
                    <th scope="col"><span className="visually-hidden">Actions</span></th>
                  </tr>
                </thead>
                <tbody>
                  {tokens.map((t) => (
                    <tr key={t.id} data-testid={`token-row-${t.prefix}`}>
                      <td><code>{t.prefix}…</code></td>
                      <td>{t.email}</td>
                      <td>{t.name}</td>
                      <td><Time ms={t.createdAt} /></td>
                      <td>{t.lastUsedAt ? <Time ms={t.lastUsedAt} /> : <span className="muted">never</span>}</td>
                      <td>{t.revokedAt ? <Time ms={t.revokedAt} /> : ""}</td>
                      <td>{!t.revokedAt && <RevokeTokenButton id={t.id} prefix={t.prefix} name={t.name} />}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </section>
          <section className="panel" aria-labelledby="create-token-heading">
            <h2 id="create-token-heading">Create token</h2>
            <CreateTokenForm emails={signInEmails} />
          </section>
        </>
      )}
    </>
  );
}

/** A timestamp in UTC, rendered the same on server and client. */
function Time({ ms }: { ms: number }) {
  const iso = new Date(ms).toISOString();
  return <time dateTime={iso}>{iso.slice(0, 16).replace("T", " ")} UTC</time>;
}
