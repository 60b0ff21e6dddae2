import Link from "next/link";
import { EmptyState } from "@/app/_components/EmptyState";
import { contextFor, requirePageCaller } from "@/lib/auth/session";
import { listProjects } from "@/lib/services/projects";

export default async function AnnotateHome() {
  const caller = await requirePageCaller("assignment:work");
  const projects = listProjects({ ctx: contextFor(caller) });
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
          <tr><th scope="col">Project</th><th scope="col" className="num">Judged by you</th><th scope="col" className="num">Project complete</th><th scope="col"><span className="visually-hidden">Action</span></th></tr>
        </thead>
        <tbody>
          {projects.map((p) => (
            <tr key={p.slug}>
              <td>{p.name}</td>
              <td className="num">{p.mine}</td>
              <td className="num">{p.progress.items ? Math.round((100 * p.progress.completeItems) / p.progress.items) : 0}%</td>
              <td>
                <Link className="button primary" href={`/annotate/${p.slug}`} data-testid={`start-${p.slug}`}>
                  Start
                </Link>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      )}
    </>
  );
}
