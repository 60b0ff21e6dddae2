// Liveness: whether this process can read its database (GET /api/health, which the start command
// and load balancers poll).
import type { Ctx } from "./context";
import { prepared } from "./statements";

/** Runs a trivial query; throws when the database cannot be read. */
export function checkDatabase({ ctx }: { ctx: Ctx }): { ok: true } {
  prepared(ctx.db, "select 1").get();
  return { ok: true };
}
