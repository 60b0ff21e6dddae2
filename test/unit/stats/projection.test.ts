// The completion projection and its rule: "not enough data yet" until a day of history and a
// minimum of judgments; the rate over the last week, or the whole history when it is shorter.
import { describe, expect, it } from "vitest";
import { completionProjection, DAY_MS, PROJECTION_MIN_JUDGMENTS } from "@/lib/stats/projection";

const NOW = Date.UTC(2026, 0, 10, 12);
const HOUR = 3_600_000;

describe("completionProjection", () => {
  it("says not enough data for a project ten minutes old, however many items it completed", () => {
    const p = completionProjection({ now: NOW, firstJudgmentAt: NOW - 10 * 60_000, judgments: 500, remainingItems: 20, completedAt: [NOW - 60_000, NOW - 120_000] });
    expect(p).toMatchObject({ status: "not_enough_data", date: null, recent_rate_per_day: 0, remaining_items: 20 });
    expect(p.history_days).toBeCloseTo(10 / 1440, 9);
  });

  it("says not enough data with too few judgments, even after weeks", () => {
    const p = completionProjection({ now: NOW, firstJudgmentAt: NOW - 30 * DAY_MS, judgments: PROJECTION_MIN_JUDGMENTS - 1, remainingItems: 5, completedAt: [NOW - DAY_MS] });
    expect(p.status).toBe("not_enough_data");
    expect(completionProjection({ now: NOW, firstJudgmentAt: NOW - 30 * DAY_MS, judgments: PROJECTION_MIN_JUDGMENTS, remainingItems: 5, completedAt: [NOW - DAY_MS] }).status).toBe("projected");
  });

  it("projects from the last seven days once there is enough history", () => {
    // 14 items completed in the last week (and some long before): 2 a day, so 9 items take ceil(4.5) = 5 days.
    const completedAt = [...Array.from({ length: 14 }, (_, i) => NOW - i * 11 * HOUR), NOW - 20 * DAY_MS];
    const p = completionProjection({ now: NOW, firstJudgmentAt: NOW - 30 * DAY_MS, judgments: 40, remainingItems: 9, completedAt });
    expect(p).toMatchObject({ status: "projected", recent_rate_per_day: 2, window_days: 7, date: "2026-01-15" });
  });

  it("measures a young project over its whole history, not a week it has not lived", () => {
    // Two days old, 10 items complete: 5 a day (over seven days it would read 1.4).
    const completedAt = Array.from({ length: 10 }, (_, i) => NOW - i * 4 * HOUR);
    const p = completionProjection({ now: NOW, firstJudgmentAt: NOW - 2 * DAY_MS, judgments: 20, remainingItems: 10, completedAt });
    expect(p).toMatchObject({ status: "projected", window_days: 2, recent_rate_per_day: 5, date: "2026-01-12" });
  });

  it("says done, or no recent progress", () => {
    expect(completionProjection({ now: NOW, firstJudgmentAt: null, judgments: 0, remainingItems: 0, completedAt: [] }).status).toBe("done");
    const stalled = completionProjection({ now: NOW, firstJudgmentAt: NOW - 60 * DAY_MS, judgments: 100, remainingItems: 3, completedAt: [NOW - 30 * DAY_MS] });
    expect(stalled).toMatchObject({ status: "no_recent_progress", date: null, recent_rate_per_day: 0 });
    expect(completionProjection({ now: NOW, firstJudgmentAt: null, judgments: 0, remainingItems: 3, completedAt: [] }).status).toBe("not_enough_data");
  });
});
