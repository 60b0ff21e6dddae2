import { describe, expect, it } from "vitest";
import { neutralizeFormula, safeCsvCell, safeCsvLine } from "@/lib/formats/csv-cell";

describe("CSV cells safe to open in a spreadsheet", () => {
  it("prefixes text that starts like a formula with a quote", () => {
    for (const start of ["=", "+", "-", "@", "\t", "\r"]) expect(neutralizeFormula(`${start}1+1`)).toBe(`'${start}1+1`);
    expect(neutralizeFormula('=HYPERLINK("http://x","y")')).toBe(`'=HYPERLINK("http://x","y")`);
  });

  it("leaves ordinary text alone, including formula characters later in the text", () => {
    for (const text of ["plain", "a=b", "1+1", "", " =x", "email@example.com", "'quoted"]) expect(neutralizeFormula(text)).toBe(text);
  });

  it("quotes after neutralising, and keeps numbers, booleans and empty cells as data", () => {
    expect(safeCsvCell('=HYPERLINK("http://x")')).toBe(`"'=HYPERLINK(""http://x"")"`);
    expect(safeCsvCell("\rcmd")).toBe(`"'\rcmd"`);
    expect(safeCsvCell(-0.5)).toBe("-0.5");
    expect(safeCsvCell(true)).toBe("true");
    expect(safeCsvCell(null)).toBe("");
    expect(safeCsvCell({ a: 1 })).toBe(`"{""a"":1}"`);
    expect(safeCsvLine(["@SUM(A1)", 3, "ok"])).toBe("'@SUM(A1),3,ok\n");
  });
});
