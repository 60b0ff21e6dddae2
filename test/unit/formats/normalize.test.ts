import { describe, expect, it } from "vitest";
import { FormatError } from "@/lib/formats/errors";
import { detectShape, toRecord } from "@/lib/formats/import/normalize";

function errorOf(raw: unknown): { field: string; message: string } {
  try {
    toRecord(raw);
  } catch (error) {
    expect(error).toBeInstanceOf(FormatError);
    const e = error as FormatError;
    return { field: e.field ?? "", message: e.message };
  }
  throw new Error("expected toRecord to throw");
}

describe("canonical records", () => {
  it("keeps every field of a full record", () => {
    const full = {
      id: "item-1",
      prompt: "Write a haiku about rain.",
      responses: [
        { content: "Drops on the tin roof", model: "m1", metadata: { temperature: 0.7 } },
        { content: "Grey sky, wet street", model: "m2" },
      ],
      metadata: { topic: "poetry" },
      gold: { choice: "A" },
      priority: 5,
      annotations: [{ annotator: "ext-1", choice: "B", rationale: "shorter" }],
    };
    expect(toRecord(structuredClone(full))).toEqual(full);
  });

  it("accepts a conversation prompt, bare-string responses, a numeric id and up to 8 responses", () => {
    const record = toRecord({
      id: 42,
      prompt: [
        { role: "system", content: "Be brief." },
        { role: "user", content: "Hi" },
        { role: "assistant", content: "Hello!" },
        { role: "user", content: "Name a colour." },
      ],
      responses: ["red", "blue", "green", "", "a", "b", "c", "d"],
    });
    expect(record.id).toBe("42");
    expect(record.responses).toHaveLength(8);
    expect(record.responses[3]).toEqual({ content: "" });
    expect(Array.isArray(record.prompt) && record.prompt.at(-1)).toEqual({ role: "user", content: "Name a colour." });
  });

  it("allows an empty response (HH-RLHF has some) but not an empty prompt", () => {
    expect(toRecord({ prompt: "q", responses: ["", "b"] }).responses[0].content).toBe("");
    expect(errorOf({ prompt: "  ", responses: ["a", "b"] })).toEqual({ field: "prompt", message: "prompt: must not be empty" });
  });

  it("keeps unknown keys in metadata, explicit metadata winning", () => {
    const record = toRecord({ prompt: "q", responses: ["a", { content: "b", score: 3 }], source: "x", metadata: { source: "y" } });
    expect(record.metadata).toEqual({ source: "y" });
    expect(record.responses[1].metadata).toEqual({ score: 3 });
    expect(toRecord({ prompt: "q", responses: ["a", "b"], lang: "en" }).metadata).toEqual({ lang: "en" });
  });

  it("turns numeric text into a priority (CSV cells are text)", () => {
    expect(toRecord({ prompt: "q", responses: ["a", "b"], priority: "3" }).priority).toBe(3);
    expect(errorOf({ prompt: "q", responses: ["a", "b"], priority: "high" }).message).toBe('priority: expected a number, got "high"');
  });

  it.each([
    [{ prompt: "q", responses: ["only one"] }, "responses", "responses: expected 2 to 8 responses, got 1"],
    [{ prompt: "q", responses: Array(9).fill("x") }, "responses", "responses: expected 2 to 8 responses, got 9"],
    [{ prompt: "q", responses: "ab" }, "responses", "responses: expected a list of responses, got a string"],
    [{ prompt: "q", responses: [{ content: "a" }, { content: null }] }, "responses[1].content", "responses[1].content: expected a string, got null"],
    [{ prompt: "q", responses: [{ content: "a" }, { text: "b" }] }, "responses[1].content", "responses[1].content: missing"],
    [{ prompt: "q", responses: ["a", "b"], id: "" }, "id", "id: must not be empty"],
    [{ prompt: 3, responses: ["a", "b"] }, "prompt", "prompt: expected a string or a list of {role, content} messages, got a number"],
    [{ responses: ["a", "b"] }, "prompt", "prompt: missing"],
    [{ prompt: [], responses: ["a", "b"] }, "prompt", "prompt: must not be an empty conversation"],
    [
      { prompt: [{ role: "user", content: "q" }, { role: "assistant", content: "a" }], responses: ["a", "b"] },
      "prompt",
      "prompt: must end with a user turn, got assistant",
    ],
    [
      { prompt: [{ role: "user", content: "q" }, { role: "bot", content: "a" }, { role: "user", content: "q" }], responses: ["a", "b"] },
      "prompt[1].role",
      'prompt[1].role: expected "system", "user" or "assistant", got "bot"',
    ],
    [
      { prompt: [{ role: "user", content: "q" }, { role: "system", content: "s" }, { role: "user", content: "q" }], responses: ["a", "b"] },
      "prompt[1].role",
      "prompt[1].role: a system turn must come before the user and assistant turns",
    ],
    [{ prompt: [{ role: "user", content: " " }], responses: ["a", "b"] }, "prompt[0].content", "prompt[0].content: must not be empty"],
    [{ prompt: "q", responses: ["a", "b"], gold: { choice: "C" } }, "gold.choice", 'gold.choice: expected one of "A", "B", "tie", "both_bad", got "C"'],
    [{ prompt: "q", responses: ["a", "b"], annotations: [{ choice: "A" }] }, "annotations[0].annotator", "annotations[0].annotator: missing"],
    [{ prompt: "q", responses: ["a", "b"], annotations: [{ annotator: "x", choice: 1 }] }, "annotations[0].choice", 'annotations[0].choice: expected one of "A", "B", "tie", "both_bad", got 1'],
    [{ prompt: "q", responses: ["a", "b"], metadata: [1] }, "metadata", "metadata: expected an object, got a list"],
  ])("rejects %j at %s", (raw, field, message) => {
    expect(errorOf(raw)).toEqual({ field, message });
  });

  it("keeps annotation payload keys and allows an annotation without a choice", () => {
    const record = toRecord({
      prompt: "q",
      responses: ["a", "b"],
      annotations: [{ annotator: "x", strength: 2, flags: { A: ["unsafe"] } }],
    });
    expect(record.annotations).toEqual([{ annotator: "x", strength: 2, flags: { A: ["unsafe"] } }]);
  });

  it.each([
    [{ annotator: "x", choice: "A", strength: 2 }, "annotations[0].strength", "annotations[0].strength: 2 disagrees with choice A (negative: A is better, positive: B is better, 0: tie)"],
    [{ annotator: "x", ranking: [["A"], ["C"]] }, "annotations[0].ranking[1][0]", "annotations[0].ranking[1][0]: slot C does not exist: the record has 2 responses (A, B)"],
    [{ annotator: "x", ratings: { A: { help: "5" } } }, "annotations[0].ratings.A.help", /^annotations\[0\]\.ratings\.A\.help: .*number/],
    [{ annotator: "x", rationale: "only words" }, "annotations[0]", "annotations[0]: carries no judgment: give a choice, strength, ranking, ratings or demonstration"],
    [{ annotator: "x", strength: 5 }, "annotations[0].strength", /^annotations\[0\]\.strength: .*3/],
  ])("rejects the annotation %j at %s", (annotation, field, message: string | RegExp) => {
    // messages from the judgment API's own schema are matched loosely: that schema words them
    expect(errorOf({ prompt: "q", responses: ["a", "b"], annotations: [annotation] })).toEqual({
      field,
      message: typeof message === "string" ? message : expect.stringMatching(message),
    });
  });
});

describe("shorthand records", () => {
  it("maps response_a/response_b and model_a/model_b", () => {
    expect(toRecord({ id: 7, prompt: "q", response_a: "a", response_b: "b", model_a: "m1", model_b: "" })).toEqual({
      id: "7",
      prompt: "q",
      responses: [{ content: "a", model: "m1" }, { content: "b" }],
    });
  });

  it("names the missing response", () => {
    expect(errorOf({ prompt: "q", response_a: "a" })).toEqual({ field: "response_b", message: "response_b: missing" });
  });
});

describe("TRL preference pairs", () => {
  it("reads the standard explicit form, chosen first, the label kept as candidate metadata", () => {
    const record = toRecord({ prompt: "The sky is", chosen: " blue.", rejected: " green." });
    expect(record).toEqual({
      prompt: "The sky is",
      responses: [
        { content: " blue.", metadata: { source_label: "chosen" } },
        { content: " green.", metadata: { source_label: "rejected" } },
      ],
    });
    expect(record.annotations).toBeUndefined();
    expect(record.gold).toBeUndefined();
  });

  it("reads the standard implicit form the way TRL's extract_prompt does", () => {
    const record = toRecord({ chosen: "The sky is blue.", rejected: "The sky is green." });
    expect(record.prompt).toBe("The sky is");
    expect(record.responses.map((r) => r.content)).toEqual([" blue.", " green."]);
  });

  it("reads the conversational explicit form", () => {
    const record = toRecord({
      prompt: [{ role: "user", content: "What color is the sky?" }],
      chosen: [{ role: "assistant", content: "It is blue." }],
      rejected: [{ role: "assistant", content: "It is green." }],
    });
    expect(record.prompt).toEqual([{ role: "user", content: "What color is the sky?" }]);
    expect(record.responses.map((r) => r.content)).toEqual(["It is blue.", "It is green."]);
  });

  it("reads the conversational implicit form: the prompt is the shared prefix up to the last user turn", () => {
    const history = [
      { role: "system", content: "Be kind." },
      { role: "user", content: "Hi" },
      { role: "assistant", content: "Hello" },
      { role: "user", content: "Colour of the sky?" },
    ];
    const record = toRecord({
      chosen: [...history, { role: "assistant", content: "Blue." }],
      rejected: [...history, { role: "assistant", content: "Blue-ish green." }],
      prompt_id: "p1",
    });
    expect(record.prompt).toEqual(history);
    expect(record.responses.map((r) => r.content)).toEqual(["Blue.", "Blue-ish green."]);
    expect(record.metadata).toEqual({ prompt_id: "p1" });
  });

  it("handles identical final answers in the implicit conversational form", () => {
    const user = { role: "user", content: "q" };
    const answer = { role: "assistant", content: "same" };
    const record = toRecord({ chosen: [user, answer], rejected: [user, answer] });
    expect(record.prompt).toEqual([user]);
    expect(record.responses.map((r) => r.content)).toEqual(["same", "same"]);
  });

  it.each([
    [{ prompt: "q", chosen: "a", rejected: [{ role: "assistant", content: "b" }] }, "rejected", "rejected: expected a string like chosen"],
    [{ prompt: "q", chosen: [{ role: "assistant", content: "a" }], rejected: [{ role: "assistant", content: "b" }] }, "prompt", "prompt: expected a message list, like chosen and rejected"],
    [
      { prompt: [{ role: "user", content: "q" }], chosen: [{ role: "user", content: "a" }], rejected: [{ role: "assistant", content: "b" }] },
      "chosen[0].role",
      'chosen[0].role: expected "assistant", got "user"',
    ],
    [{ prompt: "q", chosen: "a" }, "rejected", "rejected: missing (a preference pair needs chosen and rejected)"],
    [{ chosen: "abc", rejected: "xyz" }, "prompt", "prompt: missing, and chosen and rejected share no common start to use as the prompt"],
    [
      { chosen: [{ role: "user", content: "a" }, { role: "assistant", content: "x" }], rejected: [{ role: "user", content: "b" }, { role: "assistant", content: "y" }] },
      "prompt",
      "prompt: missing, and chosen and rejected share no user turn to use as the prompt",
    ],
  ])("rejects %j at %s", (raw, field, message) => {
    expect(errorOf(raw)).toEqual({ field, message });
  });
});

describe("HH-RLHF transcripts", () => {
  it("splits one pair into a multi-turn prompt and two answers", () => {
    const record = toRecord({
      chosen: "\n\nHuman: Hi\n\nAssistant: Hello\n\nHuman: Joke?\n\nAssistant: Why did the chicken…",
      rejected: "\n\nHuman: Hi\n\nAssistant: Hello\n\nHuman: Joke?\n\nAssistant: Why not.",
    });
    expect(record.prompt).toEqual([
      { role: "user", content: "Hi" },
      { role: "assistant", content: "Hello" },
      { role: "user", content: "Joke?" },
    ]);
    expect(record.responses).toEqual([
      { content: "Why did the chicken…", metadata: { source_label: "chosen" } },
      { content: "Why not.", metadata: { source_label: "rejected" } },
    ]);
  });

  it("does not move the shared start of both answers into the prompt", () => {
    const record = toRecord({ chosen: "\n\nHuman: q\n\nAssistant: I think yes.", rejected: "\n\nHuman: q\n\nAssistant: I think no." });
    expect(record.prompt).toEqual([{ role: "user", content: "q" }]);
    expect(record.responses.map((r) => r.content)).toEqual(["I think yes.", "I think no."]);
  });

  it("keeps an answer that quotes the Assistant marker whole", () => {
    const record = toRecord({
      chosen: "\n\nHuman: q\n\nAssistant: a\n\nAssistant: b",
      rejected: "\n\nHuman: q\n\nAssistant: c",
    });
    expect(record.prompt).toEqual([{ role: "user", content: "q" }]);
    expect(record.responses.map((r) => r.content)).toEqual(["a\n\nAssistant: b", "c"]);
  });

  it("reports a rejected side that is not a transcript", () => {
    expect(errorOf({ chosen: "\n\nHuman: q\n\nAssistant: a", rejected: "plain" })).toEqual({
      field: "rejected",
      message: 'rejected: expected a transcript starting with "\\n\\nHuman: "',
    });
  });
});

describe("shape detection", () => {
  it("tries canonical, shorthand, HH-RLHF, then TRL", () => {
    expect(detectShape({ responses: [], chosen: "x" })).toBe("canonical");
    expect(detectShape({ response_a: "a", chosen: "x" })).toBe("shorthand");
    expect(detectShape({ chosen: "\n\nHuman: q", rejected: "x" })).toBe("hh-rlhf");
    expect(detectShape({ prompt: "\n\nHuman: q", chosen: "\n\nHuman: q", rejected: "x" })).toBe("trl-preference");
    expect(detectShape({ chosen: "x", rejected: "y" })).toBe("trl-preference");
    expect(detectShape({ question: "x" })).toBeNull();
  });

  it("explains an unrecognised shape", () => {
    const { field, message } = errorOf({ question: "q", answer: "a" });
    expect(field).toBe("");
    expect(message).toMatch(/^unrecognised record shape: expected `responses`.*got keys question, answer; a field map can say which/);
    expect(errorOf([1, 2]).message).toBe("expected a JSON object, got a list");
  });
});
