// Writes audit rows inside the caller's transaction, so an action and its record commit together.
import { auditLog } from "@/db/schema";
import type { Db } from "@/db/client";
import { nowOf, type Ctx } from "./context";

type Tx = Pick<Db, "insert">;

export function audit(
  tx: Tx,
  ctx: Ctx,
  entry: { action: string; targetType: string; targetId?: string | number | null; detail?: Record<string, unknown> },
): void {
  tx.insert(auditLog)
    .values({
      actorId: ctx.caller?.userId ?? null,
      action: entry.action,
      targetType: entry.targetType,
      targetId: entry.targetId == null ? null : String(entry.targetId),
      detail: entry.detail ?? null,
      createdAt: nowOf(ctx),
    })
    .run();
}
