// The dashboard's number formats for the Contenders table: milliseconds and dollars to 4 significant digits.
import { describe, expect, it } from "vitest";
import { ms, usd } from "../../../app/(manage)/manage/[slug]/_components/format";

describe("dashboard number formats", () => {
  it("shows milliseconds rounded, with thousands separators, and – when missing", () => {
    expect(ms(450)).toBe("450 ms");
    expect(ms(1234.5)).toBe("1,235 ms");
    expect(ms(0)).toBe("0 ms");
    expect(ms(null)).toBe("–");
    expect(ms(undefined)).toBe("–");
  });

  it("shows dollars to 4 significant digits, never in exponent notation, and – when missing", () => {
    expect(usd(1.1)).toBe("$1.100");
    expect(usd(0.2)).toBe("$0.2000");
    expect(usd(12345.6)).toBe("$12,350");
    expect(usd(0.000123456)).toBe("$0.0001235");
    expect(usd(0)).toBe("$0.000");
    expect(usd(null)).toBe("–");
  });
});
