// The audit log for admins: who did what, filtered by user, action, project and time, paged, with a
// CSV download of everything the filters match.
import Link from "next/link";
import { contextFor, requirePageCaller } from "@/lib/auth/session";
import { listAudit } from "@/lib/services/audit";
import { AppError } from "@/lib/services/errors";

const FILTERS = ["user", "action", "project", "from", "to"] as const;
const ACTIONS = ["auth.", "auth.sign_in", "auth.sign_in_failed", "user.", "user.role", "token.", "member.", "project.", "items.import", "export", "adjudication.record", "judgment."];

type Search = Partial<Record<(typeof FILTERS)[number] | "page", string | string[]>>;

export default async function AuditPage({ searchParams }: { searchParams: Promise<Search> }) {
  const caller = await requirePageCaller("audit:read");
  const raw = await searchParams;
  const filters = Object.fromEntries(FILTERS.map((k) => [k, typeof raw[k] === "string" ? (raw[k] as string) : ""])) as Record<(typeof FILTERS)[number], string>;
  const given = Object.fromEntries(Object.entries(filters).filter(([, v]) => v.trim()));
  const page = Number(typeof raw.page === "string" ? raw.page : 1) || 1;
  let result: Awaited<ReturnType<typeof listAudit>> | undefined;
  let problem: string | undefined;
  try {
    result = await listAudit({ ctx: contextFor(caller), input: { ...given, page } });
  } catch (err) {
    if (!(err instanceof AppError) || err.code !== "bad_request") throw err;
    problem = err.message;
  }
  const query = (extra: Record<string, string | number>) => new URLSearchParams({ ...given, ...Object.fromEntries(Object.entries(extra).map(([k, v]) => [k, String(v)])) }).toString();
  return (
    <>
      <h1>Audit log</h1>
      <section className="panel" aria-labelledby="audit-filter-heading">
        <h2 id="audit-filter-heading">Filter</h2>
        <form method="get" className="row" aria-label="Filter the audit log">
          <label>User email <input name="user" type="email" defaultValue={filters.user} data-testid="audit-user" /></label>
          <label>
            Action <input name="action" list="audit-actions" defaultValue={filters.action} placeholder="e.g. auth. or user.role" data-testid="audit-action" />
          </label>
          <datalist id="audit-actions">
            {ACTIONS.map((a) => (
              <option key={a} value={a} />
            ))}
          </datalist>
          <label>Project slug <input name="project" defaultValue={filters.project} data-testid="audit-project" /></label>
          <label>From (UTC) <input name="from" type="date" defaultValue={filters.from} data-testid="audit-from" /></label>
          <label>To (UTC) <input name="to" type="date" defaultValue={filters.to} data-testid="audit-to" /></label>
          <button className="primary" type="submit" data-testid="audit-apply">Apply</button>
          <Link href="/admin/audit">Clear</Link>
          <a href={`/api/v1/audit.csv?${query({})}`} download data-testid="audit-csv">Download CSV</a>
        </form>
        {problem && <p className="error" role="alert" data-testid="audit-error">{problem}</p>}
      </section>
      {result && (
        <section className="panel" aria-labelledby="audit-heading">
          <h2 id="audit-heading">Entries (newest first, page {result.page})</h2>
          {result.entries.length === 0 ? (
            <p className="muted" data-testid="audit-empty">No entries match.</p>
          ) : (
            <table className="data" data-testid="audit-table">
              <thead>
                <tr>
                  <th scope="col">Time (UTC)</th>
                  <th scope="col">User</th>
                  <th scope="col">Action</th>
                  <th scope="col">Target</th>
                  <th scope="col">Project</th>
                  <th scope="col">Detail</th>
                </tr>
              </thead>
              <tbody>
                {result.entries.map((e) => (
                  <tr key={e.id} data-testid="audit-row" data-action={e.action}>
                    <td><time dateTime={e.at}>{e.at.slice(0, 19).replace("T", " ")}</time></td>
                    <td>{e.actor ?? <span className="muted">system</span>}</td>
                    <td><code>{e.action}</code></td>
                    <td>{e.target_type}{e.target_id ? ` ${e.target_id}` : ""}</td>
                    <td>{e.project ?? ""}</td>
                    <td><code className="audit-detail">{e.detail ? JSON.stringify(e.detail) : ""}</code></td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          <nav aria-label="Audit pages" className="row">
            {result.page > 1 && <Link href={`/admin/audit?${query({ page: result.page - 1 })}`} data-testid="audit-prev">Newer</Link>}
            {result.hasMore && <Link href={`/admin/audit?${query({ page: result.page + 1 })}`} data-testid="audit-next">Older</Link>}
          </nav>
        </section>
      )}
    </>
  );
}
