// The admin export form counts rows, not lines: a CSV row with a quoted multi-line prompt is one row.
import { describe, expect, it } from "vitest";
import { csvLine } from "@/lib/formats/csv-cell";
import { rowCounter } from "@/lib/formats/export/row-count";

const feed = (format: "jsonl" | "csv", text: string, chunk = 3) => {
  const counter = rowCounter(format);
  const bytes = Buffer.from(text, "utf8");
  for (let i = 0; i < bytes.length; i += chunk) counter.push(bytes.subarray(i, i + chunk));
  return counter.rows();
};

describe("rowCounter", () => {
  it("counts CSV records after the header, whatever newlines and quotes their cells hold, across chunk borders", () => {
    const csv = csvLine(["prompt", "chosen", "rejected"]) + csvLine(["line one\nline two\n\nthree", 'say "hi"\n', "ok"]) + csvLine(["q", "a", "b"]);
    expect(csv.split("\n").length - 1).toBeGreaterThan(3);
    for (const chunk of [1, 2, 5, 1000]) expect(feed("csv", csv, chunk)).toBe(2);
    expect(feed("csv", csvLine(["prompt", "chosen", "rejected"]))).toBe(0);
    expect(feed("csv", "")).toBe(0);
  });

  it("counts JSONL lines (JSON escapes its newlines)", () => {
    const jsonl = [{ prompt: "a\nb" }, { prompt: "c" }].map((r) => JSON.stringify(r) + "\n").join("");
    expect(feed("jsonl", jsonl)).toBe(2);
  });
});
