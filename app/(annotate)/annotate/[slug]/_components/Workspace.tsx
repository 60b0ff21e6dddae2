"use client";
// The annotation screen: one item at a time, a choice by mouse or keyboard, then the next item.
import { useCallback, useEffect, useRef, useState } from "react";
import type { Task } from "@/lib/services/assignment";
import { Markdown } from "./Markdown";
import { Prompt } from "./Prompt";

type Choice = "A" | "B" | "tie" | "both_bad";

const CHOICES: { value: Choice; label: string; keys: string[] }[] = [
  { value: "A", label: "A is better", keys: ["1", "a"] },
  { value: "B", label: "B is better", keys: ["2", "b"] },
  { value: "tie", label: "Tie", keys: ["3", "t"] },
  { value: "both_bad", label: "Both bad", keys: ["4", "x"] },
];

type State =
  | { kind: "loading" }
  | { kind: "task"; task: Task }
  | { kind: "done" }
  | { kind: "error"; message: string };

async function apiError(res: Response): Promise<string> {
  try {
    const body = await res.json();
    return body?.error?.message ?? `Request failed (${res.status})`;
  } catch {
    return `Request failed (${res.status})`;
  }
}

function isTyping(target: EventTarget | null): boolean {
  const el = target as HTMLElement | null;
  return !!el && (el.tagName === "INPUT" || el.tagName === "TEXTAREA" || el.tagName === "SELECT" || el.isContentEditable);
}

export function Workspace({ slug, name, guidelines }: { slug: string; name: string; guidelines: string }) {
  const [state, setState] = useState<State>({ kind: "loading" });
  const [choice, setChoice] = useState<Choice | null>(null);
  const [rationale, setRationale] = useState("");
  const [saving, setSaving] = useState(false);
  const [saveError, setSaveError] = useState<string | null>(null);
  const [help, setHelp] = useState(false);
  const startedAt = useRef(0);
  const clientId = useRef("");

  const loadNext = useCallback(async () => {
    setState({ kind: "loading" });
    setChoice(null);
    setRationale("");
    setSaveError(null);
    const res = await fetch(`/api/v1/projects/${encodeURIComponent(slug)}/tasks/next`, { method: "POST" });
    if (res.status === 204) return setState({ kind: "done" });
    if (!res.ok) return setState({ kind: "error", message: await apiError(res) });
    const task = (await res.json()) as Task;
    startedAt.current = performance.now();
    clientId.current = crypto.randomUUID();
    setState({ kind: "task", task });
  }, [slug]);

  useEffect(() => {
    void loadNext();
  }, [loadNext]);

  const task = state.kind === "task" ? state.task : null;

  const submit = useCallback(async () => {
    if (!task || !choice || saving) return;
    setSaving(true);
    setSaveError(null);
    try {
      // The same client_id on a retry returns the first judgment instead of creating a second one.
      const res = await fetch(`/api/v1/assignments/${task.assignment.id}/judgment`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({
          choice,
          rationale: rationale.trim() || undefined,
          duration_ms: Math.round(performance.now() - startedAt.current),
          client_id: clientId.current,
        }),
      });
      if (!res.ok) {
        setSaveError(await apiError(res));
        if (res.status === 409 || res.status === 404) setTimeout(() => void loadNext(), 1500);
        return;
      }
      await loadNext();
    } catch {
      setSaveError("Could not reach the server; your judgment was not saved. Press Enter to retry.");
    } finally {
      setSaving(false);
    }
  }, [task, choice, rationale, saving, loadNext]);

  const skip = useCallback(async () => {
    if (!task || saving) return;
    const res = await fetch(`/api/v1/assignments/${task.assignment.id}/skip`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: "{}",
    });
    if (!res.ok) return setSaveError(await apiError(res));
    await loadNext();
  }, [task, saving, loadNext]);

  useEffect(() => {
    function onKey(e: KeyboardEvent) {
      if (e.ctrlKey || e.metaKey || e.altKey) return;
      if (e.key === "Escape") return setHelp(false);
      if (isTyping(e.target)) return;
      const key = e.key.toLowerCase();
      if (key === "?") return setHelp((h) => !h);
      if (!task) return;
      const picked = CHOICES.find((c) => c.keys.includes(key));
      if (picked) {
        e.preventDefault();
        return setChoice(picked.value);
      }
      if (key === "enter" && choice) {
        e.preventDefault();
        return void submit();
      }
      if (key === "s") {
        e.preventDefault();
        return void skip();
      }
    }
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [task, choice, submit, skip]);

  return (
    <div>
      <div className="row" style={{ display: "flex", justifyContent: "space-between", alignItems: "baseline", gap: "1rem" }}>
        <h1>{name}</h1>
        {task && <ProgressLine task={task} />}
        <button type="button" onClick={() => setHelp(true)} aria-label="Keyboard shortcuts" data-testid="help">
          ? Shortcuts
        </button>
      </div>
      {guidelines && (
        <details className="panel">
          <summary>Guidelines</summary>
          <Markdown text={guidelines} />
        </details>
      )}

      {state.kind === "loading" && <p className="muted" aria-live="polite">Loading the next item…</p>}
      {state.kind === "error" && <p className="error" role="alert">{state.message}</p>}
      {state.kind === "done" && (
        <div className="panel" data-testid="done">
          <h2>Nothing left for you here</h2>
          <p>You have judged every item available to you in this project. Thank you!</p>
        </div>
      )}

      {task && (
        <div data-testid="task" data-assignment={task.assignment.id}>
          <Prompt prompt={task.item.prompt} />
          <div className="ws-candidates">
            {task.item.candidates.map((c) => (
              <article
                key={c.slot}
                className={`candidate${choice === c.slot ? " selected" : ""}`}
                aria-label={`Response ${c.slot}`}
                data-testid={`candidate-${c.slot}`}
              >
                <h2>Response {c.slot}</h2>
                <Markdown text={c.content} />
              </article>
            ))}
          </div>
          <div className="ws-actions" role="group" aria-label="Your judgment">
            {CHOICES.map((c) => (
              <button
                key={c.value}
                type="button"
                aria-pressed={choice === c.value}
                onClick={() => setChoice(c.value)}
                data-testid={`choice-${c.value}`}
              >
                {c.label} <kbd>{c.keys[0]}</kbd>
              </button>
            ))}
            <input
              type="text"
              aria-label="Rationale (optional)"
              placeholder="Why? (optional)"
              value={rationale}
              onChange={(e) => setRationale(e.target.value)}
              onKeyDown={(e) => {
                if (e.key === "Enter" && choice) void submit();
              }}
              data-testid="rationale"
              style={{ flex: 1, minWidth: 180 }}
            />
            <button type="button" className="primary" disabled={!choice || saving} onClick={() => void submit()} data-testid="submit">
              {saving ? "Saving…" : "Submit"} <kbd>Enter</kbd>
            </button>
            <button type="button" onClick={() => void skip()} disabled={saving} data-testid="skip">
              Skip <kbd>S</kbd>
            </button>
          </div>
          {saveError && <p className="error" role="alert" data-testid="save-error">{saveError}</p>}
        </div>
      )}

      {help && (
        <div className="overlay" role="dialog" aria-modal="true" aria-label="Keyboard shortcuts" onClick={() => setHelp(false)}>
          <div className="panel" onClick={(e) => e.stopPropagation()}>
            <h2>Keyboard shortcuts</h2>
            <table className="data">
              <tbody>
                {CHOICES.map((c) => (
                  <tr key={c.value}><td><kbd>{c.keys[0]}</kbd> or <kbd>{c.keys[1].toUpperCase()}</kbd></td><td>{c.label}</td></tr>
                ))}
                <tr><td><kbd>Enter</kbd></td><td>Submit the selected judgment</td></tr>
                <tr><td><kbd>S</kbd></td><td>Skip this item</td></tr>
                <tr><td><kbd>?</kbd></td><td>Show or hide this help</td></tr>
                <tr><td><kbd>Esc</kbd></td><td>Close</td></tr>
              </tbody>
            </table>
            <button type="button" onClick={() => setHelp(false)} autoFocus>Close</button>
          </div>
        </div>
      )}
    </div>
  );
}

function ProgressLine({ task }: { task: Task }) {
  const { judged, items, complete_items } = task.progress;
  const pct = items ? Math.round((100 * complete_items) / items) : 0;
  return (
    <div style={{ minWidth: 220 }} data-testid="progress">
      <div className="muted" style={{ fontSize: "0.85rem" }}>
        You judged {judged} · project {pct}% complete
      </div>
      <div className="progress" role="progressbar" aria-valuemin={0} aria-valuemax={100} aria-valuenow={pct} aria-label="Project completion">
        <span style={{ width: `${pct}%` }} />
      </div>
    </div>
  );
}
