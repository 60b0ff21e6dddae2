// The baseline of test/bench/claim.bench.ts: one row inserted into a scratch table, nothing else,
// so the benchmark can tell the cost of a route handler from the cost of the service work behind a
// claim. Reached only through POST /api/bench/insert, which answers 404 unless ARBITER_BENCH=1.
import type Database from "better-sqlite3";
import type { Ctx } from "./context";
import { connectionOf, prepared } from "./statements";

const ready = new WeakSet<Database.Database>();

export function insertBenchRow({ ctx }: { ctx: Ctx }): { id: number } {
  const client = connectionOf(ctx.db);
  if (!ready.has(client)) {
    client.exec("create table if not exists bench_rows (id integer primary key, at integer not null)");
    ready.add(client);
  }
  return prepared(ctx.db, "insert into bench_rows (at) values (?) returning id").get(Date.now()) as { id: number };
}
