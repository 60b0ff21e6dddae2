// One browser tab of an annotator in its own process and connection, for the qualification's
// concurrency test: claims (holding up to two leases, as the workspace's prefetch does) and judges
// until a claim answers nothing or is refused. Several run at once for the same annotator.
// Args: db file, user id, email, project slug, choice to give.
import { openDatabase } from "@/db/client";
import type { RoleName } from "@/db/schema/constants";
import { claimNext } from "@/lib/services/assignment";
import { AppError } from "@/lib/services/errors";
import { submitJudgment } from "@/lib/services/judgments";

export async function run([file, userId, email, slug, choice]: string[]) {
  const db = openDatabase(file);
  const ctx = { db, caller: { userId: Number(userId), email, role: "annotator" as RoleName } };
  const retry = async <T>(fn: () => T | Promise<T>): Promise<T> => {
    for (;;) {
      try {
        return await fn();
      } catch (e) {
        if ((e as { code?: string }).code !== "SQLITE_BUSY") throw e;
      }
    }
  };
  let judged = 0;
  let refused: string | null = null;
  let idle = 0;
  const shown: number[] = [];
  while (idle < 20) {
    let claimed;
    try {
      // The tab shows one item and prefetches the next.
      claimed = await retry(() => claimNext({ ctx, input: { slug, exclude: shown.slice(-1) } }));
    } catch (e) {
      if (e instanceof AppError && (e.details as { reason?: string } | undefined)?.reason) {
        refused = (e.details as { reason: string }).reason;
        break;
      }
      throw e;
    }
    if (!claimed) {
      idle++;
      await new Promise((r) => setTimeout(r, 10));
      continue;
    }
    idle = 0;
    shown.push(claimed.assignment.id);
    try {
      await retry(() => submitJudgment({ ctx, input: { assignment_id: claimed.assignment.id, choice: choice as "A" } }));
      judged++;
    } catch (e) {
      // Another tab judged the same lease first.
      if (!(e instanceof AppError && e.code === "conflict")) throw e;
    }
  }
  db.$client.close();
  return { judged, refused };
}
