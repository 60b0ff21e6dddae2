// annotator_totals (each annotator's judgments in each project, which a claim reads for quota and
// progress) against the judgments themselves: the suites that record, undo, import or reset
// judgments check that the kept counts never drift from a count of the rows.
import { expect } from "vitest";
import { defineQuery, num, type Engine } from "@/db/engine";

interface Total {
  projectId: number;
  userId: number;
  judged: number;
}

const total = (r: Record<string, unknown>): Total => ({ projectId: num(r.project_id), userId: num(r.user_id), judged: num(r.judged) });

const KEPT = defineQuery("test.totals.kept", "select project_id, user_id, judged from annotator_totals where judged <> 0 order by project_id, user_id", total);
const COUNTED = defineQuery(
  "test.totals.counted",
  "select project_id, user_id, count(*) as judged from judgments group by project_id, user_id order by project_id, user_id",
  total,
);

/** Fails unless every annotator's kept count equals their judgments, in every project. */
export async function expectTotalsInStep(db: Pick<Engine, "many">): Promise<void> {
  const counted = await db.many(COUNTED);
  expect(await db.many(KEPT)).toEqual(counted);
}
