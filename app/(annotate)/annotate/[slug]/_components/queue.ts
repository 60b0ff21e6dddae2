// The workspace's queue as a pure reducer: the item on screen, the items leased ahead of it, the
// judgments being saved behind it (optimistic submits, with one quiet retry and then a banner), skip
// and undo. Requests are state too: the reducer says which claim, save, skip or undo is wanted, the
// hook (useQueue.ts) sends it and dispatches the answer. Every answer is checked against what the
// queue holds now, so a late one cannot bring back an item that is judged, on screen or being saved.
import type { Claim } from "@/lib/services/assignment";
import type { GoldFeedback, QualificationView } from "@/lib/services/qualification";
import { checkDraft, type Draft } from "./draft";

/** An item ready to show: its claimed assignment and the draft to show it with (restored, or empty). */
export interface Entry {
  claimed: Claim;
  draft: Draft;
  /** Sent with the judgment; a retry reuses it, so the server never records the judgment twice. */
  clientId: string;
  /** Time already spent on this item before it was shown this time (saved draft, undo). */
  spentBefore: number;
}

export interface Shown extends Entry {
  shownAt: number;
}

/** A submitted judgment until the server acknowledges it. */
export interface Save {
  assignmentId: number;
  body: Record<string, unknown>;
  /** The item as submitted: undo brings it back from here. */
  entry: Entry;
  /** In the foreground the item stays on screen until the save lands; else the next one shows at once. */
  foreground: boolean;
  attempt: number;
  /** queued → sending → done, or → waiting (one quiet retry after a network blip) → queued, or → failed. */
  status: "queued" | "sending" | "waiting" | "failed";
  message?: string;
  retryable?: boolean;
}

/** A `POST …/assignments/next`: to show its answer (nothing on screen), or to lease the item after the one on screen. */
export interface ClaimRequest {
  id: number;
  purpose: "show" | "ahead";
  exclude: number[];
  sent: boolean;
}

export interface QueueState {
  status: "loading" | "showing" | "done" | "error";
  shown: Shown | null;
  /** Items leased to us, shown next in this order (the prefetched item; the one undo pushed back). */
  ahead: Entry[];
  claim: ClaimRequest | null;
  /** The item on screen the last claim for an item ahead was made for: one prefetch per item shown. */
  prefetchedFor: number | null;
  saves: Save[];
  skip: { assignmentId: number; reason?: string; sent: boolean } | null;
  /** The last submitted judgment, while undo may take it back. */
  last: Entry | null;
  /** An undo waits until the last judgment's save has landed, then is sent. */
  undo: { assignmentId: number; status: "waiting" | "ready" | "sent" } | null;
  /** Assignments judged or skipped on this page: never shown again, whatever a late answer says. */
  settled: number[];
  judged: number;
  error: string | null;
  formError: string | null;
  notice: string | null;
  /** A foreground save found the lease gone: the next item comes after a moment to read why. */
  moveOn: boolean;
  nextClaimId: number;
  /**
   * The gold answer of a check item just saved (during a qualification, or in training mode), shown
   * until the annotator continues; nothing is submitted meanwhile. `entry` is the item it was for.
   */
  feedback: { assignmentId: number; feedback: GoldFeedback; entry: Entry } | null;
  /** The annotator's qualification as the last feedback reported it (null: as the page loaded it). */
  qualification: QualificationView | null;
}

export type QueueAction =
  | { type: "claimSent"; id: number }
  | { type: "claimed"; id: number; entry: Entry | null; now: number }
  | { type: "claimFailed"; id: number; message: string }
  | { type: "edit"; update: (d: Draft) => Draft }
  | { type: "submit"; now: number }
  | { type: "saveSent"; assignmentId: number }
  | { type: "saved"; assignmentId: number; now: number; feedback?: GoldFeedback }
  | { type: "feedbackSeen" }
  | { type: "saveFailed"; assignmentId: number; status: number; message: string; now: number }
  | { type: "retry"; assignmentId: number }
  | { type: "dismiss"; assignmentId: number }
  | { type: "skip"; reason?: string }
  | { type: "skipSent" }
  | { type: "skipped"; now: number }
  | { type: "skipFailed"; message: string }
  | { type: "undo"; now: number }
  | { type: "undoSent" }
  | { type: "undone"; now: number }
  | { type: "undoFailed"; message: string }
  | { type: "moveOn"; now: number };

/** The server takes at most this many assignments to exclude. */
export const MAX_EXCLUDE = 5;

export const NOTHING_TO_UNDO = "Nothing to undo here; earlier judgments can be revised from your history (H).";
export const UNDONE = "Undone: your last judgment is back for editing.";

export function initialQueue(): QueueState {
  return {
    status: "loading",
    shown: null,
    ahead: [],
    claim: { id: 1, purpose: "show", exclude: [], sent: false },
    prefetchedFor: null,
    saves: [],
    skip: null,
    last: null,
    undo: null,
    settled: [],
    judged: 0,
    error: null,
    formError: null,
    notice: null,
    moveOn: false,
    nextClaimId: 2,
    feedback: null,
    qualification: null,
  };
}

const idOf = (e: Entry) => e.claimed.assignment.id;

/** Assignments the client holds one way or another: a claim must not hand any of them back. */
function held(s: QueueState): number[] {
  const ids = [
    ...(s.shown ? [idOf(s.shown)] : []),
    ...s.ahead.map(idOf),
    ...s.saves.map((x) => x.assignmentId),
    ...(s.skip ? [s.skip.assignmentId] : []),
    ...(s.undo ? [s.undo.assignmentId] : []),
  ];
  return [...new Set(ids)];
}

/** Whether a claimed item is new to the queue (a late answer may name one it already has or settled). */
function isNew(s: QueueState, entry: Entry): boolean {
  const id = idOf(entry);
  return !held(s).includes(id) && !s.settled.includes(id);
}

/** Whether the client can undo now: a last judgment, and no undo under way. */
export function canUndo(s: QueueState): boolean {
  return s.last !== null && s.undo === null;
}

/** Whether a submit waits on screen for its save. */
export function isSaving(s: QueueState): boolean {
  return s.saves.some((x) => x.foreground && x.status !== "failed");
}

/** The saves the annotator must see: background saves that failed after their quiet retry. */
export function failedSaves(s: QueueState): Save[] {
  return s.saves.filter((x) => !x.foreground && x.status === "failed");
}

function wantClaim(s: QueueState, purpose: ClaimRequest["purpose"]): QueueState {
  if (s.claim) return purpose === "show" ? { ...s, claim: { ...s.claim, purpose: "show" } } : s;
  return { ...s, claim: { id: s.nextClaimId, purpose, exclude: held(s).slice(0, MAX_EXCLUDE), sent: false }, nextClaimId: s.nextClaimId + 1 };
}

function show(s: QueueState, entry: Entry, now: number): QueueState {
  return { ...s, status: "showing", shown: { ...entry, shownAt: now }, formError: null, error: null };
}

/** The next item: the first one ahead, else a claim whose answer shows (a prefetch under way becomes it). */
function showNext(s: QueueState, now: number): QueueState {
  const [next, ...rest] = s.ahead;
  if (next) return show({ ...s, ahead: rest }, next, now);
  return wantClaim({ ...s, status: "loading", shown: null, formError: null }, "show");
}

/** The item on screen as an entry again, its draft and time kept. */
function entryOfShown(shown: Shown, now: number): Entry {
  return { claimed: shown.claimed, draft: shown.draft, clientId: shown.clientId, spentBefore: shown.spentBefore + (now - shown.shownAt) };
}

/** After every step: lease the item after the one on screen, once per item shown, when nothing is ahead. */
function prefetch(s: QueueState): QueueState {
  if (s.status !== "showing" || !s.shown || s.ahead.length || s.claim) return s;
  const on = idOf(s.shown);
  if (s.prefetchedFor === on || held(s).length > MAX_EXCLUDE) return s;
  return wantClaim({ ...s, prefetchedFor: on }, "ahead");
}

export function queueReducer(state: QueueState, action: QueueAction): QueueState {
  return prefetch(step(state, action));
}

function step(s: QueueState, a: QueueAction): QueueState {
  switch (a.type) {
    case "claimSent":
      return s.claim?.id === a.id ? { ...s, claim: { ...s.claim, sent: true } } : s;

    case "claimed": {
      const judged = a.entry ? Math.max(s.judged, a.entry.claimed.progress.judged) : s.judged;
      const entry = a.entry && isNew(s, a.entry) ? a.entry : null;
      const mine = s.claim?.id === a.id ? s.claim : null;
      const base = { ...s, judged, claim: mine ? null : s.claim };
      // Waiting for an item: show this one (whichever claim brought it), or, when the claim meant to
      // show has nothing new, the next one ahead or the end.
      if (base.status === "loading") {
        if (entry) return show(base, entry, a.now);
        if (mine?.purpose === "show") return base.ahead.length ? showNext(base, a.now) : { ...base, status: "done" };
        return base;
      }
      // Otherwise it is leased to us all the same: keep it for later.
      return entry ? { ...base, ahead: [...base.ahead, entry] } : base;
    }

    case "claimFailed": {
      if (s.claim?.id !== a.id) return s;
      const base = { ...s, claim: null };
      if (s.claim.purpose === "show" && s.status === "loading") return { ...base, status: "error", error: a.message };
      return base; // a failed prefetch only means the next submit waits for its save
    }

    case "edit":
      return s.shown ? { ...s, formError: null, shown: { ...s.shown, draft: a.update(s.shown.draft) } } : s;

    case "submit": {
      const shown = s.shown;
      // One step at a time: not while a save holds the item on screen, a skip or an undo is under way.
      if (!shown || s.status !== "showing" || isSaving(s) || s.skip || s.undo || s.feedback) return s;
      const check = checkDraft(shown.claimed.schema, shown.draft, shown.claimed.item.candidates.length);
      if (!check.ok) return { ...s, formError: check.error };
      const body = { ...check.payload, duration_ms: Math.round(shown.spentBefore + a.now - shown.shownAt), client_id: shown.clientId };
      const entry = entryOfShown(shown, a.now);
      const foreground = s.ahead.length === 0;
      const save: Save = { assignmentId: idOf(shown), body, entry, foreground, attempt: 0, status: "queued" };
      const base: QueueState = { ...s, saves: [...s.saves.filter((x) => x.assignmentId !== save.assignmentId), save], last: entry, undo: null, notice: null, formError: null };
      // Optimistic when the next item is leased already: it shows now, the judgment is saved behind it.
      return foreground ? base : showNext(base, a.now);
    }

    case "saveSent":
      return mapSave(s, a.assignmentId, (x) => (x.status === "queued" ? { ...x, status: "sending" } : x));

    case "saved": {
      const save = s.saves.find((x) => x.assignmentId === a.assignmentId);
      if (!save) return s;
      const base: QueueState = {
        ...s,
        saves: s.saves.filter((x) => x !== save),
        settled: [...s.settled, a.assignmentId],
        judged: s.judged + 1,
        undo: s.undo?.assignmentId === a.assignmentId && s.undo.status === "waiting" ? { ...s.undo, status: "ready" } : s.undo,
      };
      if (a.feedback) {
        // A check item's answer was shown: its judgment can no longer be undone.
        base.feedback = { assignmentId: a.assignmentId, feedback: a.feedback, entry: save.entry };
        base.qualification = a.feedback.qualification ?? s.qualification;
        if (s.last && idOf(s.last) === a.assignmentId) base.last = null;
        if (base.undo?.assignmentId === a.assignmentId) base.undo = null;
      }
      return save.foreground && s.shown && idOf(s.shown) === a.assignmentId ? showNext(base, a.now) : base;
    }

    case "saveFailed": {
      const save = s.saves.find((x) => x.assignmentId === a.assignmentId);
      if (!save) return s;
      const retryable = a.status === 0 || a.status >= 500;
      if (save.foreground) {
        // The item is still on screen with its client_id: Enter sends it again.
        const message =
          a.status === 0
            ? "Could not reach the server; your judgment was not saved. Press Enter to retry."
            : `Not saved: ${a.message}${a.status === 409 ? "" : " Press Enter to retry."}`;
        const gone = a.status === 409 || a.status === 404;
        return { ...s, saves: s.saves.filter((x) => x !== save), last: null, undo: null, formError: message, moveOn: gone };
      }
      // One quiet retry for a network blip; after that the annotator sees it and decides.
      if (retryable && save.attempt === 0) return mapSave(s, a.assignmentId, (x) => ({ ...x, status: "waiting", attempt: 1 }));
      const failed = mapSave(s, a.assignmentId, (x) => ({ ...x, status: "failed", message: a.message, retryable }));
      // An undo was waiting for this save: nothing was stored, so the judgment simply comes back.
      return s.undo?.assignmentId === a.assignmentId ? bringBack({ ...failed, saves: failed.saves.filter((x) => x.assignmentId !== a.assignmentId) }, save.entry, a.now) : failed;
    }

    case "retry":
      return mapSave(s, a.assignmentId, (x) => (x.status === "waiting" || (x.status === "failed" && x.retryable) ? { ...x, status: "queued", attempt: 1 } : x));

    case "feedbackSeen":
      return s.feedback ? { ...s, feedback: null } : s;

    case "dismiss":
      return { ...s, saves: s.saves.filter((x) => !(x.assignmentId === a.assignmentId && x.status === "failed")) };

    case "skip":
      if (!s.shown || s.status !== "showing" || s.skip || s.undo || isSaving(s)) return s;
      return { ...s, skip: { assignmentId: idOf(s.shown), reason: a.reason, sent: false } };

    case "skipSent":
      return s.skip ? { ...s, skip: { ...s.skip, sent: true } } : s;

    case "skipped": {
      if (!s.skip) return s;
      const id = s.skip.assignmentId;
      const base = { ...s, skip: null, settled: [...s.settled, id] };
      return s.shown && idOf(s.shown) === id ? showNext(base, a.now) : base;
    }

    case "skipFailed":
      return { ...s, skip: null, formError: `Could not skip: ${a.message}` };

    case "undo": {
      if (s.undo) return s;
      const last = s.last;
      if (!last) return { ...s, notice: NOTHING_TO_UNDO };
      const save = s.saves.find((x) => x.assignmentId === idOf(last));
      // Never saved (its save failed for good): nothing to take back on the server.
      if (save?.status === "failed") return bringBack({ ...s, saves: s.saves.filter((x) => x !== save) }, last, a.now);
      // Still being saved: the undo goes out once the save has landed, never before.
      return { ...s, notice: null, undo: { assignmentId: idOf(last), status: save ? "waiting" : "ready" } };
    }

    case "undoSent":
      return s.undo?.status === "ready" ? { ...s, undo: { ...s.undo, status: "sent" } } : s;

    case "undone": {
      if (!s.undo || !s.last || s.undo.assignmentId !== idOf(s.last)) return { ...s, undo: null };
      const id = s.undo.assignmentId;
      return bringBack({ ...s, settled: s.settled.filter((x) => x !== id), judged: Math.max(0, s.judged - 1) }, s.last, a.now);
    }

    case "undoFailed":
      return { ...s, undo: null, notice: `Could not undo: ${a.message}` };

    case "moveOn":
      if (!s.moveOn) return s;
      return s.shown && s.status === "showing" && !isSaving(s) ? showNext({ ...s, moveOn: false }, a.now) : { ...s, moveOn: false };
  }
}

/** Shows the last judgment again for editing; the item on screen goes back to the front of the queue. */
function bringBack(s: QueueState, last: Entry, now: number): QueueState {
  const ahead = s.shown ? [entryOfShown(s.shown, now), ...s.ahead] : s.ahead;
  return { ...show({ ...s, ahead }, last, now), last: null, undo: null, notice: UNDONE };
}

function mapSave(s: QueueState, assignmentId: number, f: (x: Save) => Save): QueueState {
  return { ...s, saves: s.saves.map((x) => (x.assignmentId === assignmentId ? f(x) : x)) };
}
