"use client";
// The annotator narrows their own stream to some of their skills: only items sharing a tag with the
// chosen skills are claimed. The choice is kept in this browser per project (localStorage) and sent
// with every claim as `skills`; applying it reloads the queue, and the server lets go of a lease
// outside the new choice.
import { useEffect, useState } from "react";

const streamKey = (slug: string) => `arbiter:stream:${slug}`;

/** The skills this browser narrows the project's stream to, among those the annotator holds now. */
export function chosenSkills(slug: string, held: readonly string[]): string[] {
  try {
    const saved = JSON.parse(localStorage.getItem(streamKey(slug)) ?? "[]") as unknown;
    return Array.isArray(saved) ? saved.filter((s): s is string => typeof s === "string" && held.includes(s)) : [];
  } catch {
    return [];
  }
}

export function StreamFilter({ slug, skills }: { slug: string; skills: string[] }) {
  const [chosen, setChosen] = useState<string[]>([]);
  const [applied, setApplied] = useState<string[]>([]);
  // Read after mounting: the server renders no choice, so the first paint matches it.
  useEffect(() => {
    const saved = chosenSkills(slug, skills);
    setChosen(saved);
    setApplied(saved);
  }, [slug, skills]);
  const changed = chosen.slice().sort().join() !== applied.slice().sort().join();
  const apply = () => {
    try {
      localStorage.setItem(streamKey(slug), JSON.stringify(chosen));
    } catch {
      // Storage disabled: the choice cannot be kept.
    }
    window.location.reload();
  };
  return (
    // Keys pressed in here belong to the control (Enter opens it, Space ticks), not to the workspace's shortcuts.
    <details className="panel ws-stream" data-testid="stream-filter" onKeyDown={(e) => e.stopPropagation()}>
      <summary>
        Your stream: {applied.length ? `items needing ${applied.join(" or ")}` : "every item for your skills"}
      </summary>
      <fieldset>
        <legend>Only serve me items tagged with any of these skills (none ticked: no narrowing)</legend>
        {skills.map((skill) => (
          <label key={skill} className="ws-stream-skill">
            <input
              type="checkbox"
              checked={chosen.includes(skill)}
              onChange={(e) => setChosen((c) => (e.target.checked ? [...c, skill] : c.filter((s) => s !== skill)))}
              data-testid={`stream-skill-${skill}`}
            />{" "}
            {skill}
          </label>
        ))}
        <button type="button" onClick={apply} disabled={!changed} data-testid="stream-apply">
          Apply
        </button>
      </fieldset>
    </details>
  );
}
