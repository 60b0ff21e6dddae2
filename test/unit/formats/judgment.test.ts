// The judgment payload contract: each type's payload against a project schema, and slot ↔ candidate mapping.
import { describe, expect, it } from "vitest";
import { fromStored, projectJudgmentSchema, toStored, validatePayload, type JudgmentPayload } from "@/lib/formats/judgment";

const schema = (s: object) => projectJudgmentSchema.parse(s);
const error = (s: object, p: unknown, slots = 2) => {
  const r = validatePayload(schema(s), p, slots);
  return r.ok ? null : r.error;
};
const ok = (s: object, p: unknown, slots = 2): JudgmentPayload => {
  const r = validatePayload(schema(s), p, slots);
  if (!r.ok) throw new Error(r.error);
  return r.payload;
};

const criteria = [
  { key: "helpfulness", label: "Helpfulness", min: 1, max: 5, min_label: "useless", max_label: "very helpful" },
  { key: "honesty", label: "Honesty", min: 1, max: 7 },
];
const flags = [{ key: "unsafe", label: "Unsafe" }, { key: "pii", label: "Contains personal data" }];

describe("project judgment schema", () => {
  it("defaults to plain pairwise and rejects unknown fields", () => {
    expect(schema({})).toMatchObject({ type: "pairwise", strength: false, allow_tie: true, rationale: "optional" });
    expect(projectJudgmentSchema.safeParse({ typo: 1 }).success).toBe(false);
    expect(projectJudgmentSchema.safeParse({ criteria: [{ key: "x", label: "X", min: 5, max: 1 }] }).success).toBe(false);
  });
});

describe("pairwise", () => {
  it("accepts a choice and refuses a missing one", () => {
    expect(ok({}, { choice: "B" })).toEqual({ choice: "B" });
    expect(error({}, {})).toBe("choice: required (A, B, tie or both_bad)");
    expect(error({}, { choice: "C" })).toMatch(/^choice: /);
  });
  it("refuses a tie or both_bad when the project does not allow them", () => {
    expect(error({ allow_tie: false }, { choice: "tie" })).toBe("choice: ties are not allowed in this project");
    expect(error({ allow_both_bad: false }, { choice: "both_bad" })).toBe("choice: both_bad is not allowed in this project");
    expect(error({ allow_tie: false, strength: true }, { strength: 0 })).toBe("strength: 0 (a tie) is not allowed in this project");
  });
  it("derives the choice from a strength and checks its range and agreement", () => {
    expect(ok({ strength: true }, { strength: -2 })).toEqual({ strength: -2, choice: "A" });
    expect(ok({ strength: true }, { strength: 3 }).choice).toBe("B");
    expect(ok({ strength: true }, { strength: 0 }).choice).toBe("tie");
    expect(error({ strength: true }, { strength: 4 })).toMatch(/^strength: /);
    expect(error({ strength: true }, { strength: -4 })).toMatch(/^strength: /);
    expect(error({ strength: true }, { strength: 1.5 })).toMatch(/^strength: /);
    expect(error({ strength: true }, { strength: 2, choice: "A" })).toBe("strength: 2 does not agree with choice A");
    expect(error({ strength: true }, { choice: "A" })).toBe("strength: required (−3 … +3)");
    expect(error({}, { strength: 1 })).toBe("strength: this project does not use a preference strength");
  });
  it("refuses a strength on both_bad, and a non-zero one on a tie", () => {
    expect(ok({ strength: true }, { choice: "both_bad" })).toEqual({ choice: "both_bad" });
    expect(error({ strength: true }, { choice: "both_bad", strength: 2 })).toBe("strength: a both_bad judgment has no strength (leave strength out)");
    expect(error({ strength: true }, { choice: "both_bad", strength: 0 })).toBe("strength: a both_bad judgment has no strength (leave strength out)");
    expect(error({ strength: true }, { choice: "tie", strength: 2 })).toBe("strength: 2 does not agree with choice tie");
    expect(ok({ strength: true }, { choice: "tie", strength: 0 })).toEqual({ choice: "tie", strength: 0 });
  });
  it("takes a rewrite only as the policy allows", () => {
    expect(ok({}, { choice: "both_bad", rewrite: " Better. " }).rewrite).toBe("Better.");
    expect(error({}, { choice: "A", rewrite: "Better." })).toBe("rewrite: only allowed when both responses are bad");
    expect(ok({ rewrite: "always" }, { choice: "A", rewrite: "Better." }).rewrite).toBe("Better.");
    expect(error({ rewrite: "never" }, { choice: "both_bad", rewrite: "x" })).toBe("rewrite: this project does not take rewrites");
  });
  it("refuses fields of other types and unknown keys", () => {
    expect(error({}, { choice: "A", ranking: [["A"], ["B"]] })).toBe("ranking: not used in a pairwise project");
    expect(error({}, { choice: "A", bogus: 1 })).toMatch(/bogus/);
  });
});

describe("rationale policy", () => {
  it("requires, allows or refuses a rationale", () => {
    expect(error({ rationale: "required" }, { choice: "A" })).toBe("rationale: required in this project");
    expect(error({ rationale: "required" }, { choice: "A", rationale: "   " })).toBe("rationale: required in this project");
    expect(ok({ rationale: "required" }, { choice: "A", rationale: " clearer " }).rationale).toBe("clearer");
    expect(ok({}, { choice: "A" }).rationale).toBeUndefined();
    expect(error({ rationale: "hidden" }, { choice: "A", rationale: "x" })).toBe("rationale: this project does not collect a rationale");
  });
});

describe("ranking", () => {
  const r = { type: "ranking" };
  it("accepts a full order with tie groups when ties are allowed", () => {
    expect(ok(r, { ranking: [["C"], ["A", "D"], ["B"]] }, 4).ranking).toEqual([["C"], ["A", "D"], ["B"]]);
  });
  it("names the slot that is missing, repeated or out of range", () => {
    expect(error(r, { ranking: [["A"], ["B"], ["D"]] }, 4)).toBe("ranking: slot C is missing");
    expect(error(r, { ranking: [["A"], ["B"], ["A"], ["C"]] }, 3)).toBe("ranking: slot A appears twice");
    expect(error(r, { ranking: [["A"], ["B"], ["E"]] }, 3)).toBe("ranking: slot E does not exist (this item has 3 responses, A–C)");
    expect(error(r, {}, 3)).toMatch(/^ranking: required/);
    expect(error(r, { ranking: [["A"], []] }, 3)).toMatch(/^ranking\.1: /);
  });
  it("refuses tie groups when ties are not allowed, and a pairwise choice", () => {
    expect(error({ type: "ranking", allow_tie: false }, { ranking: [["A", "B"], ["C"]] }, 3)).toBe(
      "ranking: ties are not allowed in this project (A, B share a place)",
    );
    expect(error(r, { ranking: [["A"], ["B"]], choice: "A" })).toBe("choice: not used in a ranking project");
  });
});

describe("ratings", () => {
  const rating = { type: "rating", criteria };
  const full = { A: { helpfulness: 4, honesty: 7 }, B: { helpfulness: 1, honesty: 3 } };
  it("accepts every criterion for every response", () => {
    expect(ok(rating, { ratings: full }).ratings).toEqual(full);
  });
  it("names a missing, unknown or out-of-range rating", () => {
    expect(error(rating, { ratings: { A: full.A } })).toBe("ratings.B.helpfulness: required");
    expect(error(rating, { ratings: { ...full, A: { ...full.A, helpfulness: 6 } } })).toBe("ratings.A.helpfulness: 6 is out of range (1 … 5)");
    expect(error(rating, { ratings: { ...full, A: { ...full.A, honesty: 0 } } })).toBe("ratings.A.honesty: 0 is out of range (1 … 7)");
    expect(error(rating, { ratings: { ...full, B: { ...full.B, wit: 3 } } })).toBe("ratings.B.wit: unknown criterion (known: helpfulness, honesty)");
    expect(error(rating, { ratings: { ...full, C: full.A } })).toMatch(/^ratings\.C: slot C does not exist/);
  });
  it("are optional alongside a pairwise choice but still checked", () => {
    expect(ok({ criteria }, { choice: "A" })).toEqual({ choice: "A" });
    expect(ok({ criteria }, { choice: "A", ratings: { A: { helpfulness: 5 } } }).ratings).toEqual({ A: { helpfulness: 5 } });
    expect(error({ criteria }, { choice: "A", ratings: { A: { helpfulness: 9 } } })).toMatch(/out of range/);
    expect(error({}, { choice: "A", ratings: { A: { helpfulness: 3 } } })).toBe("ratings: this project has no rating criteria");
  });
});

describe("flags", () => {
  it("accepts known flags per response, dropping repeats and empty lists", () => {
    expect(ok({ flags }, { choice: "A", flags: { B: ["unsafe", "unsafe", "pii"], A: [] } }).flags).toEqual({ B: ["unsafe", "pii"] });
  });
  it("names an unknown flag", () => {
    expect(error({ flags }, { choice: "A", flags: { A: ["rude"] } })).toBe('flags.A: unknown flag "rude" (known: unsafe, pii)');
    expect(error({}, { choice: "A", flags: { A: ["rude"] } })).toBe('flags.A: unknown flag "rude" (this project has no flags)');
  });
});

describe("demonstration", () => {
  it("requires the written response", () => {
    expect(ok({ type: "demonstration" }, { demonstration: "The ideal answer." })).toEqual({ demonstration: "The ideal answer." });
    expect(error({ type: "demonstration" }, { demonstration: "  " })).toBe("demonstration: required (the ideal response)");
    expect(error({ type: "demonstration" }, { demonstration: "x", choice: "A" })).toBe("choice: not used in a demonstration project");
  });
});

describe("slot and candidate terms", () => {
  it("maps slots to candidate ids through the slot order and back", () => {
    const order = [30, 10, 20];
    const payload: JudgmentPayload = { ranking: [["B"], ["A", "C"]], ratings: { A: { helpfulness: 2 } }, flags: { C: ["unsafe"] } };
    const stored = toStored("ranking", payload, order);
    expect(stored).toEqual({ type: "ranking", ranking: [[10], [30, 20]], ratings: { "30": { helpfulness: 2 } }, flags: { "20": ["unsafe"] } });
    expect(fromStored(stored, order)).toEqual(payload);
    expect(toStored("pairwise", { choice: "B", strength: 2 }, [7, 9])).toEqual({ type: "pairwise", choice: "B", strength: 2, winner: 9 });
    expect(toStored("pairwise", { choice: "tie" }, [7, 9]).winner).toBeNull();
  });
});
