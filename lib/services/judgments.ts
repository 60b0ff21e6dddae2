// Records judgments: one per (item, annotator), idempotent on the client's id, within the lease or
// into a seat that is still free when the lease has run out.
import { and, eq, sql } from "drizzle-orm";
import { z } from "zod";
import { assignments, CHOICES, items, judgments } from "@/db/schema";
import { audit } from "./audit";
import { freeSeats, ownAssignment, projectOfAssignment } from "./assignment";
import { nowOf, requireCaller, requireScope, type Ctx } from "./context";
import { conflict, parseInput } from "./errors";

export const judgmentInput = z.object({
  assignmentId: z.coerce.number().int().positive(),
  choice: z.enum(CHOICES, { message: `must be one of ${CHOICES.join(", ")}` }),
  rationale: z.string().max(20_000).optional(),
  duration_ms: z.number().int().min(0).max(7 * 24 * 3600 * 1000).optional(),
  client_id: z.string().min(1).max(200).optional(),
});
export type JudgmentInput = z.input<typeof judgmentInput>;

export interface JudgmentView {
  id: number;
  assignment_id: number | null;
  item_id: number;
  choice: (typeof CHOICES)[number] | null;
  rationale: string | null;
  duration_ms: number | null;
  client_id: string | null;
  created_at: string;
}

function view(j: typeof judgments.$inferSelect): JudgmentView {
  return {
    id: j.id,
    assignment_id: j.assignmentId,
    item_id: j.itemId,
    choice: j.choice,
    rationale: j.rationale,
    duration_ms: j.durationMs,
    client_id: j.clientId,
    created_at: new Date(j.createdAt).toISOString(),
  };
}

/** Stores a judgment; `created` is false when the same client_id was already recorded (a retry). */
export function submitJudgment({ ctx, input }: { ctx: Ctx; input: JudgmentInput }): { judgment: JudgmentView; created: boolean } {
  const caller = requireCaller(ctx);
  requireScope(ctx, "task:work");
  const data = parseInput(judgmentInput, input);
  const now = nowOf(ctx);
  return ctx.db.transaction(
    (tx) => {
      if (data.client_id) {
        const earlier = tx
          .select()
          .from(judgments)
          .where(and(eq(judgments.userId, caller.userId), eq(judgments.clientId, data.client_id)))
          .get();
        if (earlier) {
          if (earlier.assignmentId !== data.assignmentId) {
            throw conflict(`client_id "${data.client_id}" was already used for another assignment.`);
          }
          return { judgment: view(earlier), created: false };
        }
      }
      const a = ownAssignment(tx, caller.userId, data.assignmentId);
      if (a.status === "submitted") throw conflict("This assignment already has a judgment.");
      if (a.status === "skipped") throw conflict("This assignment was skipped.");
      const project = projectOfAssignment(tx, a.projectId);
      if (a.expiresAt <= now && freeSeats(tx, a.itemId, project.overlap, caller.userId, now) <= 0) {
        throw conflict("Your lease on this item expired and its place was taken by another annotator.");
      }
      const slot = data.choice === "A" ? 0 : data.choice === "B" ? 1 : -1;
      const row = tx
        .insert(judgments)
        .values({
          projectId: a.projectId,
          itemId: a.itemId,
          userId: caller.userId,
          assignmentId: a.id,
          choice: data.choice,
          winnerCandidateId: slot >= 0 ? a.slotOrder[slot] : null,
          slotOrder: a.slotOrder,
          rationale: data.rationale?.trim() || null,
          durationMs: data.duration_ms ?? null,
          clientId: data.client_id ?? null,
          source: "app",
          createdAt: now,
        })
        .returning()
        .get();
      tx.update(assignments).set({ status: "submitted", closedAt: now }).where(eq(assignments.id, a.id)).run();
      tx.update(items).set({ judgmentCount: sql`${items.judgmentCount} + 1` }).where(eq(items.id, a.itemId)).run();
      audit(tx, ctx, { action: "judgment.create", targetType: "judgment", targetId: row.id, detail: { item: a.itemId } });
      return { judgment: view(row), created: true };
    },
    { behavior: "immediate" },
  );
}
