import { describe, expect, it } from "vitest";
import { contendersCsv } from "@/lib/formats/contenders-csv";
import { contenderLeaderboard } from "@/lib/stats";

describe("contendersCsv", () => {
  it("writes one row per contender version with a column group per rating criterion", () => {
    const rows = contenderLeaderboard(
      {
        comparisons: [{ a: { contender: "tuned", version: 2 }, b: { contender: "=base", version: null }, verdict: "A" }],
        responses: [{ contender: "tuned", version: 2, latency_ms: 120, ttft_ms: 15, completion_tokens: 40, cost_usd: 0.0005 }],
        ratings: [{ contender: "tuned", version: 2, item: "1", criterion: "accuracy", value: 4 }],
      },
      { rounds: 0 },
    );
    const lines = contendersCsv(rows).split("\n");
    expect(lines[0]).toBe(
      "name,rating,ci_low,ci_high,win_rate,n,median_latency_ms,p90_latency_ms,median_ttft_ms,mean_completion_tokens,cost_per_1k_usd,accuracy_mean,accuracy_ci_low,accuracy_ci_high,accuracy_n",
    );
    const tuned = lines[1].split(",");
    expect(tuned[0]).toBe("tuned@v2");
    expect(tuned.slice(4)).toEqual(["1", "1", "120", "120", "15", "40", "0.5", "4", "", "", "1"]);
    // A name that starts like a formula is neutralised; a row without ratings has an empty mean and n 0.
    expect(lines[2].split(",")[0]).toBe("'=base");
    expect(lines[2].split(",").slice(-4)).toEqual(["", "", "", "0"]);
    expect(lines).toHaveLength(4);
  });
});
