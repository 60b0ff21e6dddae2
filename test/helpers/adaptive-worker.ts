// One annotator of the adaptive-overlap test in its own process and connection: claims and judges
// until nothing is left, giving a verdict fixed by the item and the annotator so the test knows which
// items agree. Items made by pairRecord(i): i % 3 == 0 → everyone says A (the first response);
// otherwise the verdict is A, B or tie by the annotator's number (args: db file, user id, email,
// project slug, annotator number).
import { openDatabase } from "@/db/client";
import { claimNext } from "@/lib/services/assignment";
import { submitJudgment } from "@/lib/services/judgments";
import type { RoleName } from "@/db/schema/constants";

export type WorkerVerdict = "A" | "B" | "tie";

/** The verdict annotator `k` gives item `i` (the test reads the same function). */
export function verdictFor(i: number, k: number): WorkerVerdict {
  if (i % 3 === 0) return "A";
  return (["A", "B", "tie"] as const)[k % 3];
}

export async function run([file, userId, email, slug, number]: string[]) {
  const db = openDatabase(file);
  const ctx = { db, caller: { userId: Number(userId), email, role: "annotator" as RoleName } };
  let judged = 0;
  const retry = async <T>(fn: () => T | Promise<T>): Promise<T> => {
    for (;;) {
      try {
        return await fn();
      } catch (e) {
        if ((e as { code?: string }).code !== "SQLITE_BUSY") throw e;
      }
    }
  };
  // Nothing for me is final once nobody else holds a live lease (a judgment on it may open a seat).
  const othersLeasing = db.$client.prepare(
    `select exists(select 1 from assignments a join projects p on p.id = a.project_id
       where p.slug = ? and a.status = 'leased' and a.expires_at > ? and a.user_id <> ?) as busy`,
  );
  for (;;) {
    const claimed = await retry(() => claimNext({ ctx, input: { slug } }));
    if (!claimed) {
      if (!((await retry(() => othersLeasing.get(slug, Date.now(), Number(userId)))) as { busy: number }).busy) break;
      await new Promise((r) => setTimeout(r, 10));
      continue;
    }
    const prompt = claimed.item.prompt as string;
    const i = Number(/Question number (\d+)/.exec(prompt)![1]);
    const verdict = verdictFor(i, Number(number));
    // Verdict A is the slot showing the item's first response.
    const slotOf = (prefix: string) => claimed.item.candidates.find((c) => c.content.startsWith(prefix))!.slot as "A" | "B";
    const choice = verdict === "tie" ? "tie" : slotOf(verdict === "A" ? "First" : "Second");
    await retry(() => submitJudgment({ ctx, input: { assignment_id: claimed.assignment.id, choice } }));
    judged++;
  }
  db.$client.close();
  return { judged };
}
