"use client";
// The workspace queue's side effects: sends the requests the reducer (queue.ts) asks for, dispatches
// their answers, runs its two timers (the quiet retry, the pause after a lost lease), and keeps the
// draft on screen in localStorage per assignment so it survives a reload.
import { useCallback, useEffect, useReducer, useRef, type Dispatch, type SetStateAction } from "react";
import type { Claim } from "@/lib/services/assignment";
import type { GoldFeedback } from "@/lib/services/qualification";
import { post, type RequestError } from "./api";
import { emptyDraft, type Draft } from "./draft";
import { initialQueue, queueReducer, type Entry, type QueueState } from "./queue";
import { chosenSkills } from "./StreamFilter";

const draftKey = (assignmentId: number) => `arbiter:draft:${assignmentId}`;

/** A claimed assignment as an entry, with the draft, client_id and time saved for it before a reload, if any. */
function entryOf(claimed: Claim): Entry {
  let saved: { draft: Draft; clientId: string; spent: number } | null = null;
  try {
    const raw = localStorage.getItem(draftKey(claimed.assignment.id));
    saved = raw ? JSON.parse(raw) : null;
  } catch {
    saved = null;
  }
  return {
    claimed,
    draft: saved?.draft ?? emptyDraft(claimed.item.candidates.length),
    clientId: saved?.clientId ?? crypto.randomUUID(),
    spentBefore: saved?.spent ?? 0,
  };
}

function dropDraft(assignmentId: number) {
  try {
    localStorage.removeItem(draftKey(assignmentId));
  } catch {
    // Storage disabled: nothing was kept.
  }
}

export interface Queue {
  state: QueueState;
  setDraft: Dispatch<SetStateAction<Draft>>;
  submit: () => void;
  skip: (reason?: string) => void;
  undo: () => void;
  retry: (assignmentId: number) => void;
  dismiss: (assignmentId: number) => void;
  /** Closes the gold feedback and goes on. */
  continueAfterFeedback: () => void;
}

/** `skills`: the caller's skills; the ones they narrowed their stream to go with every claim. */
export function useQueue(slug: string, skills: readonly string[] = []): Queue {
  const [state, dispatch] = useReducer(queueReducer, undefined, initialQueue);
  // Each wanted request is sent once, even when an effect runs twice for the same state.
  const sent = useRef(new WeakSet<object>());
  const once = (request: object) => !sent.current.has(request) && !!sent.current.add(request);
  const tasksUrl = `/api/v1/projects/${encodeURIComponent(slug)}/assignments/next`;

  const { claim, saves, skip, undo, moveOn, shown } = state;

  useEffect(() => {
    if (!claim || claim.sent || !once(claim)) return;
    dispatch({ type: "claimSent", id: claim.id });
    const narrowed = skills.length ? chosenSkills(slug, skills) : [];
    post(tasksUrl, { ...(claim.exclude.length ? { exclude: claim.exclude } : {}), ...(narrowed.length ? { skills: narrowed } : {}) })
      .then(async (res) => (res.status === 204 ? null : ((await res.json()) as Claim)))
      .then(
        (claimed) => dispatch({ type: "claimed", id: claim.id, entry: claimed && entryOf(claimed), now: performance.now() }),
        (e: Error) => dispatch({ type: "claimFailed", id: claim.id, message: e.message }),
      );
  }, [claim, tasksUrl, slug, skills]);

  useEffect(() => {
    for (const save of saves) {
      if (!once(save)) continue;
      const { assignmentId } = save;
      if (save.status === "waiting") {
        setTimeout(() => dispatch({ type: "retry", assignmentId }), 1000);
      } else if (save.status === "queued") {
        dispatch({ type: "saveSent", assignmentId });
        post("/api/v1/judgments", { ...save.body, assignment_id: assignmentId }).then(
          async (res) => {
            dropDraft(assignmentId);
            // After a check item the answer comes back with the judgment (only once it is recorded).
            const body = (await res.json().catch(() => null)) as { feedback?: GoldFeedback } | null;
            dispatch({ type: "saved", assignmentId, now: performance.now(), feedback: body?.feedback });
          },
          (e: RequestError) => dispatch({ type: "saveFailed", assignmentId, status: e.status ?? 0, message: e.message, now: performance.now() }),
        );
      }
    }
  }, [saves]);

  useEffect(() => {
    if (!skip || skip.sent || !once(skip)) return;
    dispatch({ type: "skipSent" });
    post(`/api/v1/assignments/${skip.assignmentId}/skip`, skip.reason ? { reason: skip.reason } : {}).then(
      () => {
        dropDraft(skip.assignmentId);
        dispatch({ type: "skipped", now: performance.now() });
      },
      (e: Error) => dispatch({ type: "skipFailed", message: e.message }),
    );
  }, [skip]);

  useEffect(() => {
    if (undo?.status !== "ready" || !once(undo)) return;
    dispatch({ type: "undoSent" });
    post(`/api/v1/assignments/${undo.assignmentId}/undo`, {}).then(
      () => dispatch({ type: "undone", now: performance.now() }),
      (e: Error) => dispatch({ type: "undoFailed", message: e.message }),
    );
  }, [undo]);

  useEffect(() => {
    if (!moveOn) return;
    const timer = setTimeout(() => dispatch({ type: "moveOn", now: performance.now() }), 2000);
    return () => clearTimeout(timer);
  }, [moveOn]);

  // Drafts survive a reload: saved on every change, dropped once the judgment is stored.
  useEffect(() => {
    if (!shown) return;
    try {
      localStorage.setItem(
        draftKey(shown.claimed.assignment.id),
        JSON.stringify({ draft: shown.draft, clientId: shown.clientId, spent: shown.spentBefore + (performance.now() - shown.shownAt) }),
      );
    } catch {
      // Storage full or disabled: the draft lives only in memory.
    }
  }, [shown]);

  const setDraft = useCallback((update: SetStateAction<Draft>) => dispatch({ type: "edit", update: typeof update === "function" ? update : () => update }), []);
  const submit = useCallback(() => dispatch({ type: "submit", now: performance.now() }), []);
  const skipItem = useCallback((reason?: string) => dispatch({ type: "skip", reason }), []);
  const undoLast = useCallback(() => dispatch({ type: "undo", now: performance.now() }), []);
  const retry = useCallback((assignmentId: number) => dispatch({ type: "retry", assignmentId }), []);
  const dismiss = useCallback((assignmentId: number) => dispatch({ type: "dismiss", assignmentId }), []);
  const continueAfterFeedback = useCallback(() => dispatch({ type: "feedbackSeen" }), []);
  return { state, setDraft, submit, skip: skipItem, undo: undoLast, retry, dismiss, continueAfterFeedback };
}
