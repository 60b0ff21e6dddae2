// The workspace queue reducer, transition by transition: claim, prefetch, optimistic and waiting
// submits, acknowledgements, failures and retries, skip, undo, the end of the work, a lost lease,
// and the interleavings of late answers that once made a submit show the item just judged.
import { describe, expect, it } from "vitest";
import { projectJudgmentSchema } from "@/lib/formats/judgment";
import type { Claim } from "@/lib/services/assignment";
import { emptyDraft } from "../../../app/(annotate)/annotate/[slug]/_components/draft";
import {
  canUndo,
  failedSaves,
  initialQueue,
  isSaving,
  NOTHING_TO_UNDO,
  queueReducer,
  UNDONE,
  type Entry,
  type QueueAction,
  type QueueState,
} from "../../../app/(annotate)/annotate/[slug]/_components/queue";

const schema = projectJudgmentSchema.parse({});

function claimed(id: number, judged = 0): Claim {
  return {
    assignment: { id, expires_at: "2030-01-01T00:00:00Z" },
    item: { id: 100 + id, prompt: `prompt ${id}`, candidates: [{ slot: "A", content: `a${id}` }, { slot: "B", content: `b${id}` }] } as Claim["item"],
    progress: { judged, items: 10, complete_items: 0 },
    schema,
  };
}

const entry = (id: number, judged = 0): Entry => ({ claimed: claimed(id, judged), draft: emptyDraft(2), clientId: `client-${id}`, spentBefore: 0 });

function run(state: QueueState, ...actions: QueueAction[]): QueueState {
  return actions.reduce(queueReducer, state);
}

const shownId = (s: QueueState) => s.shown?.claimed.assignment.id ?? null;
const aheadIds = (s: QueueState) => s.ahead.map((e) => e.claimed.assignment.id);
const pick = (choice: "A" | "B"): QueueAction => ({ type: "edit", update: (d) => ({ ...d, choice }) });

/** Sends the wanted claim and answers it. */
function answer(s: QueueState, e: Entry | null, now = 0): QueueState {
  const id = s.claim!.id;
  return run(s, { type: "claimSent", id }, { type: "claimed", id, entry: e, now });
}

/** Item 1 on screen, item 2 leased ahead of it. */
function twoLeased(): QueueState {
  return answer(answer(initialQueue(), entry(1)), entry(2));
}

describe("claiming", () => {
  it("starts by wanting an item to show, and shows what the claim brings", () => {
    let s = initialQueue();
    expect(s).toMatchObject({ status: "loading", claim: { purpose: "show", exclude: [], sent: false } });
    s = run(s, { type: "claimSent", id: s.claim!.id });
    expect(s.claim!.sent).toBe(true);
    s = run(s, { type: "claimed", id: 1, entry: entry(1, 4), now: 50 });
    expect(s).toMatchObject({ status: "showing", judged: 4, shown: { shownAt: 50, clientId: "client-1" } });
  });

  it("prefetches the next item once the first is on screen, excluding it", () => {
    const s = answer(initialQueue(), entry(1));
    expect(s.claim).toMatchObject({ purpose: "ahead", exclude: [1], sent: false });
    expect(s.prefetchedFor).toBe(1);
  });

  it("keeps a prefetched item ahead and asks for no more while it waits", () => {
    const s = twoLeased();
    expect(shownId(s)).toBe(1);
    expect(aheadIds(s)).toEqual([2]);
    expect(s.claim).toBeNull();
  });

  it("asks once per item shown when the prefetch finds nothing", () => {
    const s = answer(answer(initialQueue(), entry(1)), null);
    expect(s.claim).toBeNull();
    expect(run(s, pick("A")).claim).toBeNull();
  });

  it("says nothing is left when the first claim finds nothing", () => {
    expect(answer(initialQueue(), null)).toMatchObject({ status: "done", shown: null });
  });

  it("shows the error when the claim to show fails, and ignores a failed prefetch", () => {
    const failedFirst = run(initialQueue(), { type: "claimSent", id: 1 }, { type: "claimFailed", id: 1, message: "quota reached" });
    expect(failedFirst).toMatchObject({ status: "error", error: "quota reached" });
    let s = answer(initialQueue(), entry(1));
    s = run(s, { type: "claimSent", id: s.claim!.id }, { type: "claimFailed", id: s.claim!.id, message: "network" });
    expect(s).toMatchObject({ status: "showing", error: null, claim: null });
  });
});

describe("submitting", () => {
  it("refuses an incomplete draft with the field's message", () => {
    const s = run(twoLeased(), { type: "submit", now: 10 });
    expect(s.formError).toBe("Choose a response first: press A or B, T for a tie, or X if both are bad.");
    expect(s.saves).toEqual([]);
    expect(shownId(s)).toBe(1);
  });

  it("is optimistic when the next item is ahead: it shows at once, the judgment is saved behind it", () => {
    const s = run(twoLeased(), pick("A"), { type: "submit", now: 1500 });
    expect(shownId(s)).toBe(2);
    expect(s.saves).toMatchObject([{ assignmentId: 1, foreground: false, status: "queued", body: { choice: "A", client_id: "client-1", duration_ms: 1500 } }]);
    expect(isSaving(s)).toBe(false);
    expect(s.last?.claimed.assignment.id).toBe(1);
    // The next prefetch leaves out the item being saved as well as the one on screen.
    expect(s.claim).toMatchObject({ purpose: "ahead", exclude: [2, 1] });
  });

  it("waits on screen for the save when nothing is ahead, then claims the next item", () => {
    let s = answer(answer(initialQueue(), entry(1)), null);
    s = run(s, pick("B"), { type: "submit", now: 5 });
    expect(shownId(s)).toBe(1);
    expect(isSaving(s)).toBe(true);
    expect(run(s, pick("A"), { type: "submit", now: 6 }).saves).toHaveLength(1); // a second Enter does not send twice
    s = run(s, { type: "saveSent", assignmentId: 1 }, { type: "saved", assignmentId: 1, now: 9 });
    expect(s).toMatchObject({ status: "loading", shown: null, judged: 1, settled: [1], claim: { purpose: "show" } });
    expect(answer(s, entry(3))).toMatchObject({ status: "showing", shown: { claimed: { assignment: { id: 3 } } } });
  });

  it("turns a prefetch under way into the claim to show when a waiting submit lands first", () => {
    let s = answer(initialQueue(), entry(1));
    const prefetch = s.claim!.id;
    s = run(s, { type: "claimSent", id: prefetch }, pick("A"), { type: "submit", now: 1 });
    s = run(s, { type: "saveSent", assignmentId: 1 }, { type: "saved", assignmentId: 1, now: 2 });
    expect(s.claim).toMatchObject({ id: prefetch, purpose: "show" });
    s = run(s, { type: "claimed", id: prefetch, entry: entry(2), now: 3 });
    expect(shownId(s)).toBe(2);
  });

  it("acknowledges a background save: counted, settled, undo possible", () => {
    let s = run(twoLeased(), pick("A"), { type: "submit", now: 1 });
    expect(canUndo(s)).toBe(true);
    s = run(s, { type: "saveSent", assignmentId: 1 }, { type: "saved", assignmentId: 1, now: 2 });
    expect(s).toMatchObject({ saves: [], settled: [1], judged: 1 });
    expect(shownId(s)).toBe(2);
  });

  it("retries a background save quietly once, then shows it failed with a retry that reuses the body", () => {
    let s = run(twoLeased(), pick("A"), { type: "submit", now: 1 }, { type: "saveSent", assignmentId: 1 });
    s = run(s, { type: "saveFailed", assignmentId: 1, status: 0, message: "Could not reach the server.", now: 2 });
    expect(s.saves[0]).toMatchObject({ status: "waiting", attempt: 1 });
    expect(failedSaves(s)).toEqual([]);
    s = run(s, { type: "retry", assignmentId: 1 });
    expect(s.saves[0].status).toBe("queued");
    s = run(s, { type: "saveSent", assignmentId: 1 }, { type: "saveFailed", assignmentId: 1, status: 503, message: "busy", now: 3 });
    expect(failedSaves(s)).toMatchObject([{ assignmentId: 1, message: "busy", retryable: true, body: { client_id: "client-1" } }]);
    s = run(s, { type: "retry", assignmentId: 1 });
    expect(s.saves[0]).toMatchObject({ status: "queued", body: { client_id: "client-1" } });
    s = run(s, { type: "saveSent", assignmentId: 1 }, { type: "saved", assignmentId: 1, now: 4 });
    expect(s).toMatchObject({ saves: [], judged: 1 });
  });

  it("shows a refused background save at once, to dismiss", () => {
    let s = run(twoLeased(), pick("A"), { type: "submit", now: 1 }, { type: "saveSent", assignmentId: 1 });
    s = run(s, { type: "saveFailed", assignmentId: 1, status: 409, message: "The lease has expired.", now: 2 });
    expect(failedSaves(s)).toMatchObject([{ retryable: false }]);
    expect(run(s, { type: "retry", assignmentId: 1 }).saves[0].status).toBe("failed");
    expect(run(s, { type: "dismiss", assignmentId: 1 }).saves).toEqual([]);
  });

  it("keeps a failed waiting save on screen: Enter retries with the same client_id", () => {
    let s = answer(answer(initialQueue(), entry(1)), null);
    s = run(s, pick("A"), { type: "submit", now: 1 }, { type: "saveSent", assignmentId: 1 });
    s = run(s, { type: "saveFailed", assignmentId: 1, status: 0, message: "Could not reach the server.", now: 2 });
    expect(s).toMatchObject({ formError: "Could not reach the server; your judgment was not saved. Press Enter to retry.", saves: [], moveOn: false });
    expect(shownId(s)).toBe(1);
    s = run(s, { type: "submit", now: 3 });
    expect(s.saves[0].body.client_id).toBe("client-1");
  });

  it("moves on after a moment when the lease expired under a waiting save", () => {
    let s = answer(answer(initialQueue(), entry(1)), null);
    s = run(s, pick("A"), { type: "submit", now: 1 }, { type: "saveSent", assignmentId: 1 });
    s = run(s, { type: "saveFailed", assignmentId: 1, status: 409, message: "Your lease on this item has expired.", now: 2 });
    expect(s).toMatchObject({ formError: "Not saved: Your lease on this item has expired.", moveOn: true, last: null });
    s = run(s, { type: "moveOn", now: 2000 });
    expect(s).toMatchObject({ status: "loading", moveOn: false, claim: { purpose: "show" } });
  });
});

describe("skipping", () => {
  it("skips the item on screen and shows the next", () => {
    let s = run(twoLeased(), { type: "skip", reason: "Other" });
    expect(s.skip).toMatchObject({ assignmentId: 1, reason: "Other", sent: false });
    s = run(s, { type: "skipSent" }, { type: "skipped", now: 1 });
    expect(shownId(s)).toBe(2);
    expect(s.settled).toEqual([1]);
  });

  it("stays on the item when the skip fails", () => {
    const s = run(twoLeased(), { type: "skip" }, { type: "skipSent" }, { type: "skipFailed", message: "gone" });
    expect(s).toMatchObject({ skip: null, formError: "Could not skip: gone" });
    expect(shownId(s)).toBe(1);
  });
});

describe("undo", () => {
  it("says there is nothing to undo before the first submit", () => {
    expect(run(twoLeased(), { type: "undo", now: 1 }).notice).toBe(NOTHING_TO_UNDO);
  });

  it("brings the last judgment back with its draft; the item on screen goes ahead", () => {
    let s = run(twoLeased(), pick("A"), { type: "submit", now: 1 }, { type: "saveSent", assignmentId: 1 }, { type: "saved", assignmentId: 1, now: 2 });
    s = run(s, { type: "undo", now: 3 });
    expect(s.undo).toEqual({ assignmentId: 1, status: "ready" });
    expect(canUndo(s)).toBe(false);
    s = run(s, { type: "undoSent" }, { type: "undone", now: 4 });
    expect(shownId(s)).toBe(1);
    expect(s.shown!.draft.choice).toBe("A");
    expect(aheadIds(s)).toEqual([2]);
    expect(s).toMatchObject({ notice: UNDONE, judged: 0, settled: [], last: null, undo: null });
  });

  it("waits for a save not yet acknowledged before sending the undo", () => {
    let s = run(twoLeased(), pick("A"), { type: "submit", now: 1 }, { type: "saveSent", assignmentId: 1 }, { type: "undo", now: 2 });
    expect(s.undo).toEqual({ assignmentId: 1, status: "waiting" });
    expect(run(s, { type: "undoSent" }).undo!.status).toBe("waiting"); // not sent while the save is out
    s = run(s, { type: "saved", assignmentId: 1, now: 3 });
    expect(s.undo).toEqual({ assignmentId: 1, status: "ready" });
  });

  it("takes back locally a judgment whose save failed for good", () => {
    let s = run(twoLeased(), pick("A"), { type: "submit", now: 1 }, { type: "saveSent", assignmentId: 1 }, { type: "undo", now: 2 });
    s = run(s, { type: "saveFailed", assignmentId: 1, status: 409, message: "expired", now: 3 });
    expect(shownId(s)).toBe(1);
    expect(s).toMatchObject({ saves: [], undo: null, notice: UNDONE });
    expect(aheadIds(s)).toEqual([2]);
  });

  it("does not submit or skip while an undo is under way", () => {
    const s = run(twoLeased(), pick("A"), { type: "submit", now: 1 }, pick("B"), { type: "undo", now: 2 });
    expect(run(s, { type: "submit", now: 3 }).saves).toHaveLength(1);
    expect(run(s, { type: "skip" }).skip).toBeNull();
  });

  it("works from the end of the work", () => {
    let s = answer(answer(initialQueue(), entry(1)), null);
    s = run(s, pick("B"), { type: "submit", now: 1 }, { type: "saveSent", assignmentId: 1 }, { type: "saved", assignmentId: 1, now: 2 });
    s = answer(s, null);
    expect(s.status).toBe("done");
    s = run(s, { type: "undo", now: 3 }, { type: "undoSent" }, { type: "undone", now: 4 });
    expect(s).toMatchObject({ status: "showing", ahead: [] });
    expect(s.shown!.draft.choice).toBe("B");
  });

  it("keeps the last judgment when the undo is refused", () => {
    let s = run(twoLeased(), pick("A"), { type: "submit", now: 1 }, { type: "saveSent", assignmentId: 1 }, { type: "saved", assignmentId: 1, now: 2 });
    s = run(s, { type: "undo", now: 3 }, { type: "undoSent" }, { type: "undoFailed", message: "a later judgment exists" });
    expect(s).toMatchObject({ notice: "Could not undo: a later judgment exists", undo: null });
    expect(canUndo(s)).toBe(true);
  });
});

describe("late answers (the flaky 'undoes the last judgment' test)", () => {
  it("never queues the item just submitted when a prefetch hands it back before its save lands", () => {
    // Submit 1 optimistically: 2 shows, 1 is saved behind it, and the prefetch for the item after 2 goes out.
    let s = run(twoLeased(), pick("A"), { type: "submit", now: 1 });
    const prefetch = s.claim!;
    expect(prefetch.exclude).toContain(1);
    // The server still held the lease on 1 when it answered (its save had not landed): that answer is dropped.
    s = run(s, { type: "claimSent", id: prefetch.id }, { type: "claimed", id: prefetch.id, entry: entry(1), now: 2 });
    expect(aheadIds(s)).toEqual([]);
    // The save lands, U takes it back, the changed judgment is submitted: the item after it is 2, not 1 again.
    s = run(s, { type: "saveSent", assignmentId: 1 }, { type: "undo", now: 3 }, { type: "saved", assignmentId: 1, now: 4 });
    s = run(s, { type: "undoSent" }, { type: "undone", now: 5 });
    expect(shownId(s)).toBe(1);
    s = run(s, pick("B"), { type: "submit", now: 6 });
    expect(shownId(s)).toBe(2);
    expect(s.saves).toMatchObject([{ assignmentId: 1, body: { choice: "B" } }]);
  });

  it("keeps a prefetch that lands after an undo behind the item undo pushed back, and drops one naming a known item", () => {
    let s = run(twoLeased(), pick("A"), { type: "submit", now: 1 });
    const prefetch = s.claim!.id;
    s = run(s, { type: "claimSent", id: prefetch }, { type: "saveSent", assignmentId: 1 }, { type: "saved", assignmentId: 1, now: 2 });
    s = run(s, { type: "undo", now: 3 }, { type: "undoSent" }, { type: "undone", now: 4 });
    expect(aheadIds(s)).toEqual([2]);
    expect(run(s, { type: "claimed", id: prefetch, entry: entry(3), now: 5 }).ahead.map((e) => e.claimed.assignment.id)).toEqual([2, 3]);
    for (const known of [1, 2]) {
      expect(aheadIds(run(s, { type: "claimed", id: prefetch, entry: entry(known), now: 5 }))).toEqual([2]);
    }
  });

  it("never shows again an item judged or skipped on this page", () => {
    let s = run(twoLeased(), { type: "skip" }, { type: "skipSent" }, { type: "skipped", now: 1 });
    expect(shownId(s)).toBe(2);
    s = answer(s, entry(1));
    expect(aheadIds(s)).toEqual([]);
  });

  it("shows an item from any claim while waiting for one, and keeps the rest for later", () => {
    let s = answer(answer(initialQueue(), entry(1)), null);
    s = run(s, pick("A"), { type: "submit", now: 1 }, { type: "saveSent", assignmentId: 1 }, { type: "saved", assignmentId: 1, now: 2 });
    const show = s.claim!.id;
    // An older claim's answer arrives first: it is shown; the claim meant to show then lands behind it.
    s = run(s, { type: "claimed", id: show - 1, entry: entry(5), now: 3 });
    expect(shownId(s)).toBe(5);
    s = run(s, { type: "claimSent", id: show }, { type: "claimed", id: show, entry: entry(6), now: 4 });
    expect(shownId(s)).toBe(5);
    expect(aheadIds(s)).toEqual([6]);
  });
});

describe("gold feedback", () => {
  const feedback = { answer: "B" as const, correct: false, explanation: "B cites its source.", qualification: { status: "pending" as const, attempt: 1, judged: 1, correct: 0, required: 2, accuracy_required: 0.5 } };

  it("holds the check item's answer on screen until the annotator continues, with no submit meanwhile and no undo of it", () => {
    let s = run(twoLeased(), pick("A"), { type: "submit", now: 1 });
    s = run(s, { type: "saveSent", assignmentId: 1 }, { type: "saved", assignmentId: 1, now: 2, feedback });
    expect(s.feedback).toMatchObject({ assignmentId: 1, feedback });
    expect(s.qualification).toEqual(feedback.qualification);
    expect(canUndo(s)).toBe(false);
    // Enter while the feedback is up does not submit the item behind it.
    const blocked = run(s, pick("B"), { type: "submit", now: 3 });
    expect(blocked.saves).toEqual([]);
    s = run(s, { type: "feedbackSeen" });
    expect(s.feedback).toBeNull();
    expect(run(s, pick("B"), { type: "submit", now: 4 }).saves).toHaveLength(1);
  });

  it("shows nothing after an ordinary item", () => {
    let s = run(twoLeased(), pick("A"), { type: "submit", now: 1 });
    s = run(s, { type: "saveSent", assignmentId: 1 }, { type: "saved", assignmentId: 1, now: 2 });
    expect(s.feedback).toBeNull();
    expect(canUndo(s)).toBe(true);
  });
});
