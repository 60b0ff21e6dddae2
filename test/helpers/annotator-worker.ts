// One annotator in its own process and connection: claims and judges until nothing is left.
// Args: db file, user id, email, project slug, skip every Nth item (0: never), and optionally the
// skills (comma-separated) the annotator narrows their stream to.
import { openDatabase } from "@/db/client";
import { claimNext, skipAssignment } from "@/lib/services/assignment";
import { submitJudgment } from "@/lib/services/judgments";
import type { RoleName } from "@/db/schema/constants";

export async function run([file, userId, email, slug, skipEvery, narrowTo]: string[]) {
  const db = openDatabase(file);
  const ctx = { db, caller: { userId: Number(userId), email, role: "annotator" as RoleName } };
  const every = Number(skipEvery || 0);
  const skills = narrowTo ? narrowTo.split(",") : undefined;
  let judged = 0;
  let skipped = 0;
  let busyRetries = 0;
  const retry = async <T>(fn: () => T | Promise<T>): Promise<T> => {
    for (;;) {
      try {
        return await fn();
      } catch (e) {
        if ((e as { code?: string }).code !== "SQLITE_BUSY") throw e;
        busyRetries++;
      }
    }
  };
  // Leases other annotators hold still count against an item's seats; one they skip frees its seat
  // again. So "nothing for me" is final only once nobody holds a live lease in the project: until
  // then the annotator comes back a moment later, as a person with the workspace open would.
  const othersLeasing = db.$client.prepare(
    `select exists(select 1 from assignments a join projects p on p.id = a.project_id
       where p.slug = ? and a.status = 'leased' and a.expires_at > ? and a.user_id <> ?) as busy`,
  );
  for (let n = 0; ; ) {
    const claimed = await retry(() => claimNext({ ctx, input: { slug, skills } }));
    if (!claimed) {
      if (!((await retry(() => othersLeasing.get(slug, Date.now(), Number(userId)))) as { busy: number }).busy) break;
      await new Promise((r) => setTimeout(r, 20));
      continue;
    }
    n++;
    const choice = (["A", "B", "tie"] as const)[n % 3];
    if (every && n % every === 0) {
      await retry(() => skipAssignment({ ctx, input: { id: claimed.assignment.id, reason: "test" } }));
      skipped++;
      continue;
    }
    await retry(() => submitJudgment({ ctx, input: { assignment_id: claimed.assignment.id, choice, client_id: `${userId}-${claimed.assignment.id}` } }));
    judged++;
  }
  db.$client.close();
  return { judged, skipped, busyRetries };
}
