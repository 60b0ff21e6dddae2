"use client";
// The annotation screen: one item at a time, every action by keyboard. The queue (item on screen,
// items leased ahead, judgments saved behind it, skip, undo) is the reducer in queue.ts behind
// useQueue; the keys are the tables in keymap.ts, which the `?` overlay lists.
import { lazy, Suspense, useEffect, useState } from "react";
import type { QualificationView } from "@/lib/services/qualification";
import { FlagDialog, flagKey } from "./FlagDialog";
import { GoldFeedbackDialog, QualificationBadge } from "./GoldFeedback";
import { HelpOverlay } from "./HelpOverlay";
import { JudgmentForm } from "./JudgmentForm";
import { isTyping, judgmentKey, keyName, workspaceCommand, type WorkspaceCommand, type WorkspaceKeyContext } from "./keymap";
import { Markdown } from "@/app/_components/Markdown";
import { ProgressLine, Timer } from "./Progress";
import { Prompt } from "@/app/_components/Prompt";
import { canUndo, failedSaves, isSaving } from "./queue";
import { SkipDialog, skipKey } from "./SkipDialog";
import { StreamFilter } from "./StreamFilter";
import { useQueue } from "./useQueue";

// The word diff (and its library) loads the first time it is opened, not with the page.
const DiffView = lazy(() => import("./DiffView").then((m) => ({ default: m.DiffView })));

/** Enter on a judgment control submits; on any other button it presses the button. */
const JUDGMENT_CONTROLS = ".ws-choices, .ws-ratings, .ws-flags, .ws-ranking";

export function Workspace({
  slug,
  name,
  guidelines,
  quota,
  qualification: loadedQualification,
  judgedBefore = 0,
  skills,
}: {
  slug: string;
  name: string;
  guidelines: string;
  quota: number | null;
  /** The annotator's qualification as the page loaded it; null when the project asks for none. */
  qualification: QualificationView | null;
  /** Judgments the annotator recorded in the project before this page loaded (the end screen's count). */
  judgedBefore?: number;
  /** The annotator's skills, offered for narrowing their stream. */
  skills: string[];
}) {
  const queue = useQueue(slug, skills);
  const { state, setDraft } = queue;
  const [help, setHelp] = useState(false);
  const [skipping, setSkipping] = useState(false);
  /** The response the flag dialog's digits flag; null while the dialog is closed. */
  const [flagging, setFlagging] = useState<string | null>(null);
  /** The assignment whose word diff is open. */
  const [diffFor, setDiffFor] = useState<number | null>(null);
  const [guidelinesOpen, setGuidelinesOpen] = useState(false);

  const shown = state.status === "showing" ? state.shown : null;
  const claimed = shown?.claimed ?? null;
  const slotCount = claimed?.item.candidates.length ?? 0;
  const diff = claimed !== null && diffFor === claimed.assignment.id;
  const historyUrl = `/annotate/${encodeURIComponent(slug)}/history`;
  const keys: WorkspaceKeyContext = { hasItem: !!claimed, slotCount, hasFlags: !!claimed?.schema.flags.length, hasGuidelines: !!guidelines, help, feedback: !!state.feedback };
  const judgmentKeys = shown ? { schema: shown.claimed.schema, slotCount, draft: shown.draft } : null;

  const skip = (reason?: string) => {
    setSkipping(false);
    queue.skip(reason);
  };
  const toggleDiff = () => setDiffFor((d) => (claimed && d !== claimed.assignment.id ? claimed.assignment.id : null));

  const commands: Record<WorkspaceCommand, () => void> = {
    help: () => setHelp((h) => !h),
    close: () => {
      setHelp(false);
      setSkipping(false);
      setFlagging(null);
    },
    history: () => window.location.assign(historyUrl),
    guidelines: () => setGuidelinesOpen((o) => !o),
    submit: queue.submit,
    skip: () => setSkipping(true),
    flag: () => setFlagging("A"),
    undo: queue.undo,
    diff: toggleDiff,
    continue: queue.continueAfterFeedback,
  };

  useEffect(() => {
    function onKey(e: KeyboardEvent) {
      if (e.ctrlKey || e.metaKey || e.altKey) return;
      const key = keyName(e);
      // The gold answer of a check item stays up until the annotator continues (Enter or Escape).
      if (state.feedback) {
        if (workspaceCommand(key, keys) === "continue") {
          e.preventDefault();
          commands.continue();
        }
        return;
      }
      if (workspaceCommand(key, keys) === "close") return commands.close();
      if (isTyping(e.target)) return;
      if (skipping) {
        const picked = skipKey(key, e.target);
        if (picked) {
          e.preventDefault();
          skip(picked.reason);
        }
        return;
      }
      if (flagging) {
        e.preventDefault();
        return setFlagging(shown ? flagKey(key, flagging, shown.claimed.schema, slotCount, setDraft) : null);
      }
      const el = e.target as HTMLElement;
      if (key === "Enter" && el.tagName === "BUTTON" && !el.closest(JUDGMENT_CONTROLS)) return;
      if (!help && judgmentKeys && judgmentKey(e, judgmentKeys, setDraft)) return;
      const command = workspaceCommand(key, keys);
      if (!command) return;
      e.preventDefault();
      commands[command]();
    }
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  });

  const failed = failedSaves(state);
  const saving = isSaving(state);
  const undoable = canUndo(state);
  const qualification = state.qualification ?? loadedQualification;

  return (
    <div className="ws">
      <div className="ws-head">
        <h1>{name}</h1>
        {claimed && <ProgressLine claimed={claimed} judged={state.judged} quota={quota} />}
        {shown && <Timer key={shown.claimed.assignment.id} since={shown.shownAt} before={shown.spentBefore} />}
        {qualification && <QualificationBadge qualification={qualification} />}
        <a className="button" href={historyUrl} data-testid="history-link">
          History <kbd>H</kbd>
        </a>
        <button type="button" className="keys-only" onClick={() => setHelp(true)} aria-label="Keyboard shortcuts" data-testid="help">
          ? Shortcuts
        </button>
      </div>
      {skills.length > 0 && <StreamFilter slug={slug} skills={skills} />}
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
            <button type="button" onClick={() => queue.retry(f.assignmentId)} data-testid="retry">
              Retry
            </button>
          ) : (
            <button type="button" onClick={() => queue.dismiss(f.assignmentId)}>
              Dismiss
            </button>
          )}
        </div>
      ))}
      {state.notice && (
        <p className="muted" role="status" data-testid="notice">
          {state.notice}
        </p>
      )}

      {state.status === "loading" && <p className="loading" aria-live="polite">Loading the next item…</p>}
      {state.status === "error" && <p className="error" role="alert">{state.error}</p>}
      {state.status === "done" && (
        <div className="panel" data-testid="done">
          <h2>All done here, thank you!</h2>
          <p data-testid="done-count">
            You judged {Math.max(state.judged, judgedBefore).toLocaleString("en")} item(s) in {name}, and nothing is left for you: every other item has all the
            judgments it needs, or you have already seen it.
          </p>
          <p>
            <a href={historyUrl}>Review or revise your judgments</a>
            {undoable && (
              <>
                {" "}· <button type="button" onClick={queue.undo}>Undo the last one <kbd>U</kbd></button>
              </>
            )}
          </p>
        </div>
      )}

      {shown && claimed && (
        <div className="ws-item" data-testid="assignment" data-assignment={claimed.assignment.id} data-type={claimed.schema.type}>
          <Prompt prompt={claimed.item.prompt} />
          {diff && slotCount >= 2 && (
            <Suspense fallback={<p className="muted">Loading the differences…</p>}>
              <DiffView candidates={claimed.item.candidates} onClose={() => setDiffFor(null)} />
            </Suspense>
          )}
          <JudgmentForm schema={claimed.schema} candidates={claimed.item.candidates} draft={shown.draft} setDraft={setDraft} onSubmitKey={queue.submit} />
          <div className="ws-actions" role="group" aria-label="Actions">
            <button type="button" className="primary" disabled={saving} aria-busy={saving} onClick={queue.submit} data-testid="submit">
              {saving ? "Saving…" : "Submit"} <kbd>Enter</kbd>
            </button>
            <button type="button" onClick={() => setSkipping(true)} disabled={saving} data-testid="skip">
              Skip <kbd>S</kbd>
            </button>
            <button type="button" onClick={queue.undo} disabled={!undoable} data-testid="undo">
              Undo last <kbd>U</kbd>
            </button>
            {slotCount >= 2 && (
              <button type="button" onClick={toggleDiff} aria-pressed={diff} data-testid="diff-toggle">
                Diff <kbd>D</kbd>
              </button>
            )}
            {state.formError && (
              <span className="error" role="alert" data-testid="save-error">
                {state.formError}
              </span>
            )}
          </div>
        </div>
      )}

      {skipping && <SkipDialog onSkip={skip} onClose={() => setSkipping(false)} />}

      {flagging && shown && (
        <FlagDialog
          schema={shown.claimed.schema}
          slotCount={slotCount}
          slot={flagging}
          flags={shown.draft.flags}
          onPick={setFlagging}
          setDraft={setDraft}
          onClose={() => setFlagging(null)}
        />
      )}

      {state.feedback && <GoldFeedbackDialog feedback={state.feedback.feedback} onContinue={queue.continueAfterFeedback} />}

      {help && <HelpOverlay judgment={judgmentKeys} workspace={keys} onClose={() => setHelp(false)} />}
    </div>
  );
}
