import type { Metadata } from "next";
import Link from "next/link";
import { can } from "@/lib/auth/permissions";
import { sessionCaller } from "@/lib/auth/session";
import { ClientConfig } from "./_components/ClientConfig";
import { MainNav, type NavLink } from "./_components/MainNav";
import { ScrollRegions } from "./_components/ScrollRegions";
import { SignOutButton } from "./_components/SignOutButton";
import { Toaster } from "./_components/Toaster";
import "./globals.css";

export const metadata: Metadata = { title: "Arbiter", description: "Human preference data for RLHF and DPO" };

export default async function RootLayout({ children }: { children: React.ReactNode }) {
  const caller = await sessionCaller();
  return (
    <html lang="en">
      <body>
        <ClientConfig />
        <a className="skip-link" href="#main">Skip to content</a>
        {caller && (
          <header className="top">
            <Link href="/" className="brand">Arbiter</Link>
            <MainNav links={navLinks(caller.role)} />
            <Link href="/account" className="who" data-testid="who">
              <span className="email">{caller.email}</span> <span className="badge">{caller.role}</span>
            </Link>
            <SignOutButton />
          </header>
        )}
        <main id="main" tabIndex={-1}>{children}</main>
        <Toaster />
        <ScrollRegions />
      </body>
    </html>
  );
}

/** The header's sections, as far as the role may see them. */
function navLinks(role: Parameters<typeof can>[0]): NavLink[] {
  const links: (NavLink & { allowed: boolean })[] = [
    { href: "/annotate", label: "Annotate", allowed: can(role, "assignment:work") },
    { href: "/manage", label: "Progress", allowed: can(role, "project:read") },
    { href: "/admin", label: "Projects", allowed: can(role, "project:write") },
    { href: "/admin/models", label: "Models", allowed: can(role, "model:manage") },
    { href: "/admin/users", label: "Users & tokens", allowed: can(role, "user:manage") },
    { href: "/admin/audit", label: "Audit log", allowed: can(role, "user:manage") },
  ];
  return links.filter((l) => l.allowed).map(({ href, label }) => ({ href, label }));
}
