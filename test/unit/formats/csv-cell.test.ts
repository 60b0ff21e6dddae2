import { describe, expect, it } from "vitest";
import { neutralizeFormula, csvCell, csvLine } from "@/lib/formats/csv-cell";

describe("CSV cells safe to open in a spreadsheet", () => {
  it("prefixes text that starts like a formula with a quote", () => {
    for (const start of ["=", "+", "-", "@", "\t", "\r"]) expect(neutralizeFormula(`${start}1+1`)).toBe(`'${start}1+1`);
    expect(neutralizeFormula('=HYPERLINK("http://x","y")')).toBe(`'=HYPERLINK("http://x","y")`);
  });

  it("leaves ordinary text alone, including formula characters later in the text", () => {
    for (const text of ["plain", "a=b", "1+1", "", " =x", "email@example.com", "'quoted"]) expect(neutralizeFormula(text)).toBe(text);
  });

  it("quotes after neutralising, and keeps numbers, booleans and empty cells as data", () => {
    expect(csvCell('=HYPERLINK("http://x")')).toBe(`"'=HYPERLINK(""http://x"")"`);
    expect(csvCell("\rcmd")).toBe(`"'\rcmd"`);
    expect(csvCell(-0.5)).toBe("-0.5");
    expect(csvCell(true)).toBe("true");
    expect(csvCell(null)).toBe("");
    expect(csvCell({ a: 1 })).toBe(`"{""a"":1}"`);
    expect(csvLine(["@SUM(A1)", 3, "ok"])).toBe("'@SUM(A1),3,ok\n");
  });
});

describe("every CSV Arbiter writes goes through the neutralising writer", () => {
  it("an export's CSV neutralises a formula in a prompt or a response; JSONL keeps the exact text", async () => {
    const { lineEncoder } = await import("@/lib/formats/export/encode");
    const row = { prompt: "=HYPERLINK(\"http://evil.example\",\"click\")", chosen: "-2 is the answer", rejected: "plain" };
    const csv = lineEncoder("trl-dpo", "csv").push(row).join("");
    expect(csv).toBe(`prompt,chosen,rejected\n"'=HYPERLINK(""http://evil.example"",""click"")",'-2 is the answer,plain\n`);
    expect(lineEncoder("trl-dpo", "jsonl").push(row).join("")).toBe(JSON.stringify(row) + "\n");
  });

  it("a statistics table neutralises a model name that starts like a formula", async () => {
    const { statsCsv } = await import("@/lib/formats/stats-csv");
    const stats = { leaderboard: [{ rank: 1, model: "@cmd|' /C calc'!A0", rating: 1000, ci_low: 990, ci_high: 1010, wins: 1, losses: 0, ties: 0, both_bad: 0, n: 1 }] };
    const csv = statsCsv(stats as unknown as Parameters<typeof statsCsv>[0], "leaderboard");
    expect(csv.split("\n")[1]).toBe("1,'@cmd|' /C calc'!A0,1000,990,1010,1,0,0,0,1");
  });
});
