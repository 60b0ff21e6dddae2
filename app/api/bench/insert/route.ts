// Benchmark baseline for test/bench/claim.bench.ts: a bare route handler that inserts one row into
// SQLite, nothing else. It answers 404 unless the server was started with ARBITER_BENCH=1, so a
// normal deployment never writes through it.
import type { Statement } from "better-sqlite3";
import { getDb } from "@/db/client";

let insert: Statement | undefined;

export function POST(): Response {
  if (process.env.ARBITER_BENCH !== "1") return new Response(null, { status: 404 });
  if (!insert) {
    const db = getDb().$client;
    db.exec("create table if not exists bench_rows (id integer primary key, at integer not null)");
    insert = db.prepare("insert into bench_rows (at) values (?) returning id");
  }
  return Response.json(insert.get(Date.now()), { status: 201 });
}
