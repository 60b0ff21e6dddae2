import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { FormatError } from "@/lib/formats/errors";
import { FIELD_MAP_HELP, parseFieldMap } from "@/lib/formats/import/field-map";
import { toRecord } from "@/lib/formats/import/normalize";
import { readRecords } from "@/lib/formats/import/read";
import type { Choice, ImportRecord } from "@/lib/formats/record";
import { needsSharedData, PANDALM_TEST } from "../../helpers/shared-data";
import { PANDALM_FILE, chunked } from "./data";

const PANDALM_MAP =
  "id=idx,prompt=instruction+input,responses=response1|response2,models=cmp_key," +
  "metadata=motivation_app,annotations=annotator1|annotator2|annotator3,labels=0:tie,1:A,2:B";

describe("parseFieldMap", () => {
  it("parses the PandaLM map", () => {
    expect(parseFieldMap(PANDALM_MAP)).toEqual({
      id: "idx",
      prompt: ["instruction", "input"],
      responses: ["response1", "response2"],
      models: { field: "cmp_key", separator: "_" },
      metadata: ["motivation_app"],
      annotations: ["annotator1", "annotator2", "annotator3"],
      labels: { "0": "tie", "1": "A", "2": "B" },
    });
  });

  it("accepts per-response model fields, a separator, metadata=*, gold, priority and |-separated labels", () => {
    expect(parseFieldMap("prompt=q, responses=a|b|c, models=ma|mb|mc, metadata=*, gold=g, priority=p, labels=x:A|y:B|z:tie")).toEqual({
      prompt: ["q"],
      responses: ["a", "b", "c"],
      models: { fields: ["ma", "mb", "mc"] },
      metadata: "*",
      gold: "g",
      priority: "p",
      labels: { x: "A", y: "B", z: "tie" },
    });
    expect(parseFieldMap("prompt=q,responses=a|b,models=pair,models_sep=/").models).toEqual({ field: "pair", separator: "/" });
  });

  it.each([
    ["responses=a|b", "prompt: required (e.g. prompt=instruction)"],
    ["prompt=q", "responses: required (e.g. responses=response1|response2)"],
    ["prompt=q,responses=a", "responses: expected 2 to 8 fields, got 1"],
    ["prompt=q,responses=a|b,colour=red", '"colour": unknown key (keys: id, prompt, responses, models, models_sep, metadata, annotations, labels, gold, gold_explanation, priority, tags)'],
    ["prompt=q,responses=a|b,prompt=r", "prompt: given twice"],
    ["prompt=q,responses=a|b,models=x|y|z", "models: expected one field per response (2), got 3"],
    ["prompt=q,responses=a|b,models_sep=_", "models_sep: given without models"],
    ["prompt=q,responses=a|b,annotations=x,labels=1:C", 'labels: "C" is not a choice (A, B, tie, both_bad)'],
    ["prompt=q,responses=a|b,labels=1:A", "labels: given without annotations or gold"],
    ["prompt=q,responses=a|b,id=x,oops", '"oops": expected KEY=VALUE (keys: id, prompt, responses, models, models_sep, metadata, annotations, labels, gold, gold_explanation, priority, tags)'],
    ["prompt=q|r,responses=a|b", 'prompt: "q|r" is not a field name'],
    ["prompt=,responses=a|b", "prompt: missing a value"],
  ])("rejects %s", (spec, message) => {
    expect(() => parseFieldMap(spec)).toThrow(FormatError);
    expect(() => parseFieldMap(spec)).toThrow(expect.objectContaining({ message }));
  });

  it("documents the grammar it implements", () => {
    for (const key of ["prompt=F+G", "responses=F|G", "models=F", "models_sep=S", "id=F", "metadata=F|G", "annotations=F|G", "labels=V:C", "gold=F", "priority=F", "tags=F"]) {
      expect(FIELD_MAP_HELP).toContain(key);
    }
    expect(() => parseFieldMap(FIELD_MAP_HELP.split("\n").at(-2)!.trim() + FIELD_MAP_HELP.split("\n").at(-1)!.trim())).not.toThrow();
  });
});

describe("records through a field map", () => {
  const map = parseFieldMap(PANDALM_MAP);

  it("joins prompt fields with a blank line, skipping empty ones, and stringifies scalars", () => {
    const raw = { idx: 3, instruction: "Fix this.", input: "", response1: true, response2: 12, cmp_key: "a_b", annotator1: 0, annotator2: null, annotator3: "" };
    expect(toRecord(raw, { map })).toEqual({
      id: "3",
      prompt: "Fix this.",
      responses: [{ content: "true", model: "a" }, { content: "12", model: "b" }],
      annotations: [{ annotator: "annotator1", choice: "tie" }],
      // Taken as text, with a warning the import summary lists (PandaLM has `"response1": true`).
      warnings: [
        { field: "response1", message: 'not text (true); imported as the text "true"' },
        { field: "response2", message: 'not text (12); imported as the text "12"' },
      ],
    });
    expect(toRecord({ ...raw, input: "Text" }, { map }).prompt).toBe("Fix this.\n\nText");
  });

  it("refuses to guess when a model name contains the separator", () => {
    const raw = { idx: 1, instruction: "q", response1: "a", response2: "b", cmp_key: "my_model_llama-7b" };
    expect(() => toRecord(raw, { map })).toThrow(FormatError);
    expect(() => toRecord(raw, { map })).toThrow(/^cmp_key: cannot split "my_model_llama-7b" on "_" into 2 model names/);
    const bySlash = parseFieldMap("prompt=instruction,responses=response1|response2,models=cmp_key,models_sep=/");
    expect(toRecord({ ...raw, cmp_key: "my_model/llama-7b" }, { map: bySlash }).responses.map((r) => r.model)).toEqual(["my_model", "llama-7b"]);
  });

  it("names the source field in errors", () => {
    const raw = { idx: 1, instruction: "", input: " ", response1: "a", response2: "b", annotator1: 7 };
    expect(() => toRecord(raw, { map })).toThrow("instruction+input: must not be empty");
    expect(() => toRecord({ ...raw, instruction: "q" }, { map })).toThrow('annotator1: value "7" is not in labels (0, 1, 2)');
    expect(() => toRecord({ idx: 1, instruction: "q", response1: "a" }, { map })).toThrow("response2: missing");
    expect(() => toRecord({ idx: 1, instruction: "q", response1: "a", response2: { x: 1 } }, { map })).toThrow("response2: expected text, got an object");
  });

  it("copies unmapped fields with metadata=* and reads gold and priority", () => {
    const star = parseFieldMap("prompt=q,responses=a|b,gold=g,priority=p,metadata=*,labels=1:A,2:B");
    expect(toRecord({ q: "Q", a: "x", b: "y", g: 2, p: "4", topic: "t", lang: "en" }, { map: star })).toEqual({
      prompt: "Q",
      responses: [{ content: "x" }, { content: "y" }],
      gold: { choice: "B" },
      priority: 4,
      metadata: { topic: "t", lang: "en" },
    });
  });
});

describe("item tags (routing by skill)", () => {
  const tagged = parseFieldMap("prompt=q,responses=a|b,tags=needs");

  it("reads tags=F from a separated string or a list, lowercased, sorted and without duplicates", () => {
    expect(tagged.tags).toBe("needs");
    expect(toRecord({ q: "Q", a: "x", b: "y", needs: "Medical; code|lang:de;code" }, { map: tagged }).tags).toEqual(["code", "lang:de", "medical"]);
    expect(toRecord({ q: "Q", a: "x", b: "y", needs: ["lang:fr", "code"] }, { map: tagged }).tags).toEqual(["code", "lang:fr"]);
    // An empty value means an untagged item.
    expect(toRecord({ q: "Q", a: "x", b: "y", needs: "" }, { map: tagged })).not.toHaveProperty("tags");
  });

  it("names the field and the tag that breaks the rule", () => {
    expect(() => toRecord({ q: "Q", a: "x", b: "y", needs: "code;deep learning" }, { map: tagged })).toThrow('needs: "deep learning" is not a valid tag: use lowercase letters, digits');
    expect(() => toRecord({ q: "Q", a: "x", b: "y", needs: ["code", 3] }, { map: tagged })).toThrow("needs[1]: expected text, got number");
    expect(() => parseFieldMap("prompt=q,responses=a|b,tags=x|y")).toThrow('tags: "x|y" is not a field name');
  });

  it("reads the canonical `tags` field instead of folding it into metadata", () => {
    const record = toRecord({ prompt: "Q", responses: ["x", "y"], tags: ["code"], topic: "t" });
    expect(record.tags).toEqual(["code"]);
    expect(record.metadata).toEqual({ topic: "t" });
    expect(() => toRecord({ prompt: "Q", responses: ["x", "y"], tags: { a: 1 } })).toThrow('tags: expected a list of tags or a ";"-separated string');
  });
});

needsSharedData(PANDALM_TEST).describe("PandaLM test set through the field map", () => {
  it("maps all 999 items with models, metadata and three labelled annotations each", async () => {
    const map = parseFieldMap(PANDALM_MAP);
    const source = JSON.parse(readFileSync(PANDALM_FILE, "utf8")) as Record<string, unknown>[];
    const records: ImportRecord[] = [];
    const lines: number[] = [];
    for await (const result of readRecords(chunked(readFileSync(PANDALM_FILE)), { map })) {
      if ("error" in result) expect.fail(`line ${result.line}: ${result.error.message}`);
      records.push(result.record);
      lines.push(result.line);
    }
    expect(records).toHaveLength(999);
    expect(lines[0]).toBe(2); // the first element opens on the line after "["
    expect(lines[1]).toBe(14);

    const models = new Set<string>();
    records.forEach((record, i) => {
      const row = source[i];
      expect(record.id).toBe(String(row.idx));
      expect(record.responses).toHaveLength(2);
      expect(record.responses.map((r) => r.model).join("_")).toBe(row.cmp_key);
      record.responses.forEach((r) => models.add(r.model!));
      expect(record.metadata).toEqual({ motivation_app: row.motivation_app });
      expect(record.annotations?.map((a) => a.annotator)).toEqual(["annotator1", "annotator2", "annotator3"]);
      const prompt = [row.instruction, row.input].filter((p) => typeof p === "string" && p.trim() !== "").join("\n\n");
      expect(record.prompt).toBe(prompt);
    });
    expect([...models].sort()).toEqual(["bloom-7b", "cerebras-gpt-6.7B", "llama-7b", "opt-7b", "pythia-6.9b"]);
    // Six responses are JSON `true` in the source file; they import as the text "true".
    expect(records.flatMap((r) => r.responses).filter((r) => r.content === "true")).toHaveLength(6);

    // The published majority-label distribution: 105 ties, 422 for response1, 472 for response2.
    const majority = { tie: 0, A: 0, B: 0, none: 0 } as Record<Choice | "none", number>;
    for (const record of records) {
      const counts = new Map<Choice, number>();
      for (const a of record.annotations!) counts.set(a.choice!, (counts.get(a.choice!) ?? 0) + 1);
      const top = [...counts].find(([, n]) => n >= 2);
      majority[top ? top[0] : "none"]++;
    }
    expect(majority).toEqual({ tie: 105, A: 422, B: 472, none: 0 });
  });
});
