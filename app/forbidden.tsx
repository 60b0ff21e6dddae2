// The 403 page: a signed-in user opened a page their role may not see (lib/auth/session.ts calls
// forbidden()). It says what they tried, why it is not theirs and where their own work is.
import type { Metadata } from "next";
import { headers } from "next/headers";
import Link from "next/link";
import { can } from "@/lib/auth/permissions";
import { sessionCaller } from "@/lib/auth/session";
import { PAGE_PATH_HEADER } from "@/lib/http/headers";

export const metadata: Metadata = { title: "Not your page · Arbiter" };

/** The areas of the app by path: what each is, and who may open it. */
const AREAS: { prefix: string; what: string; who: string }[] = [
  { prefix: "/admin/users", what: "the users and tokens page", who: "admins" },
  { prefix: "/admin/audit", what: "the audit log", who: "admins" },
  { prefix: "/admin/models", what: "the model endpoints and contenders", who: "admins" },
  { prefix: "/admin", what: "the project administration pages", who: "admins" },
  { prefix: "/manage", what: "the progress dashboards and adjudication", who: "managers and admins" },
  { prefix: "/annotate", what: "the annotation workspace", who: "annotators and admins" },
];

export default async function Forbidden() {
  const caller = await sessionCaller();
  const tried = (await headers()).get(PAGE_PATH_HEADER) ?? "";
  const area = AREAS.find((a) => tried === a.prefix || tried.startsWith(a.prefix + "/") || tried.startsWith(a.prefix + "?"));
  const role = caller?.role;
  const links: { href: string; text: string }[] = [];
  if (role && can(role, "assignment:work")) links.push({ href: "/annotate", text: "Your projects to annotate" });
  if (role && can(role, "project:read")) links.push({ href: "/manage", text: "Progress of every project" });
  if (role && can(role, "project:write")) links.push({ href: "/admin", text: "Projects" });
  links.push({ href: "/account", text: "Your account" });
  return (
    <section className="panel" aria-labelledby="forbidden-heading" data-testid="forbidden">
      <h1 id="forbidden-heading">This page is not yours to open</h1>
      <p data-testid="forbidden-what">
        You tried to open {tried ? <code>{tried}</code> : "a page"}
        {area ? <>, {area.what}</> : null}.
      </p>
      <p data-testid="forbidden-why">
        {area ? <>Only {area.who} may open it</> : <>Your role may not open it</>}
        {role ? <>, and you are signed in as {caller.email}, {role === "manager" ? "a" : "an"} <strong>{role}</strong></> : null}. If you
        need it, ask an admin to change your role.
      </p>
      <p>Where to go instead:</p>
      <ul data-testid="forbidden-links">
        {links.map((l) => (
          <li key={l.href}>
            <Link href={l.href}>{l.text}</Link>
          </li>
        ))}
      </ul>
    </section>
  );
}
