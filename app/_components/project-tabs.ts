// Which of a project's pages a role may open, in tab order (shared by the admin and manage layouts).
import { can } from "@/lib/auth/permissions";
import type { ProjectTab } from "./ProjectTabs";

export function projectTabs(slug: string, role: Parameters<typeof can>[0]): ProjectTab[] {
  const s = encodeURIComponent(slug);
  const tabs: (ProjectTab & { allowed: boolean })[] = [
    { href: `/admin/projects/${s}`, label: "Settings", testId: "tab-settings", allowed: can(role, "project:write") },
    { href: `/admin/projects/${s}/items`, label: "Items", testId: "items-link", allowed: can(role, "project:write") },
    { href: `/manage/${s}`, label: "Dashboard", testId: "tab-dashboard", allowed: can(role, "project:read") },
    { href: `/manage/${s}/adjudication`, label: "Adjudication", testId: "adjudication-link", allowed: can(role, "judgment:read_all") },
    { href: `/manage/${s}/qualification`, label: "Qualification", testId: "qualification-link", allowed: can(role, "project:read") },
    { href: `/manage/${s}/report`, label: "Time report", testId: "report-link", allowed: can(role, "project:read") },
  ];
  return tabs.filter((t) => t.allowed).map(({ href, label, testId }) => ({ href, label, testId }));
}
