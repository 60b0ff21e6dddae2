import Link from "next/link";
import { contextFor, requirePageCaller } from "@/lib/auth/session";
import { myJudgments } from "@/lib/services/judgments";
import { orNotFound } from "@/lib/http/page";
import { getWorkProject } from "@/lib/services/projects";
import { History } from "./_components/History";
import "../workspace.css";

const PAGE = 25;

export default async function HistoryPage({ params, searchParams }: { params: Promise<{ slug: string }>; searchParams: Promise<{ page?: string }> }) {
  const { slug } = await params;
  const page = Math.max(1, Number((await searchParams).page) || 1);
  const caller = await requirePageCaller("assignment:work");
  const ctx = contextFor(caller);
  const project = orNotFound(() => getWorkProject({ ctx, input: { slug } }));
  const history = myJudgments({ ctx, input: { slug, limit: PAGE, offset: (page - 1) * PAGE } });
  const pages = Math.max(1, Math.ceil(history.total / PAGE));
  return (
    <>
      <div className="ws-head">
        <h1>Your judgments · {project.name}</h1>
        <Link className="button primary" href={`/annotate/${slug}`}>Back to work</Link>
      </div>
      <p className="muted">
        {history.total} judgment(s). Reopen one to revise it: the earlier version is kept in the audit trail, and exports use the latest.
      </p>
      <History schema={history.schema} entries={history.judgments} />
      {pages > 1 && (
        <nav aria-label="Pages" className="row" style={{ display: "flex", gap: "0.6rem" }}>
          {page > 1 && <Link href={`?page=${page - 1}`}>← Newer</Link>}
          <span className="muted">Page {page} of {pages}</span>
          {page < pages && <Link href={`?page=${page + 1}`}>Older →</Link>}
        </nav>
      )}
    </>
  );
}
