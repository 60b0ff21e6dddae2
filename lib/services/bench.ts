// The baseline of test/bench/claim.bench.ts: one row inserted into a scratch table, nothing else,
// so the benchmark can tell the cost of a route handler from the cost of the service work behind a
// claim. Reached only through POST /api/bench/insert, which answers 404 unless ARBITER_BENCH=1.
import type { Engine } from "@/db/engine";
import { CREATE_BENCH_ROWS, INSERT_BENCH_ROW } from "@/db/queries/health";
import type { Ctx } from "./context";

/** Engines whose scratch table exists (made once per engine and process). */
const ready = new WeakSet<Engine>();

export async function insertBenchRow({ ctx }: { ctx: Ctx }): Promise<{ id: number }> {
  if (!ready.has(ctx.db)) {
    await ctx.db.exec(CREATE_BENCH_ROWS);
    ready.add(ctx.db);
  }
  return (await ctx.db.first(INSERT_BENCH_ROW, [Date.now()]))!;
}
