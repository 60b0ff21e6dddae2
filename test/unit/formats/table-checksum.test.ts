// The canonical text and checksum `arbiter db copy` compares both sides with (lib/formats/table-checksum.ts).
import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { canonicalText, TableChecksum } from "@/lib/formats/table-checksum";

const sumOf = (...rows: (string | number | boolean | null)[][]) => {
  const sum = new TableChecksum();
  for (const r of rows) sum.add(r);
  return sum.digest();
};

describe("canonicalText", () => {
  it("writes integers in decimal, floats in their shortest exact form, booleans as words and keeps null apart from ''", () => {
    expect(canonicalText(1796317335057)).toBe("1796317335057");
    expect(canonicalText(-3)).toBe("-3");
    expect(canonicalText(-0)).toBe("0");
    expect(canonicalText(9007199254740991)).toBe("9007199254740991");
    expect(canonicalText(0.1 + 0.2)).toBe("0.30000000000000004");
    expect(canonicalText(1e-7)).toBe("1e-7");
    expect(canonicalText(true)).toBe("true");
    expect(canonicalText(false)).toBe("false");
    expect(canonicalText("")).toBe("");
    expect(canonicalText(null)).toBeNull();
  });
});

describe("TableChecksum", () => {
  it("is sha256 over one JSON line per row and counts the rows", () => {
    const sum = new TableChecksum();
    sum.add([1, "a", null, true]);
    sum.add([2, "", 0.5, false]);
    expect(sum.rows).toBe(2);
    const expected = createHash("sha256").update('["1","a",null,"true"]\n["2","","0.5","false"]\n').digest("hex");
    expect(sum.digest()).toBe(expected);
    expect(sumOf()).toBe(createHash("sha256").digest("hex"));
  });

  it("tells apart rows that a plain concatenation would not", () => {
    expect(sumOf([null])).not.toBe(sumOf([""]));
    expect(sumOf(["null"])).not.toBe(sumOf([null]));
    expect(sumOf(["a", "b"])).not.toBe(sumOf(['a","b']));
    expect(sumOf(["a\nb"])).not.toBe(sumOf(["a"], ["b"]));
    expect(sumOf([1, 2])).not.toBe(sumOf([2, 1]));
    expect(sumOf([1], [2])).not.toBe(sumOf([2], [1]));
    // A boolean and the text of its word are the same canonical text: the column's kind decides which it is.
    expect(sumOf([true])).toBe(sumOf(["true"]));
  });
});
