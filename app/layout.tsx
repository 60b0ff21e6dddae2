import type { Metadata } from "next";
import Link from "next/link";
import { can } from "@/lib/auth/permissions";
import { sessionCaller } from "@/lib/auth/session";
import { ClientConfig } from "./_components/ClientConfig";
import { SignOutButton } from "./_components/SignOutButton";
import "./globals.css";

export const metadata: Metadata = { title: "Arbiter", description: "Human preference data for RLHF and DPO" };

export default async function RootLayout({ children }: { children: React.ReactNode }) {
  const caller = await sessionCaller();
  return (
    <html lang="en">
      <body>
        <ClientConfig />
        {caller && (
          <header className="top">
            <Link href="/" className="brand">Arbiter</Link>
            <nav aria-label="Main">
              {can(caller.role, "assignment:work") && <Link href="/annotate">Annotate</Link>}
              {can(caller.role, "project:read") && <Link href="/manage">Progress</Link>}
              {can(caller.role, "project:write") && <Link href="/admin">Projects</Link>}
              {can(caller.role, "user:manage") && <Link href="/admin/users">Users &amp; tokens</Link>}
              {can(caller.role, "user:manage") && <Link href="/admin/audit">Audit log</Link>}
            </nav>
            <Link href="/account" className="who" data-testid="who">{caller.email} · {caller.role}</Link>
            <SignOutButton />
          </header>
        )}
        <main>{children}</main>
      </body>
    </html>
  );
}
