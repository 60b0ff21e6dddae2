// Liveness: whether this process can read its database (GET /api/health, which the start command
// and load balancers poll).
import { PING } from "@/db/queries/health";
import type { Ctx } from "./context";

/** Runs a trivial query; throws when the database cannot be read. */
export async function checkDatabase({ ctx }: { ctx: Ctx }): Promise<{ ok: true }> {
  await ctx.db.first(PING);
  return { ok: true };
}
