// The pairwise project the AI-judge suites judge: items "Question i" with a good and a poor
// response, and two annotators whose verdicts are known, so a suite can say what a judge's agreement
// with them must come to.
import type { PairwiseJudgment, Verdict } from "@/lib/stats";
import { makeProject, type TempDb } from "./db";
import { insertCandidate, insertItem, insertJudgment, insertUser } from "./rows";

/** The good response's position in item i. */
export const goodAt = (i: number) => i % 2;

/** When the annotators judged (item i a minute after item i − 1). */
export const JUDGED_DAY = Date.UTC(2026, 0, 5, 9);

/**
 * Project "pw" (pairwise, overlap 2) with `items` items; on the first `judged` (default: all) u1
 * prefers the good response and u2 too, except a tie on items 2 and 5 (no majority there).
 * `metadata` gives an item's metadata. Returns the human verdicts and the item ids in order.
 */
export async function seedJudgedPairs(
  t: TempDb,
  { items, judged = items, metadata }: { items: number; judged?: number; metadata?: (i: number) => Record<string, string> },
): Promise<{ humans: PairwiseJudgment[]; ids: number[] }> {
  const project = await makeProject(t, { slug: "pw", overlap: 2 });
  const u1 = (await insertUser(t, "annotator", "u1@test.local")).caller.userId;
  const u2 = (await insertUser(t, "annotator", "u2@test.local")).caller.userId;
  const humans: PairwiseJudgment[] = [];
  const ids: number[] = [];
  for (let i = 0; i < items; i++) {
    const itemId = await insertItem(t.db, { projectId: project.id, externalId: `q${i}`, prompt: `Question ${i}`, metadata: metadata?.(i), judgmentCount: i < judged ? 2 : 0 });
    ids.push(itemId);
    const cands: number[] = [];
    for (const position of [0, 1]) cands.push(await insertCandidate(t.db, { itemId, position, content: position === goodAt(i) ? `good answer ${i}` : `poor answer ${i}`, model: `m${position}` }));
    if (i >= judged) continue;
    for (const user of [u1, u2]) {
      const tie = user === u2 && (i === 2 || i === 5);
      const winner = tie ? null : cands[goodAt(i)];
      const choice = tie ? "tie" : goodAt(i) === 0 ? "A" : "B";
      await insertJudgment(t.db, { projectId: project.id, itemId, userId: user, choice, winnerCandidateId: winner, slotOrder: cands, payload: { type: "pairwise", choice, winner }, source: "app", createdAt: JUDGED_DAY + i * 60_000 + user });
      const verdict: Verdict = tie ? "tie" : goodAt(i) === 0 ? "A" : "B";
      humans.push({ item: String(itemId), annotator: String(user), verdict });
    }
  }
  return { humans, ids };
}
