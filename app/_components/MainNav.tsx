"use client";
// The header's section links; the one the page belongs to is marked as current (the longest match
// wins, so /admin/users is "Users & tokens", not "Projects").
import Link from "next/link";
import { usePathname } from "next/navigation";

export interface NavLink {
  href: string;
  label: string;
}

export function MainNav({ links }: { links: NavLink[] }) {
  const path = usePathname() ?? "";
  const matches = links.filter((l) => path === l.href || path.startsWith(l.href + "/"));
  const current = matches.sort((a, b) => b.href.length - a.href.length)[0]?.href;
  return (
    <nav aria-label="Main">
      {links.map((l) => (
        <Link key={l.href} href={l.href} aria-current={l.href === current ? "page" : undefined}>
          {l.label}
        </Link>
      ))}
    </nav>
  );
}
