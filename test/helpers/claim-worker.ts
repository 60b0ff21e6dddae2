// One annotator in its own process and connection, for the claim suite's exactness tests on either
// engine. Args: database (SQLite file or postgres:// URL), user id, email, project slug, mode:
//   hold   leases items without judging them, holding every lease (the workspace shows at most six:
//          the claim excludes the five it holds besides), until nothing more is served;
//   judge  judges each item it is served (the judgment row and the lease's close in one write
//          transaction, as the judgment service records one) until nothing is left for anyone.
import { openDatabase } from "@/db/client";
import { at, bool, defineQuery, jsonText, num } from "@/db/engine";
import type { RoleName } from "@/db/schema/constants";
import { claimNext, closeLease, leaseToJudge } from "@/lib/services/assignment";

const INSERT_JUDGMENT = defineQuery(
  "test.claimWorker.insertJudgment",
  `insert into judgments (project_id, item_id, user_id, assignment_id, type, choice, slot_order, gold, created_at)
   values (?, ?, ?, ?, 'pairwise', 'tie', ?, ?, ?) returning id`,
  (r) => num(r.id),
);

// Whether anyone else holds a live lease in the project (params: slug, now, user id).
const OTHERS_LEASING = defineQuery(
  "test.claimWorker.othersLeasing",
  `select exists(select 1 from assignments a join projects p on p.id = a.project_id
     where p.slug = ? and a.status = 'leased' and a.expires_at > ? and a.user_id <> ?) as busy`,
  (r) => bool(r.busy),
);

/** Runs `fn` again while SQLite's write lock stays taken past the busy timeout. */
async function retry<T>(fn: () => Promise<T>): Promise<T> {
  for (;;) {
    try {
      return await fn();
    } catch (e) {
      if ((e as { code?: string }).code !== "SQLITE_BUSY") throw e;
    }
  }
}

export async function run([target, userId, email, slug, mode]: string[]) {
  const db = openDatabase(target);
  const caller = { userId: Number(userId), email, role: "annotator" as RoleName };
  const ctx = { db, caller };
  const held: number[] = [];
  let judged = 0;
  for (;;) {
    const claimed = await retry(() => claimNext({ ctx, input: { slug, exclude: mode === "hold" ? held.slice(-5) : [] } }));
    if (mode === "hold") {
      // Nothing more, or a held lease comes back (six held): done.
      if (!claimed || held.includes(claimed.assignment.id)) break;
      held.push(claimed.assignment.id);
      continue;
    }
    if (!claimed) {
      // Others' leases still count against seats; "nothing for me" is final once nobody holds one.
      if (!(await retry(() => db.first(OTHERS_LEASING, [slug, at(Date.now()), caller.userId])))) break;
      await new Promise((r) => setTimeout(r, 10));
      continue;
    }
    await retry(() =>
      db.write(async (tx) => {
        const { assignment: a, gold } = await leaseToJudge(tx, caller.userId, claimed.assignment.id);
        await tx.first(INSERT_JUDGMENT, [a.projectId, a.itemId, a.userId, a.id, jsonText(a.slotOrder), gold, at(Date.now())]);
        await closeLease(tx, a.id, a.itemId, Date.now());
      }),
    );
    judged++;
  }
  await db.close();
  return { leased: held.length, judged };
}
