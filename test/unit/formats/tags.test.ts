// The skill/tag rule, tag keys, which tag keys a claim may serve under each routing rule and
// narrowing, and the CSV of users: pure functions, hand-checked cases.
import { describe, expect, it } from "vitest";
import { readTags, servableKeys, tagKey, tagsOfKey } from "@/lib/formats/tags";
import { readUsersCsv } from "@/lib/formats/users-csv";

describe("tags", () => {
  it("normalises and keys tags", () => {
    expect(readTags(" Lang:DE ;code|code", "tags")).toEqual(["code", "lang:de"]);
    expect(readTags(undefined, "tags")).toEqual([]);
    expect(tagKey(["medical", "code"])).toBe("code|medical");
    expect(tagKey([])).toBe("");
    expect(tagsOfKey("code|medical")).toEqual(["code", "medical"]);
    expect(tagsOfKey("")).toEqual([]);
    expect(() => readTags("x".repeat(41), "tags")).toThrow("is not a valid tag");
    expect(() => readTags(["a", "b", "c"], "tags", 2)).toThrow("tags: at most 2 allowed, got 3");
  });
});

describe("servableKeys", () => {
  const keys = ["", "code", "code|lang:de", "medical", "law"];
  const serve = (rule: "open" | "required" | "preferred", skills: string[], chosen: string[] | null, pass: "first" | "rest" = "first") =>
    servableKeys({ keys, rule, skills, chosen, pass });

  it("required: keys whose tags are all held, untagged included", () => {
    expect(serve("required", ["code"], null)).toEqual(["", "code"]);
    expect(serve("required", ["code", "lang:de", "law"], null)).toEqual(["", "code", "code|lang:de", "law"]);
    expect(serve("required", [], null)).toEqual([""]);
  });

  it("preferred: first the tagged keys held in full, then everything", () => {
    expect(serve("preferred", ["code", "lang:de"], null)).toEqual(["code", "code|lang:de"]);
    expect(serve("preferred", ["code"], null, "rest")).toBeNull();
    expect(serve("preferred", [], null)).toEqual([]);
  });

  it("open is unrestricted; narrowing keeps keys sharing a tag with the chosen skills", () => {
    expect(serve("open", ["code"], null)).toBeNull();
    expect(serve("open", ["code", "medical"], ["code"])).toEqual(["code", "code|lang:de"]);
    expect(serve("required", ["code", "medical"], ["code"])).toEqual(["code"]);
    expect(serve("preferred", ["code", "medical"], ["medical"], "rest")).toEqual(["medical"]);
  });
});

describe("readUsersCsv", () => {
  it("reads rows with their line numbers, columns in any order", () => {
    expect(readUsersCsv("role,email,skills\nannotator,a@x.org,code;law\n\nmanager,b@x.org,\n")).toEqual({
      rows: [
        { line: 2, email: "a@x.org", role: "annotator", skills: ["code", "law"] },
        { line: 4, email: "b@x.org", role: "manager", skills: [] },
      ],
      errors: [],
    });
  });

  it("keeps a password as given, spaces included, and reports bad quoting with a line", () => {
    expect(readUsersCsv("email,role,password\na@x.org,annotator, secret pw \n").rows[0].password).toBe(" secret pw ");
    expect(readUsersCsv('email,role\n"a@x.org,annotator\n').errors[0].message).toMatch(/^invalid CSV/);
    expect(readUsersCsv("").errors).toEqual([{ line: 1, message: "the file is empty: expected a header row (email,name,role,skills,password)" }]);
  });
});
