// Hands out work: leases the next item an annotator may judge, exactly, under concurrent callers.
// Capacity is counted as submitted judgments plus unexpired leases, so an item never collects more
// judgments than its overlap; expired leases are ignored at claim time, no background job needed.
import { and, asc, eq, gt, sql } from "drizzle-orm";
import { randomInt } from "node:crypto";
import { assignments, candidates, items, judgments, projects } from "@/db/schema";
import type { Prompt } from "@/lib/formats/record";
import { audit } from "./audit";
import { nowOf, requireCaller, requireScope, type Ctx, countRows } from "./context";
import { conflict, notFound } from "./errors";
import { getProject, type Project } from "./projects";

export const SLOT_LABELS = ["A", "B", "C", "D", "E", "F", "G", "H"] as const;

export interface Task {
  assignment: { id: number; expires_at: string };
  item: { id: number; prompt: Prompt; candidates: { slot: string; content: string }[] };
  progress: TaskProgress;
}

export interface TaskProgress {
  /** Judgments this annotator has recorded in the project. */
  judged: number;
  /** Items in the project and how many have all the judgments they need. */
  items: number;
  complete_items: number;
}

type Tx = Parameters<Parameters<Ctx["db"]["transaction"]>[0]>[0];

function shuffled<T>(values: T[]): T[] {
  const out = values.slice();
  for (let i = out.length - 1; i > 0; i--) {
    const j = randomInt(i + 1);
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

/** Leases the next item for the caller, or returns the lease they already hold; null when nothing is left. */
export function claimNext({ ctx, input }: { ctx: Ctx; input: { slug: string } }): Task | null {
  const caller = requireCaller(ctx);
  requireScope(ctx, "task:work");
  const project = getProject({ ctx, input });
  const now = nowOf(ctx);

  const assignmentId = ctx.db.transaction(
    (tx) => {
      const held = tx
        .select({ id: assignments.id })
        .from(assignments)
        .where(
          and(
            eq(assignments.projectId, project.id),
            eq(assignments.userId, caller.userId),
            eq(assignments.status, "leased"),
            gt(assignments.expiresAt, now),
          ),
        )
        .orderBy(asc(assignments.leasedAt))
        .get();
      if (held) return held.id;

      const next = tx.get<{ id: number } | undefined>(sql`
        select i.id from items i
        where i.project_id = ${project.id}
          and i.judgment_count < ${project.overlap}
          and not exists (
            select 1 from assignments a
            where a.item_id = i.id and a.user_id = ${caller.userId}
              and (a.status <> 'leased' or a.expires_at > ${now}))
          and not exists (
            select 1 from judgments j where j.item_id = i.id and j.user_id = ${caller.userId})
          and i.judgment_count + (
            select count(*) from assignments l
            where l.item_id = i.id and l.status = 'leased' and l.expires_at > ${now}
              and l.user_id <> ${caller.userId}) < ${project.overlap}
        order by i.judgment_count desc, i.id asc
        limit 1`);
      if (!next) return null;

      const candidateIds = tx
        .select({ id: candidates.id })
        .from(candidates)
        .where(eq(candidates.itemId, next.id))
        .orderBy(asc(candidates.position))
        .all()
        .map((c) => c.id);
      const expiresAt = now + project.leaseMinutes * 60_000;
      // A row exists only when this annotator's earlier lease on the item expired: renew it.
      const row = tx
        .insert(assignments)
        .values({
          projectId: project.id,
          itemId: next.id,
          userId: caller.userId,
          status: "leased",
          slotOrder: shuffled(candidateIds),
          leasedAt: now,
          expiresAt,
        })
        .onConflictDoUpdate({
          target: [assignments.itemId, assignments.userId],
          set: { status: "leased", leasedAt: now, expiresAt, closedAt: null },
        })
        .returning({ id: assignments.id })
        .get();
      return row.id;
    },
    { behavior: "immediate" },
  );
  if (assignmentId == null) return null;
  return loadTask(ctx, project, assignmentId);
}

function loadTask(ctx: Ctx, project: Project, assignmentId: number): Task {
  const a = ctx.db.select().from(assignments).where(eq(assignments.id, assignmentId)).get()!;
  const item = ctx.db.select({ id: items.id, prompt: items.prompt }).from(items).where(eq(items.id, a.itemId)).get()!;
  const byId = new Map(
    ctx.db
      .select({ id: candidates.id, content: candidates.content })
      .from(candidates)
      .where(eq(candidates.itemId, a.itemId))
      .all()
      .map((c) => [c.id, c.content]),
  );
  return {
    assignment: { id: a.id, expires_at: new Date(a.expiresAt).toISOString() },
    item: {
      id: item.id,
      prompt: item.prompt as Prompt,
      // Model names never leave the server for annotators: only slot and content.
      candidates: a.slotOrder.map((cid, i) => ({ slot: SLOT_LABELS[i], content: byId.get(cid) ?? "" })),
    },
    progress: taskProgress(ctx, project, a.userId),
  };
}

export function taskProgress(ctx: Ctx, project: Pick<Project, "id" | "overlap">, userId: number): TaskProgress {
  const row = ctx.db
    .select({
      items: sql<number>`count(*)`,
      complete: sql<number>`coalesce(sum(case when ${items.judgmentCount} >= ${project.overlap} then 1 else 0 end), 0)`,
    })
    .from(items)
    .where(eq(items.projectId, project.id))
    .get()!;
  const judged = countRows(ctx.db, judgments, and(eq(judgments.projectId, project.id), eq(judgments.userId, userId)));
  return { judged, items: row.items, complete_items: Number(row.complete) };
}

/** Loads an assignment that belongs to the caller; anyone else's is reported as not found. */
export function ownAssignment(tx: Pick<Tx, "select">, userId: number, id: number) {
  const a = tx.select().from(assignments).where(eq(assignments.id, id)).get();
  if (!a || a.userId !== userId) throw notFound(`Assignment ${id}`);
  return a;
}

/** Seats still free on an item for a caller, counting judgments and other people's live leases. */
export function freeSeats(tx: Pick<Tx, "get">, itemId: number, overlap: number, userId: number, now: number): number {
  const row = tx.get<{ used: number }>(sql`
    select (select judgment_count from items where id = ${itemId}) +
           (select count(*) from assignments where item_id = ${itemId} and status = 'leased'
              and expires_at > ${now} and user_id <> ${userId}) as used`);
  return overlap - row.used;
}

export function skipAssignment({ ctx, input }: { ctx: Ctx; input: { id: number; reason?: string } }): { skipped: true } {
  const caller = requireCaller(ctx);
  requireScope(ctx, "task:work");
  const now = nowOf(ctx);
  ctx.db.transaction(
    (tx) => {
      const a = ownAssignment(tx, caller.userId, input.id);
      if (a.status === "skipped") return;
      if (a.status === "submitted") throw conflict("This item was already judged; it cannot be skipped.");
      tx.update(assignments)
        .set({ status: "skipped", skipReason: input.reason?.slice(0, 500) ?? null, closedAt: now })
        .where(eq(assignments.id, a.id))
        .run();
      audit(tx, ctx, { action: "assignment.skip", targetType: "item", targetId: a.itemId, detail: { reason: input.reason ?? null } });
    },
    { behavior: "immediate" },
  );
  return { skipped: true };
}

export function projectOfAssignment(tx: Pick<Tx, "select">, projectId: number): Project {
  return tx.select().from(projects).where(eq(projects.id, projectId)).get()!;
}
