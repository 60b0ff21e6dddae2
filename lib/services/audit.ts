// Writes audit rows inside the caller's transaction, so an action and its record commit together.
import type { Db } from "@/db/client";
import { prepared } from "./statements";
import { nowOf, type Ctx } from "./context";

type Tx = Pick<Db, "insert">;

export function audit(
  tx: Tx,
  ctx: Ctx,
  entry: { action: string; targetType: string; targetId?: string | number | null; detail?: Record<string, unknown> },
): void {
  const values = {
    actorId: ctx.caller?.userId ?? null,
    action: entry.action,
    targetType: entry.targetType,
    targetId: entry.targetId == null ? null : String(entry.targetId),
    detail: entry.detail ?? null,
    createdAt: nowOf(ctx),
  };
  // Busy paths (skips, revisions, undos) write an audit row: a statement prepared once per connection,
  // on the transaction's own connection, costs a fraction of building the insert through drizzle.
  prepared(tx, "insert into audit_log (actor_id, action, target_type, target_id, detail, created_at) values (?, ?, ?, ?, ?, ?)").run(values.actorId, values.action, values.targetType, values.targetId, values.detail == null ? null : JSON.stringify(values.detail), values.createdAt);
}
