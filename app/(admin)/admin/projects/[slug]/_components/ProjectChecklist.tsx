// A draft project's checklist: what it has and what it still lacks, each with a link to where it is
// set, and the Activate button. Shown until the project is active.
import type { ProjectChecklist as Checklist } from "@/lib/services/projects";
import { ActivateButton } from "./ActivateButton";

interface Check {
  key: string;
  done: boolean;
  label: string;
  detail: string;
  fix: { href: string; text: string };
}

function checks(c: Checklist): Check[] {
  const open = c.visibility === "everyone";
  return [
    {
      key: "items",
      done: c.items > 0,
      label: "Items imported",
      detail: c.items > 0 ? `${c.items.toLocaleString("en")} item(s)` : "no items yet",
      fix: { href: "#import-heading", text: "Import items" },
    },
    {
      key: "guidelines",
      done: c.guidelines,
      label: "Guidelines",
      detail: c.guidelines ? "written" : "none: annotators see no instructions",
      fix: { href: "#texts-heading", text: "Write guidelines" },
    },
    {
      key: "schema",
      done: c.judgmentSchema,
      label: "Judgment schema",
      detail: c.judgmentSchema ? "chosen" : "not chosen: plain pairwise (A, B, tie, both bad) applies",
      fix: { href: "#texts-heading", text: "Choose a schema" },
    },
    {
      key: "members",
      done: open || c.members > 0,
      label: "Members",
      detail: open ? "open to every annotator" : c.members > 0 ? `${c.members} member(s)` : "members only, and none yet: nobody could work on it",
      fix: { href: "#members-heading", text: open ? "Limit to members" : "Add members" },
    },
  ];
}

export function ProjectChecklist({ slug, checklist }: { slug: string; checklist: Checklist }) {
  const list = checks(checklist);
  return (
    <section className="panel" aria-labelledby="checklist-heading" data-testid="project-checklist">
      <h2 id="checklist-heading">{checklist.status === "draft" ? "This project is a draft" : `This project is ${checklist.status}`}</h2>
      <p className="muted">Annotators do not see it until it is active. Check what it needs, then activate it.</p>
      <ul className="checklist">
        {list.map((c) => (
          <li key={c.key} data-testid={`check-${c.key}`} data-done={c.done ? "yes" : "no"}>
            <span aria-hidden="true" className={c.done ? "ok" : "error"}>{c.done ? "✓" : "✗"}</span>{" "}
            <strong>{c.label}</strong>: {c.done ? "" : <span className="visually-hidden">missing, </span>}
            {c.detail} · <a href={c.fix.href}>{c.fix.text}</a>
          </li>
        ))}
      </ul>
      <ActivateButton slug={slug} ready={checklist.items > 0} />
    </section>
  );
}
