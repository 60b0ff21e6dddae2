import Link from "next/link";
import { contextFor, requirePageCaller } from "@/lib/auth/session";
import { listProjects } from "@/lib/services/projects";
import { ProjectProgressTable } from "@/app/_components/ProjectProgressTable";

export default async function ManagePage() {
  const caller = await requirePageCaller("project:read");
  const projects = await listProjects({ ctx: contextFor(caller) });
  return (
    <>
      <h1>Progress</h1>
      <section className="panel" aria-label="All projects">
        <ProjectProgressTable projects={projects} linkBase="/manage" />
      </section>
      <section className="panel" aria-labelledby="adjudication-heading">
        <h2 id="adjudication-heading">Adjudication</h2>
        <ul data-testid="adjudication-links">
          {projects.map((p) => (
            <li key={p.slug}>
              <Link href={`/manage/${p.slug}/adjudication`}>{p.name}</Link> <span className="muted">({p.status})</span>
            </li>
          ))}
        </ul>
      </section>
    </>
  );
}
