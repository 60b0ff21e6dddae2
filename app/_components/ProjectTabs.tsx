"use client";
// Tabs between one project's pages (settings, items, dashboard, adjudication); the layouts of
// app/(admin)/admin/projects/[slug] and app/(manage)/manage/[slug] render them for the tabs the
// role may open. The page on screen is the current tab.
import Link from "next/link";
import { usePathname } from "next/navigation";

export interface ProjectTab {
  href: string;
  label: string;
  testId: string;
}

export function ProjectTabs({ tabs }: { tabs: ProjectTab[] }) {
  const path = usePathname();
  return (
    <nav className="tabs" aria-label="Project sections" data-testid="project-tabs">
      {tabs.map((t) => (
        <Link key={t.href} href={t.href} aria-current={path === t.href ? "page" : undefined} data-testid={t.testId}>
          {t.label}
        </Link>
      ))}
    </nav>
  );
}
