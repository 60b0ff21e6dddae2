import Link from "next/link";
import { contextFor, requirePageCaller } from "@/lib/auth/session";
import { myJudgments } from "@/lib/services/judgments";
import { orBadRequest, orNotFound } from "@/lib/http/page";
import { getWorkProject } from "@/lib/services/projects";
import { History } from "./_components/History";
import "../workspace.css";

const PAGE = 25;

export default async function HistoryPage({ params, searchParams }: { params: Promise<{ slug: string }>; searchParams: Promise<{ page?: string; q?: string }> }) {
  const { slug } = await params;
  const query = await searchParams;
  const page = Math.max(1, Math.min(1_000_000, Math.floor(Number(query.page)) || 1));
  // One value even when the URL repeats it; the service bounds its length and says so.
  const q = (Array.isArray(query.q) ? query.q[0] : query.q)?.trim() ?? "";
  const caller = await requirePageCaller("assignment:work");
  const ctx = contextFor(caller);
  const project = await orNotFound(() => getWorkProject({ ctx, input: { slug } }));
  const history = await orBadRequest(() => myJudgments({ ctx, input: { slug, limit: PAGE, offset: (page - 1) * PAGE, q: q || undefined } }));
  if ("error" in history) {
    return (
      <>
        <h1>Your judgments · {project.name}</h1>
        <p className="error" role="alert" data-testid="history-error">{history.error}</p>
        <Link href={`/annotate/${slug}/history`}>Show all your judgments</Link>
      </>
    );
  }
  const pages = Math.max(1, Math.ceil(history.total / PAGE));
  const at = (n: number) => `?${new URLSearchParams({ ...(q ? { q } : {}), page: String(n) })}`;
  return (
    <>
      <div className="ws-head">
        <h1>Your judgments · {project.name}</h1>
        <Link className="button primary" href={`/annotate/${slug}`}>Back to work</Link>
      </div>
      <form role="search" method="get" className="history-search" aria-label="Search your judgments">
        <label htmlFor="history-q">Search the prompts (or an item id)</label>
        <div className="row">
          <input id="history-q" name="q" type="search" defaultValue={q} maxLength={200} data-testid="history-q" />
          <button type="submit" data-testid="history-search">Search</button>
          {q && <Link href={`/annotate/${slug}/history`} data-testid="history-clear">Clear</Link>}
        </div>
      </form>
      <p className="muted" data-testid="history-total">
        {q ? `${history.total.toLocaleString("en")} judgment(s) whose prompt mentions “${q}”.` : `${history.total.toLocaleString("en")} judgment(s).`} Reopen one to revise it: the earlier
        version is kept in the audit trail, and exports use the latest.
      </p>
      <History schema={history.schema} entries={history.judgments} searched={!!q} />
      {pages > 1 && (
        <nav aria-label="Pages" className="row" style={{ display: "flex", gap: "0.6rem" }}>
          {page > 1 && <Link href={at(page - 1)}>← Newer</Link>}
          <span className="muted">Page {page} of {pages}</span>
          {page < pages && <Link href={at(page + 1)}>Older →</Link>}
        </nav>
      )}
    </>
  );
}
