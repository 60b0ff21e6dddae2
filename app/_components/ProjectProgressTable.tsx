// Every project with how far its judging has come; shared by the admin and manager overviews.
import Link from "next/link";
import { EmptyState } from "./EmptyState";
import type { ProjectSummary } from "@/lib/services/projects";

export function ProjectProgressTable({ projects, linkBase }: { projects: ProjectSummary[]; linkBase?: string }) {
  if (projects.length === 0)
    return (
      <EmptyState title="No projects yet" testId="projects-empty">
        <p>An admin creates one under Projects, then imports items into it.</p>
      </EmptyState>
    );
  return (
    <table className="data" data-testid="projects-table">
      <thead>
        <tr>
          <th scope="col">Name</th>
          <th scope="col">Slug</th>
          <th scope="col" className="num">Overlap</th>
          <th scope="col" className="num">Items</th>
          <th scope="col" className="num">Judgments</th>
          <th scope="col">Items complete</th>
        </tr>
      </thead>
      <tbody>
        {projects.map((p) => (
          <tr key={p.slug} data-testid={`project-row-${p.slug}`}>
            <td>
              {linkBase ? <Link href={`${linkBase}/${p.slug}`}>{p.name}</Link> : p.name}
              {p.status !== "active" && <span className="muted" data-testid={`project-status-${p.slug}`}> ({p.status === "draft" ? "draft: annotators do not see it yet" : p.status})</span>}
            </td>
            <td><code>{p.slug}</code></td>
            <td className="num">{p.overlap}</td>
            <td className="num">{p.progress.items}</td>
            <td className="num">{p.progress.judgments}</td>
            <td className="complete">
              <CompleteBar name={p.name} complete={p.progress.completeItems} total={p.progress.items} />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** Items with as many judgments as the project's overlap asks for, as a count and a bar. */
export function CompleteBar({ name, complete, total }: { name: string; complete: number; total: number }) {
  const percent = total ? Math.round((complete / total) * 100) : 0;
  return (
    <>
      <span>
        {complete} / {total} ({percent}%)
      </span>
      <div className="progress" role="progressbar" aria-label={`${name}: items complete`} aria-valuemin={0} aria-valuemax={100} aria-valuenow={percent}>
        <span style={{ width: `${percent}%` }} />
      </div>
    </>
  );
}
