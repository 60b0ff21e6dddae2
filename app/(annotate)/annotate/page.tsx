import Link from "next/link";
import { EmptyState } from "@/app/_components/EmptyState";
import { contextFor, requirePageCaller } from "@/lib/auth/session";
import { listProjects } from "@/lib/services/projects";
import { myQualification } from "@/lib/services/qualification";
import { qualificationText } from "./[slug]/_components/qualification-text";

export default async function AnnotateHome() {
  const caller = await requirePageCaller("assignment:work");
  const ctx = contextFor(caller);
  const projects = (await listProjects({ ctx })).map((p) => ({ ...p, qualification: myQualification({ ctx, input: { slug: p.slug } }) }));
  return (
    <>
      <h1>Your projects</h1>
      {projects.length === 0 && (
        <EmptyState title="No projects for you yet" testId="annotate-empty">
          <p>An admin adds you to a project; it appears here as soon as it is active. Ask your project&apos;s admin if you expected one.</p>
        </EmptyState>
      )}
      {projects.length > 0 && (
      <table className="data">
        <thead>
          <tr><th scope="col">Project</th><th scope="col" className="num">Judged by you</th><th scope="col" className="num">Project complete</th><th scope="col">Qualification</th><th scope="col"><span className="visually-hidden">Action</span></th></tr>
        </thead>
        <tbody>
          {projects.map((p) => (
            <tr key={p.slug}>
              <td>{p.name}</td>
              <td className="num" data-testid={`mine-${p.slug}`}>{p.mine.toLocaleString("en")}</td>
              <td className="num">{p.progress.items ? Math.round((100 * p.progress.completeItems) / p.progress.items) : 0}%</td>
              <td data-testid={`qualification-${p.slug}`}>{p.qualification ? qualificationText(p.qualification) : "none needed"}</td>
              <td>
                {p.finished ? (
                  <span data-testid={`done-${p.slug}`}>
                    <span className="ok">✓ Done</span>: you judged {p.mine.toLocaleString("en")} item(s) here, and nothing is left for you.{" "}
                    <Link href={`/annotate/${p.slug}/history`} data-testid={`history-${p.slug}`}>Review your judgments</Link>
                  </span>
                ) : p.status === "paused" ? (
                  <span className="muted" data-testid={`paused-${p.slug}`}>Paused by an admin</span>
                ) : (
                  <Link className="button primary" href={`/annotate/${p.slug}`} data-testid={`start-${p.slug}`}>
                    {p.mine > 0 ? "Continue" : "Start"}
                  </Link>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      )}
    </>
  );
}
