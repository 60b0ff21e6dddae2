// A project's pages share a tab bar (settings, items, dashboard, adjudication, qualification, time
// report, as the role may see them); the admin and manage route groups both use this layout.
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
