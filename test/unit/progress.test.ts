import { describe, expect, it } from "vitest";
import { progressBar } from "@/lib/cli/progress";

describe("the import progress bar", () => {
  it("shows the phase, the share of the file, the rows and the total once known", () => {
    let out = "";
    const bar = progressBar(1000, (s) => (out = s));
    bar.update({ phase: "validating", rows: 500, bytes: 250 });
    expect(out).toMatch(/checking .*\[######-{18}\] 25% · 500 rows/);
    bar.update({ phase: "inserting", rows: 2000, bytes: 1000, total: 4000 });
    expect(out).toMatch(/inserting \[#{24}\] 100% · 2,000\/4,000 rows/);
    bar.done();
    expect(out).toBe("\r\x1b[K");
  });
});
