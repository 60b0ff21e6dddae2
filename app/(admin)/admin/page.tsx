import { contextFor, requirePageCaller } from "@/lib/auth/session";
import { listProjects } from "@/lib/services/projects";
import { NewProjectForm } from "./_components/NewProjectForm";
import { ProjectProgressTable } from "@/app/_components/ProjectProgressTable";

export default async function AdminProjectsPage() {
  const caller = await requirePageCaller("project:write");
  const projects = await listProjects({ ctx: contextFor(caller) });
  return (
    <>
      <h1>Projects</h1>
      <section className="panel" aria-labelledby="projects-heading">
        <h2 id="projects-heading">All projects</h2>
        <ProjectProgressTable projects={projects} linkBase="/admin/projects" />
      </section>
      <section className="panel" aria-labelledby="new-project-heading">
        <h2 id="new-project-heading">New project</h2>
        <NewProjectForm />
      </section>
    </>
  );
}
