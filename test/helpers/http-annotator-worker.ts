// One annotator as an HTTP client of two Arbiter instances (test/http/instances.pg.test.ts): claims
// and judges over the API with an API token until nothing is left, starting on its home instance.
// When a request gets no answer (the instance was killed, the connection reset or refused), it sends
// the same request to the other instance: a claim comes back as the lease already held, a judgment
// with the SAME client_id comes back as the judgment already recorded. Every acknowledged judgment is
// appended to the ack file as one JSON line and fsynced before the next request, so the test reads
// what the client was told even if it looks while the worker runs.
// Every `resendEvery`-th judgment is delivered twice on purpose (a client that never saw the first
// answer): the second delivery, to the other instance while it lives, must answer 200 with the same
// judgment.
// Args: ack file, API token, project slug, home URL, other URL, resend every Nth judgment (0: never).
import { randomUUID } from "node:crypto";
import fs from "node:fs";

/** One line of the ack file: what the client was told about one delivery of a judgment. */
export interface Ack {
  client_id: string;
  judgment_id: number;
  assignment_id: number;
  item_id: number;
  /** 201 (recorded now) or 200 (a retry: the judgment recorded by an earlier delivery). */
  status: number;
  /** The base URL of the instance that answered. */
  instance: string;
  /** The first delivery answered; a delivery re-sent after one went unanswered; or a deliberate second delivery. */
  delivery: "first" | "after_no_answer" | "again";
}

export interface WorkerSummary {
  judged: number;
  /** Requests that got no answer and were sent again to the other instance. */
  failovers: number;
  /** Judgments delivered twice on purpose. */
  resent: number;
  /** Judgments re-sent after no answer that the server had already recorded (200), and those it had not (201). */
  recoveredRecorded: number;
  recoveredNew: number;
}

/** The other side went away: refused, reset or closed before answering (undici reports these as TypeError "fetch failed"). */
function isNoAnswer(e: unknown): boolean {
  return e instanceof TypeError || (e as { name?: string }).name === "AbortError" || (e as { name?: string }).name === "TimeoutError";
}

export async function run([ackFile, token, slug, homeUrl, otherUrl, resendEveryArg]: string[]): Promise<WorkerSummary> {
  const bases = [homeUrl, otherUrl];
  const resendEvery = Number(resendEveryArg || 0);
  let current = 0;
  const summary: WorkerSummary = { judged: 0, failovers: 0, resent: 0, recoveredRecorded: 0, recoveredNew: 0 };
  const fd = fs.openSync(ackFile, "a");

  /**
   * Sends one request and reads its whole answer, switching instance while it gets none (an answer
   * cut off mid-body counts as none); `unanswered` says whether any attempt went unanswered.
   */
  async function send(path: string, body: unknown, target?: number): Promise<{ status: number; text: string; via: number; unanswered: boolean }> {
    let via = target ?? current;
    let unanswered = false;
    for (let attempt = 0; ; attempt++) {
      try {
        const res = await fetch(bases[via] + path, {
          method: "POST",
          headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
          body: JSON.stringify(body),
          // A killed instance refuses or resets at once; this only bounds a request to a live but stuck one.
          signal: AbortSignal.timeout(30_000),
        });
        return { status: res.status, text: await res.text(), via, unanswered };
      } catch (e) {
        if (!isNoAnswer(e) || attempt >= 40) throw new Error(`POST ${bases[via]}${path}: no answer after ${attempt + 1} attempt(s): ${String((e as Error).cause ?? e)}`);
        unanswered = true;
        summary.failovers++;
        via = 1 - via;
        if (target === undefined) current = via;
        // Both unanswered in turn (should not happen: one instance lives): back off a little.
        if (attempt % 2 === 1) await new Promise((r) => setTimeout(r, 100));
      }
    }
  }

  function failure(what: string, answer: { status: number; text: string }): Error {
    return new Error(`${what}: ${answer.status} ${answer.text}`);
  }

  function record(ack: Ack) {
    fs.writeSync(fd, JSON.stringify(ack) + "\n");
    fs.fsyncSync(fd);
  }

  // With no skips, "nothing for me" is final: every seat still held by someone else's lease is
  // judged by its holder (who gets it back from either instance if its claim's answer was lost).
  for (let n = 1; ; n++) {
    const claimed = await send(`/api/v1/projects/${slug}/assignments/next`, {});
    if (claimed.status === 204) break;
    if (claimed.status !== 200) throw failure("claim", claimed);
    const claim = JSON.parse(claimed.text) as { assignment: { id: number }; item: { id: number } };
    const clientId = randomUUID();
    const body = { assignment_id: claim.assignment.id, choice: (["A", "B", "tie"] as const)[n % 3], client_id: clientId };

    const first = await send("/api/v1/judgments", body);
    // Without an earlier unanswered attempt the judgment is new; after one, the server may have
    // recorded it before dying (200, the same judgment) or not (201).
    const expected = first.unanswered ? [200, 201] : [201];
    if (!expected.includes(first.status)) throw failure(`judgment ${clientId} on assignment ${claim.assignment.id}${first.unanswered ? " (re-sent after no answer)" : ""}`, first);
    const { judgment } = JSON.parse(first.text) as { judgment: { id: number; item_id: number; client_id: string } };
    if (judgment.client_id !== clientId || judgment.item_id !== claim.item.id) throw new Error(`judgment ${clientId}: answered ${JSON.stringify(judgment)}`);
    if (first.unanswered) summary[first.status === 200 ? "recoveredRecorded" : "recoveredNew"]++;
    record({ client_id: clientId, judgment_id: judgment.id, assignment_id: claim.assignment.id, item_id: judgment.item_id, status: first.status, instance: bases[first.via], delivery: first.unanswered ? "after_no_answer" : "first" });
    summary.judged++;

    if (resendEvery && n % resendEvery === 0) {
      // The same delivery again, to the instance that did not answer (it falls back to this one once the other is gone).
      const again = await send("/api/v1/judgments", body, 1 - first.via);
      if (again.status !== 200) throw failure(`judgment ${clientId} delivered again`, again);
      const repeat = (JSON.parse(again.text) as { judgment: { id: number } }).judgment;
      if (repeat.id !== judgment.id) throw new Error(`judgment ${clientId} delivered again came back as judgment ${repeat.id}, not ${judgment.id}`);
      record({ client_id: clientId, judgment_id: repeat.id, assignment_id: claim.assignment.id, item_id: judgment.item_id, status: 200, instance: bases[again.via], delivery: "again" });
      summary.resent++;
    }
  }
  fs.closeSync(fd);
  return summary;
}
