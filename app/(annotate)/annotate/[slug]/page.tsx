import { contextFor, requirePageCaller } from "@/lib/auth/session";
import { orNotFound } from "@/lib/http/page";
import { getWorkProject } from "@/lib/services/projects";
import { mySkills } from "@/lib/services/users";
import { RemoteImages } from "./_components/Markdown";
import { Workspace } from "./_components/Workspace";
import "./workspace.css";

export default async function AnnotatePage({ params }: { params: Promise<{ slug: string }> }) {
  const { slug } = await params;
  const caller = await requirePageCaller("assignment:work");
  const project = orNotFound(() => getWorkProject({ ctx: contextFor(caller), input: { slug } }));
  const skills = mySkills({ ctx: contextFor(caller) });
  return (
    <RemoteImages allowed={project.allowRemoteImages}>
      <Workspace slug={project.slug} name={project.name} guidelines={project.guidelines} quota={project.quota} skills={skills} />
    </RemoteImages>
  );
}
