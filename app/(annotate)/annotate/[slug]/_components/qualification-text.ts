// The annotator's qualification in a few words: the workspace header, the gold feedback and the
// project list (a server component) all say it the same way. Plain code, usable on either side.
import type { QualificationView } from "@/lib/services/qualification";

const pct = (x: number) => `${Math.round(x * 100)}%`;

/** The annotator's qualification in a few words, for the header and the feedback. */
export function qualificationText(q: QualificationView): string {
  if (q.status === "passed") return `Qualified (${q.correct} of ${q.judged} check items right)`;
  if (q.status === "failed") return `Qualification not passed (${q.correct} of ${q.judged} right, ${pct(q.accuracy_required)} needed)`;
  return `Qualification: ${q.judged} of ${q.required} check items judged, ${q.correct} right (${pct(q.accuracy_required)} needed to pass)`;
}
