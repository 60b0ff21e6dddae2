"use client";
// A word-level diff between two responses, for near-duplicates: words only in the first are struck
// through, words only in the second underlined. Text only, never HTML.
import { useMemo, useState } from "react";
import { wordDiff } from "@/lib/formats/word-diff";
import type { Candidate } from "./JudgmentForm";

export function DiffView({ candidates, onClose }: { candidates: Candidate[]; onClose: () => void }) {
  const [left, setLeft] = useState(candidates[0].slot);
  const [right, setRight] = useState(candidates[1].slot);
  const parts = useMemo(() => {
    const a = candidates.find((c) => c.slot === left)?.content ?? "";
    const b = candidates.find((c) => c.slot === right)?.content ?? "";
    return wordDiff(a, b);
  }, [candidates, left, right]);
  const changed = parts.filter((p) => p.kind !== "same").length;
  return (
    <section className="panel ws-diff" aria-label="Differences between two responses" data-testid="diff">
      <div className="row">
        <strong>Differences</strong>
        {candidates.length > 2 && (
          <>
            <select aria-label="First response" value={left} onChange={(e) => setLeft(e.target.value)}>
              {candidates.map((c) => <option key={c.slot}>{c.slot}</option>)}
            </select>
            <span>→</span>
            <select aria-label="Second response" value={right} onChange={(e) => setRight(e.target.value)}>
              {candidates.map((c) => <option key={c.slot}>{c.slot}</option>)}
            </select>
          </>
        )}
        <span className="muted">
          <del>only in {left}</del> · <ins>only in {right}</ins> · {changed === 0 ? "identical" : `${changed} change(s)`}
        </span>
        <button type="button" onClick={onClose}>Close <kbd>D</kbd></button>
      </div>
      <div className="diff-body">
        {parts.map((p, i) => (p.kind === "same" ? <span key={i}>{p.text}</span> : p.kind === "removed" ? <del key={i}>{p.text}</del> : <ins key={i}>{p.text}</ins>))}
      </div>
    </section>
  );
}
