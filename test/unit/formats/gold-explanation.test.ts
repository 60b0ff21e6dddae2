// Gold explanations on import (gold.explanation, gold_explanation, the gold_explanation= map key) and
// the verdict → slot conversion the gold feedback speaks in.
import { describe, expect, it } from "vitest";
import { FormatError } from "@/lib/formats/errors";
import { parseFieldMap } from "@/lib/formats/import/field-map";
import { toRecord } from "@/lib/formats/import/normalize";
import { choiceOfVerdict, verdictOfChoice } from "@/lib/formats/verdict";

const pair = { prompt: "Q?", response_a: "one", response_b: "two" };

describe("gold explanations on import", () => {
  it("reads gold.explanation and the flat gold_explanation, and refuses one without gold or given twice", () => {
    expect(toRecord({ ...pair, gold: { choice: "B", explanation: "Two is right." } }).gold).toEqual({ choice: "B", explanation: "Two is right." });
    expect(toRecord({ ...pair, gold: { choice: "A" }, gold_explanation: "Because." }).gold).toEqual({ choice: "A", explanation: "Because." });
    expect(toRecord({ ...pair, gold: { choice: "A" }, gold_explanation: "  " }).gold).toEqual({ choice: "A" });
    expect(() => toRecord({ ...pair, gold_explanation: "Because." })).toThrow(/gold_explanation.*given without gold/);
    expect(() => toRecord({ ...pair, gold: { choice: "A", explanation: "x" }, gold_explanation: "y" })).toThrow(FormatError);
    expect(() => toRecord({ ...pair, gold: { choice: "A", explanation: 3 } })).toThrow(/gold\.explanation.*expected text/);
  });

  it("maps a gold_explanation field with a field map", () => {
    const map = parseFieldMap("prompt=q,responses=a|b,gold=g,gold_explanation=why,labels=1:A,2:B");
    expect(toRecord({ q: "Q?", a: "one", b: "two", g: 2, why: "Two is right." }, { map }).gold).toEqual({ choice: "B", explanation: "Two is right." });
    expect(() => parseFieldMap("prompt=q,responses=a|b,gold_explanation=why")).toThrow(/given without gold/);
  });
});

describe("choiceOfVerdict", () => {
  it("names the slot that showed the verdict's candidate, the inverse of verdictOfChoice", () => {
    const positions = [11, 12]; // candidate ids, the item's first response first
    expect(choiceOfVerdict("A", [12, 11], positions)).toBe("B");
    expect(choiceOfVerdict("B", [12, 11], positions)).toBe("A");
    expect(choiceOfVerdict("A", [11, 12], positions)).toBe("A");
    expect(choiceOfVerdict("tie", [12, 11], positions)).toBe("tie");
    for (const order of [[11, 12], [12, 11]]) for (const v of ["A", "B", "tie", "both_bad"] as const) expect(verdictOfChoice(choiceOfVerdict(v, order, positions)!, order, positions)).toBe(v);
  });
});
