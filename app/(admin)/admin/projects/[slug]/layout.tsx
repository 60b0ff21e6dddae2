// One project's pages share a tab bar (settings, items, dashboard, adjudication, as the role may see them).
import { projectTabs } from "@/app/_components/project-tabs";
import { ProjectTabs } from "@/app/_components/ProjectTabs";
import { requirePageCaller } from "@/lib/auth/session";

export default async function ProjectLayout({ children, params }: { children: React.ReactNode; params: Promise<{ slug: string }> }) {
  const caller = await requirePageCaller();
  const { slug } = await params;
  return (
    <>
      <ProjectTabs tabs={projectTabs(slug, caller.role)} />
      {children}
    </>
  );
}
