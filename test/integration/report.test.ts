// The time report on a real database, on every engine: judgments with constructed times and
// durations, summed per annotator and local day (Los Angeles across its midnight) or week, with the
// project's cap and gold accuracy; who may read it; the refusals; and `arbiter report` in-process
// and as a subprocess.
import { spawnSync } from "node:child_process";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { main } from "@/lib/cli/main";
import { updateProject } from "@/lib/services/projects";
import { timeReport } from "@/lib/services/reports";
import { AppError } from "@/lib/services/errors";
import { ENGINES, errorCodeAsync, makeProject, pairRecord, tempDbOn, type TempDb } from "../helpers/db";
import { insertCandidate, insertItem, insertJudgment, insertUser } from "../helpers/rows";

const ROOT = path.resolve(__dirname, "../..");
let t: TempDb;

/** The candidates of each item, by position. */
let candidatesOf: Map<number, number[]>;

/** Items 1…n as pairRecord's records would be imported, with item 1 a gold item whose answer is A (the item's first response). */
async function project(n = 6) {
  const p = await makeProject(t);
  const items: number[] = [];
  candidatesOf = new Map();
  for (let i = 1; i <= n; i++) {
    const record = pairRecord(i);
    const itemId = await insertItem(t.db, { projectId: p.id, externalId: record.id!, prompt: record.prompt, gold: i === 1 ? { choice: "A" } : null });
    const ids: number[] = [];
    for (const [position, r] of record.responses.entries()) ids.push(await insertCandidate(t.db, { itemId, position, content: r.content, model: r.model }));
    candidatesOf.set(itemId, ids);
    items.push(itemId);
  }
  return { p, items };
}

/** A judgment written directly, with its time and duration: choice A picks the item's first response. */
async function judge(projectId: number, itemId: number, userId: number, iso: string, durationMs: number | null, choice: "A" | "B" | "tie" = "A") {
  const candidates = candidatesOf.get(itemId)!;
  const winner = choice === "tie" ? null : candidates[choice === "A" ? 0 : 1];
  await insertJudgment(t.db, { projectId, itemId, userId, choice, winnerCandidateId: winner, slotOrder: candidates, durationMs, createdAt: Date.parse(iso) });
}

async function fixture() {
  const { p, items } = await project();
  const ann = await insertUser(t, "annotator", "ann@test.local");
  const bob = await insertUser(t, "annotator", "bob@test.local");
  const a = ann.caller.userId;
  const b = bob.caller.userId;
  // ann: late on January 14 in Los Angeles (07:30 UTC on the 15th), then two on the 15th.
  await judge(p.id, items[0], a, "2026-01-15T07:30:00Z", 30_000, "A"); // gold, right
  await judge(p.id, items[1], a, "2026-01-15T18:00:00Z", 900_000); // 15 minutes: capped at 10
  await judge(p.id, items[2], a, "2026-01-15T19:00:00Z", null); // no recorded time
  // bob: one on the 15th in Los Angeles, a wrong gold answer.
  await judge(p.id, items[0], b, "2026-01-15T20:00:00Z", 60_000, "tie");
  await judge(p.id, items[1], b, "2026-01-15T20:02:00Z", 120_000, "B");
  return { p, items, ann, bob };
}

const manager = () => insertUser(t, "manager");

describe.each(ENGINES)("the time report on %s", (kind) => {
  beforeEach(async () => {
    t = await tempDbOn(kind);
  });
  afterEach(() => t.close());

  describe("time report service", () => {
    it("sums per annotator and local day with the cap, judgments per hour and gold accuracy", async () => {
      const { p } = await fixture();
      const r = await timeReport({ ctx: (await manager()).ctx, input: { slug: p.slug, from: "2026-01-14", to: "2026-01-15", tz: "America/Los_Angeles" } });
      expect(r).toMatchObject({ from: "2026-01-14", to: "2026-01-15", by: "day", tz: "America/Los_Angeles", week_start: "monday", project: { slug: p.slug, time_cap_seconds: 600 } });
      expect(r.rows.map((x) => [x.email, x.period, x.judgments, x.timed_judgments, x.capped_judgments, x.active_seconds, x.gold_n, x.gold_correct])).toEqual([
        ["ann@test.local", "2026-01-14", 1, 1, 0, 30, 1, 1],
        ["ann@test.local", "2026-01-15", 2, 1, 1, 600, 0, 0],
        ["bob@test.local", "2026-01-15", 2, 2, 0, 180, 1, 0],
      ]);
      expect(r.rows[0].judgments_per_hour).toBe(120); // one judgment in 30 s
      expect(r.annotators.map((x) => [x.email, x.name, x.judgments, x.active_seconds, x.judgments_per_hour, x.gold_accuracy])).toEqual([
        ["ann@test.local", "ann", 3, 630, (2 * 3600) / 630, 1],
        ["bob@test.local", "bob", 2, 180, 40, 0],
      ]);
      expect(r.totals).toMatchObject({ judgments: 5, timed_judgments: 4, capped_judgments: 1, active_seconds: 810, gold_n: 2, gold_correct: 1, gold_accuracy: 0.5 });

      // In UTC all five fall on January 15; in Kolkata (UTC+05:30) bob's and ann's 19:00 ones are on the 16th.
      const utc = await timeReport({ ctx: (await manager()).ctx, input: { slug: p.slug, from: "2026-01-14", to: "2026-01-16" } });
      expect(utc.tz).toBe("UTC");
      expect(utc.rows.map((x) => [x.email, x.period, x.judgments])).toEqual([
        ["ann@test.local", "2026-01-15", 3],
        ["bob@test.local", "2026-01-15", 2],
      ]);
      const kolkata = await timeReport({ ctx: (await manager()).ctx, input: { slug: p.slug, from: "2026-01-14", to: "2026-01-16", tz: "Asia/Kolkata" } });
      expect(kolkata.rows.map((x) => [x.email, x.period, x.judgments])).toEqual([
        ["ann@test.local", "2026-01-15", 2],
        ["ann@test.local", "2026-01-16", 1],
        ["bob@test.local", "2026-01-16", 2],
      ]);
    });

    it("follows the project's time cap and counts only the days asked for", async () => {
      const { p } = await fixture();
      await updateProject({ ctx: t.system, input: { slug: p.slug, timeCapSeconds: 60 } });
      const r = await timeReport({ ctx: (await manager()).ctx, input: { slug: p.slug, from: "2026-01-15", to: "2026-01-15", tz: "America/Los_Angeles" } });
      // ann's January 14 judgment is left out; her 15 minutes count 60 s; bob's 120 s count 60 s.
      expect(r.project.time_cap_seconds).toBe(60);
      expect(r.annotators.map((x) => [x.email, x.judgments, x.capped_judgments, x.active_seconds])).toEqual([
        ["ann@test.local", 2, 1, 60],
        ["bob@test.local", 2, 1, 120],
      ]);
    });

    it("groups by Monday-start weeks", async () => {
      const { p, items, ann } = await fixture();
      // Sunday January 18 and Monday January 19 (Los Angeles).
      await judge(p.id, items[3], ann.caller.userId, "2026-01-18T20:00:00Z", 10_000);
      await judge(p.id, items[4], ann.caller.userId, "2026-01-19T20:00:00Z", 10_000);
      const r = await timeReport({ ctx: (await manager()).ctx, input: { slug: p.slug, from: "2026-01-01", to: "2026-01-31", by: "week", tz: "America/Los_Angeles" } });
      expect(r.rows.map((x) => [x.email, x.period, x.judgments])).toEqual([
        ["ann@test.local", "2026-01-12", 4],
        ["ann@test.local", "2026-01-19", 1],
        ["bob@test.local", "2026-01-12", 2],
      ]);
    });

    it("defaults to the 30 days ending today in the zone", async () => {
      const { p } = await fixture();
      // 03:00 UTC on January 16 is still January 15 in Los Angeles.
      const ctx = { ...(await manager()).ctx, now: () => Date.parse("2026-01-16T03:00:00Z") };
      const r = await timeReport({ ctx, input: { slug: p.slug, tz: "America/Los_Angeles" } });
      expect([r.from, r.to]).toEqual(["2025-12-17", "2026-01-15"]);
      expect(r.totals.judgments).toBe(5);
      expect((await timeReport({ ctx, input: { slug: p.slug } })).to).toBe("2026-01-16");
    });

    it("is for managers and admins: an annotator is refused", async () => {
      const { p, ann } = await fixture();
      expect(await errorCodeAsync(() => timeReport({ ctx: ann.ctx, input: { slug: p.slug } }))).toBe("forbidden");
      expect(await errorCodeAsync(async () => timeReport({ ctx: (await insertUser(t, "admin")).ctx, input: { slug: p.slug } }))).toBeUndefined();
      expect(await errorCodeAsync(async () => timeReport({ ctx: (await manager()).ctx, input: { slug: "nope" } }))).toBe("not_found");
    });

    it("refuses bad dates, zones, periods and ranges, naming the field", async () => {
      const { p } = await fixture();
      const refusal = async (input: Record<string, unknown>) => {
        try {
          await timeReport({ ctx: (await manager()).ctx, input: { slug: p.slug, ...input } });
        } catch (e) {
          if (e instanceof AppError) return [e.code, e.message, e.fields];
        }
        return null;
      };
      expect(await refusal({ from: "2026-02-30", to: "2026-03-01" })).toEqual(["bad_request", "from: must be a date written YYYY-MM-DD, such as 2026-03-01", { from: "must be a date written YYYY-MM-DD, such as 2026-03-01" }]);
      expect((await refusal({ to: "15/01/2026" }))?.[1]).toBe("to: must be a date written YYYY-MM-DD, such as 2026-03-01");
      expect((await refusal({ tz: "Mars/Olympus" }))?.[1]).toBe("tz: must be an IANA time zone such as Europe/Berlin or UTC");
      expect((await refusal({ tz: "../../etc" }))?.[1]).toBe("tz: must be an IANA time zone such as Europe/Berlin or UTC");
      expect((await refusal({ tz: "x".repeat(65) }))?.[1]).toMatch(/^tz: must be at most 64 characters/);
      expect((await refusal({ by: "month" }))?.[1]).toBe("by: must be day or week");
      expect(await refusal({ from: "2026-02-01", to: "2026-01-01" })).toEqual(["bad_request", "from: must be on or before the last day, 2026-01-01", { from: "must be on or before the last day, 2026-01-01" }]);
      expect((await refusal({ from: "2025-01-01", to: "2026-01-02" }))?.[1]).toBe("from: 2025-01-01 to 2026-01-02 covers 367 days; a report covers at most 366");
      expect(await refusal({ from: "2025-01-02", to: "2026-01-02" })).toBeNull();
      expect((await refusal({ colour: "red" }))?.[0]).toBe("bad_request");
    });
  });

  describe("arbiter report", () => {
    async function run(...args: string[]) {
      let out = "";
      let err = "";
      const code = await main([...args, ...(kind === "sqlite" ? ["--db", t.file] : ["--database-url", t.file])], { out: (s) => (out += s), err: (s) => (err += s) });
      return { code, out, err };
    }

    it("prints the table with each annotator's total and everyone's, and the same figures as JSON", async () => {
      const { p } = await fixture();
      const human = await run("report", "--project", p.slug, "--from", "2026-01-14", "--to", "2026-01-15", "--tz", "America/Los_Angeles");
      expect(human.err).toBe("");
      expect(human.code).toBe(0);
      const lines = human.out.split("\n");
      expect(lines[0]).toBe(`Time report for ${p.slug}: 2026-01-14 to 2026-01-15 by day, days in America/Los_Angeles, time cap 600 s per judgment`);
      const row = (start: string) => lines.find((l) => l.trimStart().startsWith(start))?.trim().split(/\s{2,}/);
      expect(row("ann@test.local  2026-01-14")).toEqual(["ann@test.local", "2026-01-14", "1", "1", "0", "0:00:30", "120.0", "100.0% (1)"]);
      expect(row("ann@test.local  total")).toEqual(["ann@test.local", "total", "3", "2", "1", "0:10:30", "11.4", "100.0% (1)"]);
      expect(row("bob@test.local  total")).toEqual(["bob@test.local", "total", "2", "2", "0", "0:03:00", "40.0", "0.0% (1)"]);
      expect(row("total")).toEqual(["total", "5", "4", "1", "0:13:30", "17.8", "50.0% (2)"]);

      const json = await run("report", "--project", p.slug, "--from", "2026-01-14", "--to", "2026-01-15", "--tz", "America/Los_Angeles", "--by", "week", "--json");
      expect(json.code).toBe(0);
      const r = JSON.parse(json.out);
      expect(r.by).toBe("week");
      expect(r.rows.map((x: { email: string; period: string; judgments: number }) => [x.email, x.period, x.judgments])).toEqual([
        ["ann@test.local", "2026-01-12", 3],
        ["bob@test.local", "2026-01-12", 2],
      ]);
      expect(r.totals.active_seconds).toBe(810);
    });

    it("names the flag of a bad value, and the range's", async () => {
      const { p } = await fixture();
      const cases: [string[], string][] = [
        [["--from", "2026-1-5"], "--from: must be a date written YYYY-MM-DD, such as 2026-03-01"],
        [["--by", "month"], "--by: must be day or week"],
        [["--tz", "Nowhere/City"], "--tz: must be an IANA time zone such as Europe/Berlin or UTC"],
        [["--from", "2026-02-01", "--to", "2026-01-01"], "--from: must be on or before the last day, 2026-01-01"],
      ];
      for (const [args, message] of cases) {
        const r = await run("report", "--project", p.slug, "--tz", "UTC", ...args);
        expect(r.code, args.join(" ")).toBe(1);
        expect(r.err).toBe(`arbiter: ${message}\n`);
      }
      expect((await run("report", "--project", "nope", "--tz", "UTC")).err).toBe('arbiter: Project "nope" not found.\n');
      expect((await run("report")).code).toBe(2);
    });

    it("is listed in the help, with what each flag does", async () => {
      expect((await run("help")).out).toContain("  report --project S [--from D --to D] [--by day|week] [--tz ZONE]");
      const help = (await run("report", "--help")).out;
      expect(help).toMatch(/--from D\s+first day counted, YYYY-MM-DD/);
      expect(help).toMatch(/--tz ZONE\s+IANA time zone the days are counted in/);
    });

    it("counts days in the machine's zone when --tz is not given", async () => {
      const { p } = await fixture();
      const r = spawnSync(process.execPath, [path.join(ROOT, "lib/cli/bin.mjs"), "report", "--project", p.slug, "--from", "2026-01-14", "--to", "2026-01-16", "--json"], {
        cwd: ROOT,
        encoding: "utf8",
        env: { ...process.env, ...(kind === "sqlite" ? { ARBITER_DB: t.file, ARBITER_DATABASE_URL: "" } : { ARBITER_DATABASE_URL: t.file }), TZ: "Asia/Tokyo" },
      });
      expect(r.stderr).toBe("");
      const report = JSON.parse(r.stdout);
      expect(report.tz).toBe("Asia/Tokyo");
      expect(report.rows.map((x: { period: string }) => x.period)).toEqual(["2026-01-15", "2026-01-16", "2026-01-16"]);
    });
  });
});
