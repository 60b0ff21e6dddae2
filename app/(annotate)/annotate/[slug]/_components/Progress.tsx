"use client";
// The workspace header's progress line (the annotator's count against a quota, the project's
// completion) and the timer of the item on screen.
import { useEffect, useState } from "react";
import type { Claim } from "@/lib/services/assignment";

export function ProgressLine({ claimed, judged, quota }: { claimed: Claim; judged: number; quota: number | null }) {
  const { items, complete_items } = claimed.progress;
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
export function Timer({ since, before }: { since: number; before: number }) {
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
