// How a refused server action becomes form state: field errors carried by the typed error go
// next to the form's fields, everything else is the form message, and nothing is parsed from text.
import { describe, expect, it } from "vitest";
import { issueErrors, refusal } from "@/lib/http/form-state";
import { AppError, fieldError, parseInput } from "@/lib/services/errors";
import { z } from "zod";

function refused(fn: () => unknown): unknown {
  try {
    fn();
  } catch (e) {
    return e;
  }
  throw new Error("expected a refusal");
}

const schema = z.object({ priority: z.number({ message: "must be a number" }), gold: z.enum(["A", "B"], { message: "must be A or B" }), schema: z.object({ type: z.literal("pairwise", { message: "must be pairwise" }) }).optional() });

describe("refusal", () => {
  it("puts each field error of a parsed input next to its field, a nested path on its top-level field", () => {
    const err = refused(() => parseInput(schema, { priority: "x", gold: "C", schema: { type: "poll" } }));
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).fields).toEqual({ priority: "must be a number", gold: "must be A or B", "schema.type": "must be pairwise" });
    expect(refusal(err, ["priority", "gold", "schema"], "See the fields.")).toEqual({
      ok: false,
      message: "See the fields.",
      errors: { priority: "must be a number", gold: "must be A or B", schema: "must be pairwise" },
    });
  });

  it("keeps field errors the form does not show in the form message, named", () => {
    const err = refused(() => parseInput(schema, { priority: "x", gold: "C" }));
    expect(refusal(err, ["gold"])).toEqual({ ok: false, message: "priority: must be a number", errors: { gold: "must be A or B" } });
  });

  it("shows a message that names no field as the form message, even when it contains a colon", () => {
    expect(refusal(new AppError("conflict", "Project: x is closed"), ["Project"])).toEqual({ ok: false, message: "Project: x is closed" });
    expect(refusal(fieldError("email", "a@b.c is a manager"), ["email"], "See below.")).toEqual({ ok: false, message: "See below.", errors: { email: "a@b.c is a manager" } });
  });

  it("rethrows anything that is not a typed error", () => {
    const bug = new TypeError("x is undefined");
    expect(() => refusal(bug, [])).toThrow(bug);
  });
});

describe("issueErrors", () => {
  it("keys a form schema's issues by form field, a whole-form issue as _form", () => {
    const parsed = schema.refine(() => false, { message: "never" }).safeParse({ priority: 1, gold: "A" });
    expect(parsed.success).toBe(false);
    if (!parsed.success) expect(issueErrors(parsed.error)).toEqual({ _form: "never" });
    const fields = schema.safeParse({ priority: "x", gold: "A", schema: { type: "poll" } });
    if (!fields.success) expect(issueErrors(fields.error)).toEqual({ priority: "must be a number", schema: "must be pairwise" });
  });
});
