import { contextFor, requirePageCaller } from "@/lib/auth/session";
import { listProjects } from "@/lib/services/projects";
import { ProjectProgressTable } from "@/app/(admin)/admin/_components/ProjectProgressTable";

export default async function ManagePage() {
  const caller = await requirePageCaller("project:read");
  const projects = listProjects({ ctx: contextFor(caller) });
  return (
    <>
      <h1>Progress</h1>
      <section className="panel" aria-label="All projects">
        <ProjectProgressTable projects={projects} />
      </section>
    </>
  );
}
