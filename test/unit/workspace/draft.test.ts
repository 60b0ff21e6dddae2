import { describe, expect, it } from "vitest";
import { projectJudgmentSchema } from "@/lib/formats/judgment";
import { checkDraft, currentScale, digitValue, emptyDraft, moveScale, nothingChosenMessage, ratingScales, setRating } from "../../../app/(annotate)/annotate/[slug]/_components/draft";

const schema = projectJudgmentSchema.parse({
  type: "rating",
  criteria: [
    { key: "helpfulness", label: "Helpfulness" },
    { key: "accuracy", label: "Accuracy", min: 0, max: 10 },
  ],
});

describe("rating scales by keyboard", () => {
  it("orders the scales response by response, criterion by criterion", () => {
    expect(ratingScales(schema, 2).map((s) => `${s.slot}.${s.criterion.key}`)).toEqual(["A.helpfulness", "A.accuracy", "B.helpfulness", "B.accuracy"]);
  });

  it("points at the first unrated scale, or at the one moved to, and at none when all are rated", () => {
    let d = emptyDraft(2);
    expect(currentScale(schema, d, 2)?.criterion.key).toBe("helpfulness");
    d = { ...d, ratings: setRating(d.ratings, "A", "helpfulness", 3) };
    expect(currentScale(schema, d, 2)).toMatchObject({ slot: "A", criterion: { key: "accuracy" } });
    d = { ...d, scale: 0 };
    expect(currentScale(schema, d, 2)).toMatchObject({ slot: "A", criterion: { key: "helpfulness" } });
    let all = emptyDraft(2);
    for (const s of ratingScales(schema, 2)) all = { ...all, ratings: setRating(all.ratings, s.slot, s.criterion.key, 1) };
    expect(currentScale(schema, all, 2)).toBeUndefined();
    expect(currentScale({ ...schema, type: "pairwise" }, emptyDraft(2), 2)).toBeUndefined();
  });

  it("moves forward and back, wrapping around", () => {
    const d = emptyDraft(2);
    expect(moveScale(schema, d, 2, 1)).toBe(1);
    expect(moveScale(schema, d, 2, -1)).toBe(3);
    expect(moveScale(schema, { ...d, scale: 3 }, 2, 1)).toBe(0);
    let all = emptyDraft(2);
    for (const s of ratingScales(schema, 2)) all = { ...all, ratings: setRating(all.ratings, s.slot, s.criterion.key, 1) };
    expect(moveScale(schema, all, 2, 1)).toBe(0);
    expect(moveScale(schema, all, 2, -1)).toBe(3);
  });

  it("reads a digit on a scale: in range, 0 as 10 only where 0 is not on the scale", () => {
    expect(digitValue("3", { min: 1, max: 5 })).toBe(3);
    expect(digitValue("6", { min: 1, max: 5 })).toBeUndefined();
    expect(digitValue("0", { min: 1, max: 10 })).toBe(10);
    expect(digitValue("0", { min: 0, max: 10 })).toBe(0);
    expect(digitValue("0", { min: 1, max: 5 })).toBeUndefined();
    expect(digitValue("x", { min: 1, max: 5 })).toBeUndefined();
    expect(digitValue("-", { min: -3, max: 3 })).toBeUndefined();
  });
});

describe("Enter with nothing chosen", () => {
  const pairwise = (s: object) => projectJudgmentSchema.parse({ type: "pairwise", ...s });

  it("says in words what to do, naming the keys the project allows", () => {
    expect(checkDraft(pairwise({}), emptyDraft(2), 2)).toEqual({ ok: false, error: "Choose a response first: press A or B, T for a tie, or X if both are bad." });
    expect(nothingChosenMessage(pairwise({ allow_tie: false }))).toBe("Choose a response first: press A or B, or X if both are bad.");
    expect(nothingChosenMessage(pairwise({ allow_tie: false, allow_both_bad: false }))).toBe("Choose a response first: press A or B.");
    expect(nothingChosenMessage(pairwise({ strength: true }))).toBe("Choose how the responses compare first: press 1 to 7 (1: A much better, 7: B much better), or X if both are bad.");
  });

  it("is not shown once a choice is made", () => {
    const chosen = checkDraft(pairwise({}), { ...emptyDraft(2), choice: "tie" }, 2);
    expect(chosen.ok).toBe(true);
  });
});
