// The time report's arithmetic on constructed judgments: the cap, judgments per hour, gold
// accuracy, and which local day or week a judgment counts on: across midnight in zones west and
// east of UTC (Los Angeles, Kolkata, Kathmandu's +05:45), across both daylight-saving changes, and
// with weeks starting on Monday.
import { describe, expect, it } from "vitest";
import { addDays, daysBetween, isDateKey, isTimeZone, localDate, localDater, utcWindow, weekStart } from "@/lib/stats/calendar";
import { timeReport, type ReportJudgment, type ReportOptions } from "@/lib/stats/time-report";

const at = (iso: string) => Date.parse(iso);
const j = (annotator: number, iso: string, durationMs: number | null, verdict: ReportJudgment["verdict"] = null, gold: ReportJudgment["gold"] = null): ReportJudgment => ({
  annotator,
  createdAt: at(iso),
  durationMs,
  verdict,
  gold,
});
const options = (o: Partial<ReportOptions> = {}): ReportOptions => ({ timeZone: "UTC", by: "day", capMs: 600_000, from: "2026-01-01", to: "2026-12-31", ...o });

describe("calendar", () => {
  it("reads real dates only, and does date arithmetic", () => {
    expect(isDateKey("2026-02-28")).toBe(true);
    expect(isDateKey("2028-02-29")).toBe(true);
    for (const bad of ["2026-02-29", "2026-13-01", "2026-1-01", "20260101", "2026-01-01T00:00", ""]) expect(isDateKey(bad)).toBe(false);
    expect(addDays("2026-02-27", 2)).toBe("2026-03-01");
    expect(addDays("2026-01-01", -1)).toBe("2025-12-31");
    expect(daysBetween("2026-01-01", "2026-12-31")).toBe(364);
  });

  it("knows time zones by their IANA names", () => {
    for (const zone of ["UTC", "America/Los_Angeles", "Asia/Kolkata", "Asia/Kathmandu", "Etc/GMT+5"]) expect(isTimeZone(zone)).toBe(true);
    for (const zone of ["Mars/Olympus", "PST8PDT/x", "", "Europe/"]) expect(isTimeZone(zone)).toBe(false);
  });

  it("puts an instant on its local day west and east of UTC", () => {
    // 07:59:59 UTC is 23:59:59 the day before in Los Angeles (PST, UTC−8); 08:00 is the next day.
    expect(localDate(at("2026-01-15T07:59:59Z"), "America/Los_Angeles")).toBe("2026-01-14");
    expect(localDate(at("2026-01-15T08:00:00Z"), "America/Los_Angeles")).toBe("2026-01-15");
    // Kolkata is UTC+05:30: 18:30 UTC is midnight.
    expect(localDate(at("2026-01-14T18:29:59Z"), "Asia/Kolkata")).toBe("2026-01-14");
    expect(localDate(at("2026-01-14T18:30:00Z"), "Asia/Kolkata")).toBe("2026-01-15");
    expect(localDate(at("2026-01-14T23:59:59Z"), "UTC")).toBe("2026-01-14");
  });

  it("follows daylight-saving changes (Los Angeles, 2026: March 8 and November 1)", () => {
    // After the spring change Los Angeles is UTC−7: 07:30 UTC on March 9 is 00:30 on March 9
    // (a fixed UTC−8 would say 23:30 on March 8).
    expect(localDate(at("2026-03-09T07:30:00Z"), "America/Los_Angeles")).toBe("2026-03-09");
    expect(localDate(at("2026-03-09T06:59:59Z"), "America/Los_Angeles")).toBe("2026-03-08");
    // After the autumn change it is UTC−8 again: 07:30 UTC on November 2 is 23:30 on November 1.
    expect(localDate(at("2026-11-02T07:30:00Z"), "America/Los_Angeles")).toBe("2026-11-01");
    expect(localDate(at("2026-11-02T08:00:00Z"), "America/Los_Angeles")).toBe("2026-11-02");
  });

  it("remembers days per quarter hour without moving a boundary (Kathmandu is UTC+05:45)", () => {
    const day = localDater("Asia/Kathmandu");
    expect(day(at("2026-01-14T18:14:59.999Z"))).toBe("2026-01-14");
    expect(day(at("2026-01-14T18:15:00Z"))).toBe("2026-01-15");
    expect(day(at("2026-01-14T18:00:00Z"))).toBe("2026-01-14");
    const la = localDater("America/Los_Angeles");
    expect(la(at("2026-03-08T09:59:00Z"))).toBe("2026-03-08");
    expect(la(at("2026-03-09T06:59:59Z"))).toBe("2026-03-08");
    expect(la(at("2026-03-09T07:00:00Z"))).toBe("2026-03-09");
  });

  it("starts weeks on Monday", () => {
    expect(weekStart("2026-03-09")).toBe("2026-03-09"); // a Monday
    expect(weekStart("2026-03-08")).toBe("2026-03-02"); // a Sunday
    expect(weekStart("2026-03-14")).toBe("2026-03-09"); // a Saturday
    expect(weekStart("2026-01-01")).toBe("2025-12-29"); // a Thursday, in a week that began the year before
  });

  it("gives a query window that holds every instant of the local days", () => {
    const w = utcWindow("2026-01-15", "2026-01-16");
    // Kiritimati (UTC+14) starts January 15 at 10:00 UTC on the 14th; Baker Island (UTC−12) ends January 16 at 12:00 UTC on the 17th.
    expect(w.start).toBeLessThanOrEqual(at("2026-01-14T10:00:00Z"));
    expect(w.end).toBeGreaterThanOrEqual(at("2026-01-17T12:00:00Z"));
  });
});

describe("time report", () => {
  it("caps each judgment's time, counts untimed judgments apart, and sums per annotator and overall", () => {
    const r = timeReport(
      [
        j(1, "2026-01-10T09:00:00Z", 30_000),
        j(1, "2026-01-10T09:05:00Z", 700_000), // over the 10-minute cap: counts 600 s
        j(1, "2026-01-10T09:20:00Z", null), // imported without a time
        j(1, "2026-01-10T09:30:00Z", 90_000),
        j(2, "2026-01-10T10:00:00Z", 3_600_000), // an abandoned tab: one hour recorded, 600 s counted
        j(1, "2026-01-11T10:00:00Z", 120_000),
      ],
      options(),
    );
    expect(r.rows.map((x) => [x.annotator, x.period, x.judgments, x.timed_judgments, x.capped_judgments, x.active_seconds, x.judgments_per_hour])).toEqual([
      [1, "2026-01-10", 4, 3, 1, 720, 15], // 3 timed judgments in 720 s = 15 per hour
      [1, "2026-01-11", 1, 1, 0, 120, 30],
      [2, "2026-01-10", 1, 1, 1, 600, 6],
    ]);
    expect(r.annotators.map((x) => [x.annotator, x.judgments, x.active_seconds, x.judgments_per_hour])).toEqual([
      [1, 5, 840, (4 * 3600) / 840],
      [2, 1, 600, 6],
    ]);
    expect(r.totals).toMatchObject({ judgments: 6, timed_judgments: 5, capped_judgments: 2, active_seconds: 1440, judgments_per_hour: (5 * 3600) / 1440 });
  });

  it("applies the cap given, and has no rate without active time", () => {
    const rows = [j(1, "2026-01-10T09:00:00Z", 45_000), j(1, "2026-01-10T09:01:00Z", 20_000), j(2, "2026-01-10T09:02:00Z", null)];
    const tight = timeReport(rows, options({ capMs: 30_000 }));
    expect(tight.rows[0]).toMatchObject({ active_seconds: 50, capped_judgments: 1 });
    expect(tight.rows[1]).toMatchObject({ judgments: 1, timed_judgments: 0, active_seconds: 0, judgments_per_hour: null });
  });

  it("scores gold judgments by the exact verdict rule: tie is not both_bad, non-pairwise judgments do not count", () => {
    const r = timeReport(
      [
        j(1, "2026-01-10T09:00:00Z", 1000, "A", "A"),
        j(1, "2026-01-10T09:01:00Z", 1000, "tie", "both_bad"),
        j(1, "2026-01-10T09:02:00Z", 1000, "B", "B"),
        j(1, "2026-01-10T09:03:00Z", 1000, null, "A"), // a ranking judgment on a gold item
        j(1, "2026-01-10T09:04:00Z", 1000, "A", null), // an ordinary item
      ],
      options(),
    );
    expect(r.rows[0]).toMatchObject({ judgments: 5, gold_n: 3, gold_correct: 2, gold_accuracy: 2 / 3 });
    expect(timeReport([j(1, "2026-01-10T09:00:00Z", 1000)], options()).totals.gold_accuracy).toBeNull();
  });

  it("counts a judgment on the viewer's local day, across midnight in Los Angeles and Kolkata", () => {
    const rows = [j(1, "2026-01-15T07:30:00Z", 60_000), j(1, "2026-01-15T08:30:00Z", 60_000), j(1, "2026-01-15T19:00:00Z", 60_000)];
    const days = (timeZone: string) => timeReport(rows, options({ timeZone })).rows.map((x) => [x.period, x.judgments]);
    expect(days("UTC")).toEqual([["2026-01-15", 3]]);
    // 07:30 UTC is 23:30 on the 14th in Los Angeles; the others are on the 15th.
    expect(days("America/Los_Angeles")).toEqual([
      ["2026-01-14", 1],
      ["2026-01-15", 2],
    ]);
    // 19:00 UTC is 00:30 on the 16th in Kolkata.
    expect(days("Asia/Kolkata")).toEqual([
      ["2026-01-15", 2],
      ["2026-01-16", 1],
    ]);
  });

  it("counts days right across a daylight-saving change", () => {
    // Los Angeles, November 1 2026 has 25 hours: from 07:00 UTC to 08:00 UTC the next day.
    const rows = [j(1, "2026-11-01T06:59:00Z", 1000), j(1, "2026-11-01T07:00:00Z", 1000), j(1, "2026-11-02T07:59:00Z", 1000), j(1, "2026-11-02T08:00:00Z", 1000)];
    expect(timeReport(rows, options({ timeZone: "America/Los_Angeles" })).rows.map((x) => [x.period, x.judgments])).toEqual([
      ["2026-10-31", 1],
      ["2026-11-01", 2],
      ["2026-11-02", 1],
    ]);
    // March 8 has 23 hours: from 08:00 UTC to 07:00 UTC the next day.
    const spring = [j(1, "2026-03-08T07:59:00Z", 1000), j(1, "2026-03-08T08:00:00Z", 1000), j(1, "2026-03-09T06:59:00Z", 1000), j(1, "2026-03-09T07:00:00Z", 1000)];
    expect(timeReport(spring, options({ timeZone: "America/Los_Angeles" })).rows.map((x) => [x.period, x.judgments])).toEqual([
      ["2026-03-07", 1],
      ["2026-03-08", 2],
      ["2026-03-09", 1],
    ]);
  });

  it("groups weeks from Monday, in the viewer's zone", () => {
    // Sunday March 8, 22:00 in Los Angeles is already Monday March 9, 05:00 UTC.
    const rows = [j(1, "2026-03-02T12:00:00Z", 60_000), j(1, "2026-03-09T05:00:00Z", 60_000), j(1, "2026-03-09T12:00:00Z", 60_000), j(1, "2026-03-15T12:00:00Z", 60_000)];
    const weeks = (timeZone: string) => timeReport(rows, options({ timeZone, by: "week" })).rows.map((x) => [x.period, x.judgments, x.active_seconds]);
    expect(weeks("America/Los_Angeles")).toEqual([
      ["2026-03-02", 2, 120],
      ["2026-03-09", 2, 120],
    ]);
    expect(weeks("UTC")).toEqual([
      ["2026-03-02", 1, 60],
      ["2026-03-09", 3, 180],
    ]);
  });

  it("keeps only the local days from…to, inclusive", () => {
    const rows = [j(1, "2026-01-15T07:30:00Z", 1000), j(1, "2026-01-15T08:30:00Z", 1000), j(1, "2026-01-16T08:30:00Z", 1000), j(1, "2026-01-17T08:30:00Z", 1000)];
    const r = timeReport(rows, options({ timeZone: "America/Los_Angeles", from: "2026-01-15", to: "2026-01-16" }));
    expect(r.rows.map((x) => x.period)).toEqual(["2026-01-15", "2026-01-16"]);
    expect(r.totals.judgments).toBe(2);
    expect(timeReport([], options()).totals).toMatchObject({ judgments: 0, active_seconds: 0, judgments_per_hour: null, gold_accuracy: null });
  });
});
