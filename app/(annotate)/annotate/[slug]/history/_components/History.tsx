"use client";
// My judgments, newest first: each can be reopened in the same form as the workspace and revised.
import { useRouter } from "next/navigation";
import { useCallback, useEffect, useState, useSyncExternalStore } from "react";
import type { ProjectJudgmentSchema } from "@/lib/formats/judgment";
import type { HistoryEntry } from "@/lib/services/judgments";
import { post, type RequestError } from "../../_components/api";
import { checkDraft, draftOf, PAIRWISE_CHOICES, STRENGTH_LABELS, type Draft } from "../../_components/draft";
import { JudgmentForm } from "../../_components/JudgmentForm";
import { isTyping, judgmentKey } from "../../_components/keymap";
import { Prompt } from "@/app/_components/Prompt";
import { openingWords, relativeTime } from "./format";

function summary(entry: HistoryEntry): string {
  const p = entry.judgment.payload;
  const parts: string[] = [];
  if (p.strength !== undefined) parts.push(`${p.strength > 0 ? "+" : ""}${p.strength} (${STRENGTH_LABELS[p.strength]})`);
  else if (p.choice) parts.push(PAIRWISE_CHOICES.find((c) => c.value === p.choice)?.label ?? p.choice);
  if (p.ranking) parts.push(p.ranking.map((g) => g.join(" = ")).join(" > "));
  if (p.ratings) parts.push(Object.entries(p.ratings).map(([s, r]) => `${s}: ${Object.entries(r).map(([k, v]) => `${k} ${v}`).join(", ")}`).join("; "));
  if (p.flags) parts.push("flags " + Object.entries(p.flags).map(([s, f]) => `${s}: ${f.join(", ")}`).join("; "));
  if (p.rewrite) parts.push("with a rewrite");
  if (p.demonstration) parts.push(`demonstration (${p.demonstration.length} characters)`);
  return parts.join(" · ") || "—";
}

/** When a judgment was made (or last revised): relative, with the exact time on hover. */
function When({ at }: { at: string }) {
  // The server's clock and time zone differ from the browser's: the browser's text wins.
  return (
    <time dateTime={at} title={new Date(at).toLocaleString()} suppressHydrationWarning>
      {relativeTime(Date.parse(at), Date.now())}
    </time>
  );
}

const noSubscription = () => () => {};

/**
 * False in the server's HTML and until the page is hydrated, then true: the buttons stay disabled
 * until they work, so a click made while the script still loads is not lost.
 */
function useHydrated(): boolean {
  return useSyncExternalStore(noSubscription, () => true, () => false);
}

export function History({ schema, entries, searched = false }: { schema: ProjectJudgmentSchema; entries: HistoryEntry[]; searched?: boolean }) {
  const [open, setOpen] = useState<number | null>(null);
  const hydrated = useHydrated();
  if (entries.length === 0) {
    return <p data-testid="history-empty">{searched ? "None of your judgments matches that search. Try other words, or clear the search." : "You have not judged anything in this project yet."}</p>;
  }
  return (
    <ol className="plain" data-testid="history">
      {entries.map((e) => (
        <li key={e.judgment.id} className="panel history-entry" data-testid={`history-${e.judgment.id}`}>
          <p className="history-prompt" data-testid="history-prompt">{openingWords(e.item.prompt) || <span className="muted">(empty prompt)</span>}</p>
          <div className="meta">
            <strong data-testid="history-choice">{summary(e)}</strong>
            {e.judgment.payload.rationale && <span className="muted">“{e.judgment.payload.rationale}”</span>}
            <span className="muted small" data-testid="history-item">
              Item {e.item.id}
              {e.item.external_id && e.item.external_id !== String(e.item.id) ? ` (${e.item.external_id})` : ""}
            </span>
            <span className="muted small" data-testid="history-when">
              <When at={e.judgment.updated_at ?? e.judgment.created_at} />
              {e.judgment.revision > 1 ? ` · revision ${e.judgment.revision}` : ""}
            </span>
            {open !== e.judgment.id && (
              <button type="button" onClick={() => setOpen(e.judgment.id)} disabled={!hydrated} data-testid={`revise-${e.judgment.id}`}>
                Reopen and revise
              </button>
            )}
            {e.undoable && e.judgment.assignment_id != null && <UndoButton assignmentId={e.judgment.assignment_id} hydrated={hydrated} />}
          </div>
          {open === e.judgment.id && <Reviser schema={schema} entry={e} onClose={() => setOpen(null)} />}
        </li>
      ))}
    </ol>
  );
}

/** Takes the judgment back (its lease is still live) and returns to the workspace, where the item waits. */
function UndoButton({ assignmentId, hydrated }: { assignmentId: number; hydrated: boolean }) {
  const [error, setError] = useState<string | null>(null);
  const undo = async () => {
    try {
      await post(`/api/v1/assignments/${assignmentId}/undo`, {});
    } catch (e) {
      return setError((e as RequestError).message);
    }
    window.location.assign(window.location.pathname.replace(/\/history$/, ""));
  };
  return (
    <>
      <button type="button" onClick={() => void undo()} disabled={!hydrated} data-testid={`undo-${assignmentId}`}>
        Undo (take it back)
      </button>
      {error && <span className="error" role="alert">{error}</span>}
    </>
  );
}

function Reviser({ schema, entry, onClose }: { schema: ProjectJudgmentSchema; entry: HistoryEntry; onClose: () => void }) {
  const router = useRouter();
  const n = entry.item.candidates.length;
  const [draft, setDraft] = useState<Draft>(() => draftOf(entry.judgment.payload, n));
  const [error, setError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const [startedAt] = useState(() => performance.now());

  const save = useCallback(async () => {
    const check = checkDraft(schema, draft, n);
    if (!check.ok) return setError(check.error);
    setSaving(true);
    try {
      await post(`/api/v1/judgments/${entry.judgment.id}`, { ...check.payload, duration_ms: Math.round(performance.now() - startedAt) }, "PUT");
    } catch (e) {
      const err = e as RequestError;
      return setError(err.status === 0 ? "Could not reach the server; nothing was changed." : err.message);
    } finally {
      setSaving(false);
    }
    onClose();
    router.refresh();
  }, [schema, draft, n, entry.judgment.id, startedAt, onClose, router]);

  useEffect(() => {
    function onKey(e: KeyboardEvent) {
      if (e.ctrlKey || e.metaKey || e.altKey || isTyping(e.target)) return;
      if (e.key === "Escape") return onClose();
      if (judgmentKey(e, { schema, slotCount: n, draft }, setDraft)) return;
      if (e.key === "Enter" && (e.target as HTMLElement).tagName !== "BUTTON") {
        e.preventDefault();
        void save();
      }
    }
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [schema, draft, n, save, onClose]);

  return (
    <div data-testid="reviser">
      <Prompt prompt={entry.item.prompt} />
      <JudgmentForm schema={schema} candidates={entry.item.candidates} draft={draft} setDraft={setDraft} onSubmitKey={() => void save()} />
      <div className="ws-actions">
        <button type="button" className="primary" disabled={saving} onClick={() => void save()} data-testid="save-revision">
          {saving ? "Saving…" : "Save revision"}
        </button>
        <button type="button" onClick={onClose}>Cancel <kbd>Esc</kbd></button>
        {error && <span className="error" role="alert" data-testid="revise-error">{error}</span>}
      </div>
    </div>
  );
}
