"use client";
// The annotation screen: one item at a time, every action by keyboard. Submits are optimistic when
// the next item is already prefetched; a failed one stays on screen with a retry that reuses its
// client_id (so the server never records it twice). Drafts live in localStorage per assignment.
import { useCallback, useEffect, useRef, useState } from "react";
import type { ProjectJudgmentSchema } from "@/lib/formats/judgment";
import type { Task } from "@/lib/services/assignment";
import { post, type RequestError } from "./api";
import { DiffView } from "./DiffView";
import { FlagDialog, flagKey } from "./FlagDialog";
import { checkDraft, emptyDraft, type Draft } from "./draft";
import { isTyping, judgmentKey, JudgmentForm, judgmentShortcuts } from "./JudgmentForm";
import { Markdown } from "./Markdown";
import { Prompt } from "./Prompt";

const SKIP_REASONS = ["Outside my expertise", "Prompt or responses are broken", "Offensive content I'd rather not judge", "Other"];

interface Shown {
  task: Task;
  draft: Draft;
  clientId: string;
  /** Time already spent on this item before this page load (from the saved draft). */
  spentBefore: number;
  shownAt: number;
}

interface Failed {
  assignmentId: number;
  body: Record<string, unknown>;
  message: string;
  retryable: boolean;
}

type Status = "loading" | "task" | "done" | "error";

const draftKey = (assignmentId: number) => `arbiter:draft:${assignmentId}`;

function readSaved(assignmentId: number): { draft: Draft; clientId: string; spent: number } | null {
  try {
    const raw = localStorage.getItem(draftKey(assignmentId));
    return raw ? JSON.parse(raw) : null;
  } catch {
    return null;
  }
}

export function Workspace({ slug, name, guidelines, quota }: { slug: string; name: string; guidelines: string; quota: number | null }) {
  const [status, setStatus] = useState<Status>("loading");
  const [error, setError] = useState<string | null>(null);
  const [shown, setShown] = useState<Shown | null>(null);
  const [judged, setJudged] = useState(0);
  const [saving, setSaving] = useState(false);
  const [formError, setFormError] = useState<string | null>(null);
  const [failed, setFailed] = useState<Failed[]>([]);
  const [notice, setNotice] = useState<string | null>(null);
  const [help, setHelp] = useState(false);
  const [skipping, setSkipping] = useState(false);
  /** The response the flag dialog's digits flag; null while the dialog is closed. */
  const [flagging, setFlagging] = useState<string | null>(null);
  const [diff, setDiff] = useState(false);
  const [guidelinesOpen, setGuidelinesOpen] = useState(false);
  const [canUndo, setCanUndo] = useState(false);
  const prefetched = useRef<Task | null>(null);
  const navigation = useRef(0);
  const prefetching = useRef<Promise<void> | null>(null);
  const lastSubmitted = useRef<{ task: Task; draft: Draft } | null>(null);
  const shownRef = useRef<Shown | null>(null);
  shownRef.current = shown;

  const tasksUrl = `/api/v1/projects/${encodeURIComponent(slug)}/tasks/next`;

  const fetchTask = useCallback(
    async (exclude?: number): Promise<Task | null> => {
      const res = await post(tasksUrl, exclude ? { exclude: [exclude] } : {});
      if (res.status === 204) return null;
      const task = (await res.json()) as Task;
      setJudged((j) => Math.max(j, task.progress.judged));
      return task;
    },
    [tasksUrl],
  );

  const show = useCallback((task: Task | null, restore?: Draft) => {
    setFormError(null);
    setDiff(false);
    if (!task) {
      setShown(null);
      setStatus("done");
      return;
    }
    const saved = readSaved(task.assignment.id);
    setShown({
      task,
      draft: saved?.draft ?? restore ?? emptyDraft(task.item.candidates.length),
      clientId: saved?.clientId ?? crypto.randomUUID(),
      spentBefore: saved?.spent ?? 0,
      shownAt: performance.now(),
    });
    setStatus("task");
  }, []);

  /** Leases the item after the one on screen, so the next submit shows it without waiting. */
  const prefetch = useCallback(() => {
    const current = shownRef.current;
    if (!current || prefetched.current || prefetching.current) return;
    prefetching.current = fetchTask(current.task.assignment.id)
      .then((task) => {
        // A server that hands back the item on screen has nothing else leased for us.
        if (task && task.assignment.id !== shownRef.current?.task.assignment.id) prefetched.current = task;
      })
      .catch(() => undefined)
      .finally(() => {
        prefetching.current = null;
      });
  }, [fetchTask]);

  const loadNext = useCallback(async () => {
    // Another action (undo, an optimistic submit) may change the item while this one waits: the later wins.
    const mine = ++navigation.current;
    if (prefetching.current) await prefetching.current;
    if (mine !== navigation.current) return;
    const next = prefetched.current;
    prefetched.current = null;
    if (next) return show(next);
    setStatus("loading");
    try {
      const task = await fetchTask();
      if (mine !== navigation.current) {
        // Leased to us all the same: keep it for later rather than drop it.
        if (task && task.assignment.id !== shownRef.current?.task.assignment.id && !prefetched.current) prefetched.current = task;
        return;
      }
      show(task);
    } catch (e) {
      if (mine !== navigation.current) return;
      setError((e as Error).message);
      setStatus("error");
    }
  }, [fetchTask, show]);

  useEffect(() => {
    void loadNext();
  }, [loadNext]);

  useEffect(() => {
    if (shown) prefetch();
  }, [shown?.task.assignment.id, prefetch]); // eslint-disable-line react-hooks/exhaustive-deps

  // Drafts survive a reload: saved on every change, dropped once the judgment is stored.
  useEffect(() => {
    if (!shown) return;
    try {
      localStorage.setItem(
        draftKey(shown.task.assignment.id),
        JSON.stringify({ draft: shown.draft, clientId: shown.clientId, spent: shown.spentBefore + (performance.now() - shown.shownAt) }),
      );
    } catch {
      // Storage full or disabled: the draft lives only in memory.
    }
  }, [shown]);

  const setDraft = useCallback((update: Draft | ((d: Draft) => Draft)) => {
    setFormError(null);
    setShown((s) => (s ? { ...s, draft: typeof update === "function" ? update(s.draft) : update } : s));
  }, []);

  const send = useCallback(async (assignmentId: number, body: Record<string, unknown>) => {
    await post("/api/v1/judgments", { ...body, assignment_id: assignmentId });
    localStorage.removeItem(draftKey(assignmentId));
    setJudged((j) => j + 1);
    setFailed((f) => f.filter((x) => x.assignmentId !== assignmentId));
  }, []);

  const sendInBackground = useCallback(
    (assignmentId: number, body: Record<string, unknown>, attempt = 0) => {
      send(assignmentId, body)
        .then(() => {
          if (lastSubmitted.current?.task.assignment.id === assignmentId) setCanUndo(true);
        })
        .catch((e: RequestError) => {
          const retryable = e.status === 0 || e.status >= 500;
          // One quiet retry for a network blip; after that the annotator sees it and decides.
          if (retryable && attempt === 0) return void setTimeout(() => sendInBackground(assignmentId, body, 1), 1000);
          setFailed((f) => [...f.filter((x) => x.assignmentId !== assignmentId), { assignmentId, body, message: e.message, retryable }]);
        });
    },
    [send],
  );

  const submit = useCallback(async () => {
    const s = shownRef.current;
    if (!s || saving) return;
    const check = checkDraft(s.task.schema, s.draft, s.task.item.candidates.length);
    if (!check.ok) return setFormError(check.error);
    const body = {
      ...check.payload,
      duration_ms: Math.round(s.spentBefore + performance.now() - s.shownAt),
      client_id: s.clientId,
    };
    lastSubmitted.current = { task: s.task, draft: s.draft };
    setCanUndo(false);
    setNotice(null);
    if (prefetched.current) {
      // Optimistic: the next item is already ours; the judgment is saved behind it.
      const next = prefetched.current;
      prefetched.current = null;
      navigation.current++;
      show(next);
      sendInBackground(s.task.assignment.id, body);
      return;
    }
    setSaving(true);
    try {
      await send(s.task.assignment.id, body);
      setCanUndo(true);
      await loadNext();
    } catch (e) {
      const err = e as RequestError;
      setFormError(
        err.status === 0
          ? "Could not reach the server; your judgment was not saved. Press Enter to retry."
          : `Not saved: ${err.message}${err.status === 409 ? "" : " Press Enter to retry."}`,
      );
      if (err.status === 409 || err.status === 404) setTimeout(() => void loadNext(), 2000);
    } finally {
      setSaving(false);
    }
  }, [saving, send, sendInBackground, show, loadNext]);

  const retry = useCallback(
    (f: Failed) => {
      setFailed((all) => all.filter((x) => x.assignmentId !== f.assignmentId));
      sendInBackground(f.assignmentId, f.body, 1);
    },
    [sendInBackground],
  );

  const skip = useCallback(
    async (reason?: string) => {
      const s = shownRef.current;
      setSkipping(false);
      if (!s) return;
      try {
        await post(`/api/v1/assignments/${s.task.assignment.id}/skip`, reason ? { reason } : {});
        localStorage.removeItem(draftKey(s.task.assignment.id));
        await loadNext();
      } catch (e) {
        setFormError(`Could not skip: ${(e as Error).message}`);
      }
    },
    [loadNext],
  );

  const undo = useCallback(async () => {
    const last = lastSubmitted.current;
    const s = shownRef.current;
    if (!last || !canUndo) return setNotice("Nothing to undo here; earlier judgments can be revised from your history (H).");
    try {
      await post(`/api/v1/assignments/${last.task.assignment.id}/undo`, {});
    } catch (e) {
      return setNotice(`Could not undo: ${(e as Error).message}`);
    }
    lastSubmitted.current = null;
    setCanUndo(false);
    setJudged((j) => Math.max(0, j - 1));
    // The item on screen stays leased to us: it comes back right after the undone one.
    if (s && !prefetched.current) prefetched.current = s.task;
    navigation.current++;
    show(last.task, last.draft);
    setNotice("Undone: your last judgment is back for editing.");
  }, [canUndo, show]);

  useEffect(() => {
    function onKey(e: KeyboardEvent) {
      if (e.ctrlKey || e.metaKey || e.altKey) return;
      if (e.key === "Escape") {
        setHelp(false);
        setSkipping(false);
        setFlagging(null);
        return;
      }
      if (isTyping(e.target)) return;
      const key = e.key.length === 1 ? e.key.toLowerCase() : e.key;
      if (skipping) {
        const n = Number(key);
        if (n >= 1 && n <= SKIP_REASONS.length) {
          e.preventDefault();
          void skip(SKIP_REASONS[n - 1]);
        } else if (key === "Enter" && (e.target as HTMLElement).tagName !== "BUTTON") {
          e.preventDefault();
          void skip();
        }
        return;
      }
      if (flagging) {
        const s = shownRef.current;
        e.preventDefault();
        return setFlagging(s ? flagKey(key, flagging, s.task.schema, s.task.item.candidates.length, setDraft) : null);
      }
      if (key === "?") return setHelp((h) => !h);
      if (help) return;
      const s = shownRef.current;
      if (key === "h") return void window.location.assign(`/annotate/${encodeURIComponent(slug)}/history`);
      if (key === "g" && guidelines) return setGuidelinesOpen((o) => !o);
      if (!s) return;
      // Enter on an ordinary button presses it; on a judgment control it submits.
      const el = e.target as HTMLElement;
      if (key === "Enter" && el.tagName === "BUTTON" && !el.closest(".ws-choices, .ws-ratings, .ws-flags, .ws-ranking")) return;
      if (judgmentKey(e, s.task.schema, s.draft, setDraft, s.task.item.candidates.length)) return;
      if (key === "Enter") {
        e.preventDefault();
        return void submit();
      }
      if (key === "s") {
        e.preventDefault();
        return setSkipping(true);
      }
      if (key === "f" && s.task.schema.flags.length) {
        e.preventDefault();
        return setFlagging("A");
      }
      if (key === "u") return void undo();
      if (key === "d" && s.task.item.candidates.length >= 2) return setDiff((d) => !d);
    }
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [help, skipping, flagging, slug, guidelines, setDraft, submit, skip, undo]);

  const task = shown?.task ?? null;
  const schema: ProjectJudgmentSchema | null = task?.schema ?? null;

  return (
    <div className="ws">
      <div className="ws-head">
        <h1>{name}</h1>
        {task && <ProgressLine task={task} judged={judged} quota={quota} />}
        {shown && <Timer key={task!.assignment.id} since={shown.shownAt} before={shown.spentBefore} />}
        <a className="button" href={`/annotate/${encodeURIComponent(slug)}/history`} data-testid="history-link">
          History <kbd>H</kbd>
        </a>
        <button type="button" onClick={() => setHelp(true)} aria-label="Keyboard shortcuts" data-testid="help">
          ? Shortcuts
        </button>
      </div>
      {guidelines && (
        <details className="panel" open={guidelinesOpen} onToggle={(e) => setGuidelinesOpen((e.target as HTMLDetailsElement).open)} data-testid="guidelines">
          <summary>
            Guidelines <kbd>G</kbd>
          </summary>
          <Markdown text={guidelines} />
        </details>
      )}

      {failed.map((f) => (
        <div key={f.assignmentId} className="ws-failed" role="alert" data-testid="save-failed">
          <strong>An earlier judgment was not saved:</strong> {f.message}{" "}
          {f.retryable ? (
            <button type="button" onClick={() => retry(f)} data-testid="retry">
              Retry
            </button>
          ) : (
            <button type="button" onClick={() => setFailed((all) => all.filter((x) => x !== f))}>
              Dismiss
            </button>
          )}
        </div>
      ))}
      {notice && (
        <p className="muted" role="status" data-testid="notice">
          {notice}
        </p>
      )}

      {status === "loading" && <p className="muted" aria-live="polite">Loading the next item…</p>}
      {status === "error" && <p className="error" role="alert">{error}</p>}
      {status === "done" && (
        <div className="panel" data-testid="done">
          <h2>Nothing left for you here</h2>
          <p>You have judged every item available to you in this project. Thank you!</p>
          <p>
            <a href={`/annotate/${encodeURIComponent(slug)}/history`}>Review or revise your judgments</a>
            {canUndo && (
              <>
                {" "}· <button type="button" onClick={() => void undo()}>Undo the last one <kbd>U</kbd></button>
              </>
            )}
          </p>
        </div>
      )}

      {shown && task && schema && status === "task" && (
        <div data-testid="task" data-assignment={task.assignment.id} data-type={schema.type}>
          <Prompt prompt={task.item.prompt} />
          {diff && task.item.candidates.length >= 2 && <DiffView candidates={task.item.candidates} onClose={() => setDiff(false)} />}
          <JudgmentForm schema={schema} candidates={task.item.candidates} draft={shown.draft} setDraft={setDraft} onSubmitKey={() => void submit()} />
          <div className="ws-actions" role="group" aria-label="Actions">
            <button type="button" className="primary" disabled={saving} onClick={() => void submit()} data-testid="submit">
              {saving ? "Saving…" : "Submit"} <kbd>Enter</kbd>
            </button>
            <button type="button" onClick={() => setSkipping(true)} disabled={saving} data-testid="skip">
              Skip <kbd>S</kbd>
            </button>
            <button type="button" onClick={() => void undo()} disabled={!canUndo} data-testid="undo">
              Undo last <kbd>U</kbd>
            </button>
            {task.item.candidates.length >= 2 && (
              <button type="button" onClick={() => setDiff((d) => !d)} aria-pressed={diff} data-testid="diff-toggle">
                Diff <kbd>D</kbd>
              </button>
            )}
            {formError && (
              <span className="error" role="alert" data-testid="save-error">
                {formError}
              </span>
            )}
          </div>
        </div>
      )}

      {skipping && (
        <div className="overlay" role="dialog" aria-modal="true" aria-label="Skip this item" onClick={() => setSkipping(false)}>
          <div className="panel" onClick={(e) => e.stopPropagation()} data-testid="skip-dialog">
            <h2>Skip this item?</h2>
            <p className="muted">It will not come back to you. Pick a reason (optional):</p>
            <ul className="plain">
              {SKIP_REASONS.map((r, i) => (
                <li key={r}>
                  <button type="button" onClick={() => void skip(r)} data-testid={`skip-reason-${i + 1}`}>
                    <kbd>{i + 1}</kbd> {r}
                  </button>
                </li>
              ))}
            </ul>
            <button type="button" className="primary" onClick={() => void skip()} autoFocus data-testid="skip-confirm">
              Skip without a reason <kbd>Enter</kbd>
            </button>{" "}
            <button type="button" onClick={() => setSkipping(false)}>
              Cancel <kbd>Esc</kbd>
            </button>
          </div>
        </div>
      )}

      {flagging && shown && (
        <FlagDialog
          schema={shown.task.schema}
          slotCount={shown.task.item.candidates.length}
          slot={flagging}
          flags={shown.draft.flags}
          onPick={setFlagging}
          setDraft={setDraft}
          onClose={() => setFlagging(null)}
        />
      )}

      {help && (
        <div className="overlay" role="dialog" aria-modal="true" aria-label="Keyboard shortcuts" onClick={() => setHelp(false)}>
          <div className="panel" onClick={(e) => e.stopPropagation()} data-testid="help-overlay">
            <h2>Keyboard shortcuts</h2>
            <table className="data">
              <tbody>
                {schema &&
                  judgmentShortcuts(schema, task!.item.candidates.length).map(([k, what]) => (
                    <tr key={k}>
                      <td><kbd>{k}</kbd></td>
                      <td>{what}</td>
                    </tr>
                  ))}
                <tr><td><kbd>Enter</kbd></td><td>Submit the judgment</td></tr>
                <tr><td><kbd>S</kbd></td><td>Skip this item (then 1–4 for a reason)</td></tr>
                {schema && schema.flags.length > 0 && (
                  <tr><td><kbd>F</kbd></td><td>Flag a response (then its letter and the flag&apos;s number)</td></tr>
                )}
                <tr><td><kbd>U</kbd></td><td>Undo your last judgment</td></tr>
                <tr><td><kbd>D</kbd></td><td>Show the word differences between two responses</td></tr>
                <tr><td><kbd>G</kbd></td><td>Show or hide the guidelines</td></tr>
                <tr><td><kbd>H</kbd></td><td>Your history (review and revise)</td></tr>
                <tr><td><kbd>?</kbd></td><td>Show or hide this help</td></tr>
                <tr><td><kbd>Esc</kbd></td><td>Close</td></tr>
              </tbody>
            </table>
            <button type="button" onClick={() => setHelp(false)} autoFocus>
              Close
            </button>
          </div>
        </div>
      )}
    </div>
  );
}

function ProgressLine({ task, judged, quota }: { task: Task; judged: number; quota: number | null }) {
  const { items, complete_items } = task.progress;
  const pct = items ? Math.round((100 * complete_items) / items) : 0;
  const mine = quota ? Math.min(100, Math.round((100 * judged) / quota)) : null;
  return (
    <div className="ws-progress" data-testid="progress">
      <div className="muted small">
        You judged {judged}
        {quota ? ` of your ${quota}` : ""} · project {pct}% complete
      </div>
      {mine != null && (
        <div className="progress" role="progressbar" aria-valuemin={0} aria-valuemax={100} aria-valuenow={mine} aria-label="Your quota">
          <span style={{ width: `${mine}%` }} />
        </div>
      )}
      <div className="progress" role="progressbar" aria-valuemin={0} aria-valuemax={100} aria-valuenow={pct} aria-label="Project completion">
        <span style={{ width: `${pct}%` }} />
      </div>
    </div>
  );
}

/** Time spent on the item on screen; the submitted duration_ms is measured the same way. */
function Timer({ since, before }: { since: number; before: number }) {
  const [now, setNow] = useState(() => performance.now());
  useEffect(() => {
    const id = setInterval(() => setNow(performance.now()), 1000);
    return () => clearInterval(id);
  }, []);
  const s = Math.max(0, Math.floor((before + now - since) / 1000));
  return (
    <span className="muted small ws-timer" aria-label="Time on this item" data-testid="timer">
      Time {Math.floor(s / 60)}:{String(s % 60).padStart(2, "0")}
    </span>
  );
}
