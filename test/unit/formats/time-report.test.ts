// The time report's CSV and display formats: columns, each annotator's total and everyone's, a
// name that would be a spreadsheet formula written as text, and h:mm:ss.
import { describe, expect, it } from "vitest";
import { goldShare, hms, perHour, timeReportCsv } from "@/lib/formats/time-report";
import type { ReportFigures, TimeReport } from "@/lib/stats/time-report";

const figures = (o: Partial<ReportFigures> = {}): ReportFigures => ({
  judgments: 3,
  timed_judgments: 2,
  capped_judgments: 1,
  active_seconds: 630,
  judgments_per_hour: (2 * 3600) / 630,
  gold_n: 1,
  gold_correct: 1,
  gold_accuracy: 1,
  ...o,
});

describe("time report CSV", () => {
  it("writes a row per annotator and period, then their totals and everyone's, with formulas neutralised", () => {
    const who = { user_id: 7, email: "=cmd@evil.example", name: "+Eve, the \"tester\"", external: true };
    const report: TimeReport = {
      project: { slug: "p", name: "P", time_cap_seconds: 600 },
      from: "2026-01-14",
      to: "2026-01-15",
      by: "day",
      tz: "America/Los_Angeles",
      week_start: "monday",
      generated_at: "2026-01-16T00:00:00.000Z",
      rows: [{ ...who, period: "2026-01-14", ...figures() }],
      annotators: [{ ...who, ...figures() }],
      totals: figures({ gold_n: 0, gold_correct: 0, gold_accuracy: null, judgments_per_hour: null }),
    };
    expect([...timeReportCsv(report)].join("")).toBe(
      [
        "annotator,name,external,period,judgments,timed_judgments,capped_judgments,active_seconds,active_hours,judgments_per_hour,gold_n,gold_correct,gold_accuracy",
        `'=cmd@evil.example,"'+Eve, the ""tester""",true,2026-01-14,3,2,1,630,0.175,11.43,1,1,1`,
        `'=cmd@evil.example,"'+Eve, the ""tester""",true,total,3,2,1,630,0.175,11.43,1,1,1`,
        "total,,,total,3,2,1,630,0.175,,0,0,",
        "",
      ].join("\n"),
    );
  });

  it("shows active time as h:mm:ss, rates with one decimal and gold as a percent", () => {
    expect(hms(0)).toBe("0:00:00");
    expect(hms(630)).toBe("0:10:30");
    expect(hms(3600 * 27 + 61.6)).toBe("27:01:02");
    expect(perHour(11.428)).toBe("11.4");
    expect(perHour(null)).toBe("–");
    expect(goldShare({ gold_accuracy: 2 / 3, gold_n: 3 })).toBe("66.7% (3)");
    expect(goldShare({ gold_accuracy: null, gold_n: 0 })).toBe("–");
  });
});
