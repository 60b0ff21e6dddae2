import { contextFor, requirePageCaller } from "@/lib/auth/session";
import { orNotFound } from "@/lib/http/page";
import { getWorkProject } from "@/lib/services/projects";
import { myQualification } from "@/lib/services/qualification";
import { countMyJudgments } from "@/lib/services/judgments";
import { RemoteImages } from "@/app/_components/Markdown";
import { mySkills } from "@/lib/services/users";
import { Workspace } from "./_components/Workspace";
import "./workspace.css";

export default async function AnnotatePage({ params }: { params: Promise<{ slug: string }> }) {
  const { slug } = await params;
  const caller = await requirePageCaller("assignment:work");
  const ctx = contextFor(caller);
  const project = await orNotFound(() => getWorkProject({ ctx, input: { slug } }));
  const qualification = await myQualification({ ctx, input: { slug } });
  const skills = await mySkills({ ctx });
  const judged = await countMyJudgments({ ctx, input: { slug: project.slug } });
  return (
    <RemoteImages allowed={project.allowRemoteImages}>
      <Workspace slug={project.slug} name={project.name} guidelines={project.guidelines} quota={project.quota} qualification={qualification} judgedBefore={judged} skills={skills} />
    </RemoteImages>
  );
}
