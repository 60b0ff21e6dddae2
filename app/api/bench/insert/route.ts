// Benchmark baseline for test/bench/claim.bench.ts: a bare route handler that inserts one row into
// SQLite, nothing else. It answers 404 unless the server was started with ARBITER_BENCH=1, so a
// normal deployment never writes through it.
import { contextFor } from "@/lib/auth/session";
import { insertBenchRow } from "@/lib/services/bench";

export async function POST(): Promise<Response> {
  if (process.env.ARBITER_BENCH !== "1") return new Response(null, { status: 404 });
  return Response.json(await insertBenchRow({ ctx: contextFor(null) }), { status: 201 });
}
