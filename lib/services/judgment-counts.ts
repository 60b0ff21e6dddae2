// A judgment's counts, kept in step with the judgments themselves: its item's (items.judgment_count,
// which claiming relies on) and its annotator's in the project (annotator_totals, which a claim reads
// for quota and progress). On PostgreSQL RECORD_JUDGMENT counts a new judgment in the same statement
// (data-modifying CTEs, db/queries/judgments.ts); every other count and uncount goes through here.
import { type Statements } from "@/db/engine";
import { COUNT_ANNOTATOR_JUDGMENT, COUNT_JUDGMENT } from "@/db/queries/assignment";
import { DELETE_JUDGMENT, UNCOUNT_ANNOTATOR_JUDGMENT, UNCOUNT_JUDGMENT } from "@/db/queries/judgments";

/** Counts a judgment recorded on an assignment, on its item and on its annotator. */
export async function countJudgment(tx: Statements, assignmentId: number, itemId: number): Promise<void> {
  await tx.exec(COUNT_JUDGMENT, [itemId]);
  await tx.exec(COUNT_ANNOTATOR_JUDGMENT, [assignmentId]);
}

/** Deletes a judgment (an undo, a qualification attempt reset) and uncounts it on its item and its annotator. */
export async function withdrawJudgment(tx: Statements, j: { id: number; itemId: number; projectId: number; userId: number }): Promise<void> {
  await tx.exec(DELETE_JUDGMENT, [j.id]);
  await tx.exec(UNCOUNT_JUDGMENT, [j.itemId]);
  await tx.exec(UNCOUNT_ANNOTATOR_JUDGMENT, [j.projectId, j.userId]);
}
