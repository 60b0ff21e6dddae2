// Benchmark baseline for test/bench/workspace.bench.ts: a page with nothing of its own, so its
// first-load JavaScript is what the framework and the root layout cost. 404 unless the server was
// started with ARBITER_BENCH=1.
import { notFound } from "next/navigation";

export const dynamic = "force-dynamic";

export default function EmptyPage() {
  if (process.env.ARBITER_BENCH !== "1") notFound();
  return <p>empty</p>;
}
