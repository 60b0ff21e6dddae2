import { describe, expect, it } from "vitest";
import { wordDiff } from "@/lib/formats/word-diff";

const join = (parts: { kind: string; text: string }[], keep: string) => parts.filter((p) => p.kind === "same" || p.kind === keep).map((p) => p.text).join("");

describe("word diff", () => {
  it("marks the words that changed and rebuilds both texts", () => {
    const a = "The quick brown fox jumps over the lazy dog.";
    const b = "The quick red fox leaps over the lazy dog.";
    const parts = wordDiff(a, b);
    expect(parts.filter((p) => p.kind === "removed").map((p) => p.text.trim())).toEqual(["brown", "jumps"]);
    expect(parts.filter((p) => p.kind === "added").map((p) => p.text.trim())).toEqual(["red", "leaps"]);
    expect(join(parts, "removed")).toBe(a);
    expect(join(parts, "added")).toBe(b);
  });
  it("handles identical, empty and fully different texts", () => {
    expect(wordDiff("same text", "same text")).toEqual([{ kind: "same", text: "same text" }]);
    expect(wordDiff("", "new")).toEqual([{ kind: "added", text: "new" }]);
    expect(wordDiff("old", "")).toEqual([{ kind: "removed", text: "old" }]);
  });
  it("stays exact on long near-duplicates", () => {
    const words = Array.from({ length: 3000 }, (_, i) => `w${i}`);
    const a = words.join(" ");
    const b = words.map((w, i) => (i === 1500 ? "changed" : w)).join(" ");
    const parts = wordDiff(a, b);
    expect(parts.filter((p) => p.kind !== "same").map((p) => p.text)).toEqual(["w1500", "changed"]);
  });
  it("stays a word diff on long near-duplicates that differ at both ends (no size cap)", () => {
    const words = Array.from({ length: 6000 }, (_, i) => `w${i}`);
    const a = words.join(" ");
    const b = words.map((w, i) => (i === 0 ? "first" : i === words.length - 1 ? "last" : w)).join(" ");
    const parts = wordDiff(a, b);
    expect(parts.filter((p) => p.kind !== "same").map((p) => p.text)).toEqual(["w0", "first", "w5999", "last"]);
    expect(join(parts, "removed")).toBe(a);
    expect(join(parts, "added")).toBe(b);
  });
  it("rebuilds both texts exactly, whitespace and punctuation included", () => {
    const a = "Line one,  with  spaces.\n\tTabbed line; and more!\n\nEnd";
    const b = "Line one, with spaces!\n\tTabbed  line, and more?\nEnd\n";
    const parts = wordDiff(a, b);
    expect(join(parts, "removed")).toBe(a);
    expect(join(parts, "added")).toBe(b);
    expect(parts.some((p) => p.kind === "same" && p.text.includes("Tabbed"))).toBe(true);
  });
  it("answers quickly for long texts with nothing in common: all removed, all added", () => {
    const a = Array.from({ length: 20000 }, (_, i) => `a${i}`).join(" ");
    const b = Array.from({ length: 20000 }, (_, i) => `b${i}`).join(" ");
    const started = performance.now();
    const parts = wordDiff(a, b);
    expect(performance.now() - started).toBeLessThan(5000);
    expect(join(parts, "removed")).toBe(a);
    expect(join(parts, "added")).toBe(b);
  });
});
