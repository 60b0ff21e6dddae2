// The baseline of test/bench/claim.bench.ts: one row inserted into a scratch table, nothing else,
// so the benchmark can tell the cost of a route handler from the cost of the service work behind a
// claim. Reached only through POST /api/bench/insert, which answers 404 unless ARBITER_BENCH=1.
import type { Engine } from "@/db/engine";
import { CREATE_BENCH_ROWS, INSERT_BENCH_ROW } from "@/db/queries/health";
import type { Ctx } from "./context";

/** The scratch table's creation, once per engine and process. */
const ready = new WeakMap<Engine, Promise<void>>();

export async function insertBenchRow({ ctx }: { ctx: Ctx }): Promise<{ id: number }> {
  let made = ready.get(ctx.db);
  if (!made) {
    // In a write transaction: instances starting together queue on the write lock instead of racing
    // (two concurrent `create table if not exists` on PostgreSQL can both try, and one fails).
    made = ctx.db.write((tx) => tx.exec(CREATE_BENCH_ROWS)).then(() => undefined);
    // A failed creation is tried again by the next request.
    void made.catch(() => ready.delete(ctx.db));
    ready.set(ctx.db, made);
  }
  await made;
  return (await ctx.db.first(INSERT_BENCH_ROW, [Date.now()]))!;
}
