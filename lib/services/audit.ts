// Writes audit rows inside the caller's transaction, so an action and its record commit together.
import type { Db } from "@/db/client";
import { prepared } from "./statements";
import { nowOf, type Ctx } from "./context";

type Tx = Pick<Db, "insert">;

export function audit(
  tx: Tx,
  ctx: Ctx,
  entry: { action: string; targetType: string; targetId?: string | number | null; projectId?: number | null; detail?: Record<string, unknown> },
): void {
  const values = {
    actorId: ctx.caller?.userId ?? null,
    action: entry.action,
    targetType: entry.targetType,
    targetId: entry.targetId == null ? null : String(entry.targetId),
    // An action on a project concerns that project; others name theirs when they know it.
    projectId: entry.projectId ?? (entry.targetType === "project" && entry.targetId != null ? Number(entry.targetId) : null),
    detail: entry.detail ?? null,
    createdAt: nowOf(ctx),
  };
  // Busy paths (skips, revisions, undos) write an audit row: a statement prepared once per connection,
  // on the transaction's own connection, costs a fraction of building the insert through drizzle.
  prepared(tx, "insert into audit_log (actor_id, action, target_type, target_id, project_id, detail, created_at) values (?, ?, ?, ?, ?, ?, ?)").run(values.actorId, values.action, values.targetType, values.targetId, values.projectId, values.detail == null ? null : JSON.stringify(values.detail), values.createdAt);
}
