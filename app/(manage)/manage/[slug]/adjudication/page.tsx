// The adjudication queue of one project: disputed items with the responses (and their models), each
// annotator's judgment and rationale, and the manager's decision. Also each annotator's gold accuracy.
// Prompts and responses render as in the workspace (app/_components/Markdown.tsx, the same safety
// rules; remote images stay placeholders here).
import Link from "next/link";
import { EmptyState } from "@/app/_components/EmptyState";
import { contextFor, requirePageCaller } from "@/lib/auth/session";
import { adjudicationQueue, type QueueItem } from "@/lib/services/adjudication";
import { goldStandings, type GoldStanding } from "@/lib/services/assignment";
import { orNotFound } from "@/lib/http/page";
import { getProject } from "@/lib/services/projects";
import { Markdown } from "@/app/_components/Markdown";
import { VERDICT_WORDS } from "@/lib/formats/verdict";
import { Prompt } from "@/app/_components/Prompt";
import { AdjudicateForm } from "./_components/AdjudicateForm";
import "./adjudication.css";

const BLOCKED: Record<NonNullable<GoldStanding["blocked"]>, string> = {
  gold_accuracy: "stopped: gold accuracy below the project's minimum",
  quota_reached: "quota reached",
  not_member: "not a member",
  project_not_active: "project not active",
  qualification_failed: "failed the qualification",
  qualification_unavailable: "qualification lacks gold items",
};

export default async function AdjudicationPage({ params, searchParams }: { params: Promise<{ slug: string }>; searchParams: Promise<{ resolved?: string }> }) {
  const caller = await requirePageCaller("judgment:read_all");
  const { slug } = await params;
  const resolved = (await searchParams).resolved === "1";
  const ctx = contextFor(caller);
  const { project, queue, quality } = await orNotFound(async () => ({
    project: await getProject({ ctx, input: { slug } }),
    queue: await adjudicationQueue({ ctx, input: { slug, resolved, limit: 100 } }),
    quality: await goldStandings({ ctx, input: { slug } }),
  }));
  return (
    <>
      <h1>Adjudication: {project.name}</h1>
      <p>
        <Link href={resolved ? `/manage/${slug}/adjudication` : `/manage/${slug}/adjudication?resolved=1`} data-testid="toggle-resolved">
          {resolved ? "Show open items only" : "Also show decided items"}
        </Link>
      </p>
      <section className="panel" aria-labelledby="quality-heading">
        <h2 id="quality-heading">Annotators</h2>
        {quality.length === 0 ? (
          <EmptyState title="No judgments yet">
            <p>Each annotator&apos;s count and gold accuracy appear here once they judge items.</p>
          </EmptyState>
        ) : (
          <table className="data" data-testid="annotator-quality">
            <thead>
              <tr><th scope="col">Annotator</th><th scope="col" className="num">Judgments</th><th scope="col" className="num">Gold judged</th><th scope="col" className="num">Gold accuracy</th><th scope="col">Status</th></tr>
            </thead>
            <tbody>
              {quality.map((q) => (
                <tr key={q.user_id} data-testid={`quality-${q.email}`}>
                  <td>{q.email}</td>
                  <td className="num">{q.judged}</td>
                  <td className="num">{q.gold_judged}</td>
                  <td className="num">{q.gold_accuracy == null ? "–" : `${Math.round(q.gold_accuracy * 1000) / 10}%`}</td>
                  <td className={q.blocked ? "error" : undefined}>{q.blocked ? BLOCKED[q.blocked] : "working"}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
      <p data-testid="queue-total">
        {queue.total} disputed item(s){queue.total > queue.items.length ? `, first ${queue.items.length} shown` : ""}.
      </p>
      {queue.total === 0 && (
        <EmptyState title={resolved ? "No disputed items" : "No open disputes"} testId="queue-empty">
          <p>An item lands here when its annotators have no majority or agree less than the project&apos;s threshold. Nothing to decide now.</p>
        </EmptyState>
      )}
      {queue.items.map((item) => (
        <QueueEntry key={item.id} slug={slug} item={item} />
      ))}
    </>
  );
}

function QueueEntry({ slug, item }: { slug: string; item: QueueItem }) {
  return (
    <article className="panel" data-testid={`queue-item-${item.id}`} aria-labelledby={`item-${item.id}-heading`}>
      <h2 id={`item-${item.id}-heading`}>
        Item {item.external_id}{" "}
        <span className="muted">
          — {item.reason === "no_majority" ? "no majority" : "agreement below threshold"} ({Math.round(item.agreement * 100)}% agree,{" "}
          {item.judgments.length} of {item.effective_overlap} judgments)
        </span>
      </h2>
      <Prompt prompt={item.prompt} />
      <div className="ws-candidates adjudication-candidates">
        {item.candidates.map((c) => (
          <section key={c.position} className="candidate" aria-label={`Response ${c.label}`}>
            <h3>
              {c.label} <span className="muted" data-testid={`model-${item.id}-${c.label}`}>{c.model ?? "unknown model"}</span>
            </h3>
            <Markdown text={c.content} />
          </section>
        ))}
      </div>
      <table className="data" data-testid={`judgments-${item.id}`}>
        <thead>
          <tr><th scope="col">Annotator</th><th scope="col">Choice</th><th scope="col">Rationale</th></tr>
        </thead>
        <tbody>
          {item.judgments.map((j) => (
            <tr key={j.id}>
              <td>{j.annotator.email}</td>
              <td>{j.choice ? VERDICT_WORDS[j.choice] : "–"}</td>
              <td>{j.rationale ?? <span className="muted">none</span>}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {item.adjudication && (
        <p className="ok" data-testid={`decided-${item.id}`}>
          Decided: {VERDICT_WORDS[item.adjudication.choice]} by {item.adjudication.by ?? "someone"}
          {item.adjudication.note ? ` — ${item.adjudication.note}` : ""}
        </p>
      )}
      <AdjudicateForm slug={slug} itemId={item.id} current={item.adjudication?.choice} />
    </article>
  );
}
