// The whole published HH-RLHF harmless-base test file, with the parsing traps its README counts.
import { createReadStream } from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import { ASSISTANT_MARKER, parseHhPair, parseHhTurns, renderHhTranscript } from "@/lib/formats/hh-rlhf";
import { readRecords } from "@/lib/formats/import/read";
import type { ImportRecord, Message, ReadResult } from "@/lib/formats/record";
import { needsSharedData, HH_RLHF_TEST } from "../../helpers/shared-data";
import { HH_FILE, hhRows } from "./data";

const shared = needsSharedData(HH_RLHF_TEST);
let rows: { chosen: string; rejected: string }[] = [];
const results: ReadResult[] = [];

function records(): ImportRecord[] {
  return results.map((r) => ("record" in r ? r.record : expect.fail(`line ${r.line}: ${r.error.message}`)));
}

function answerOf(transcript: string, prompt: Message[]): string {
  return transcript.slice(renderHhTranscript(prompt).length + ASSISTANT_MARKER.length);
}

shared.describe("HH-RLHF harmless-base test file", () => {
  beforeAll(async () => {
    rows = hhRows();
    for await (const result of readRecords(createReadStream(HH_FILE))) results.push(result);
  });

  it("reads every row of the gzipped JSONL, one record per line", () => {
    expect(rows).toHaveLength(2312);
    expect(results).toHaveLength(2312);
    expect(results.filter((r) => "error" in r)).toEqual([]);
    expect(results.map((r) => r.line)).toEqual(rows.map((_, i) => i + 1));
  });

  it("reconstructs both original transcripts exactly from the one shared prompt", () => {
    const all = records();
    rows.forEach((row, i) => {
      const { prompt, responses } = all[i];
      expect(Array.isArray(prompt)).toBe(true);
      const rendered = renderHhTranscript(prompt as Message[]);
      expect(rendered + ASSISTANT_MARKER + responses[0].content, `row ${i + 1} chosen`).toBe(row.chosen);
      expect(rendered + ASSISTANT_MARKER + responses[1].content, `row ${i + 1} rejected`).toBe(row.rejected);
      expect(responses.map((r) => r.metadata)).toEqual([{ source_label: "chosen" }, { source_label: "rejected" }]);
    });
  });

  it("gives prompts that alternate Human/Assistant and end with a Human turn", () => {
    for (const record of records()) {
      const prompt = record.prompt as Message[];
      prompt.forEach((m, i) => expect(m.role).toBe(i % 2 === 0 ? "user" : "assistant"));
      expect(prompt.at(-1)?.role).toBe("user");
    }
  });

  it("handles the 445 rows whose answers start the same way", () => {
    const all = records();
    const sharing = all.filter(({ responses: [a, b] }) => a.content !== "" && b.content !== "" && a.content[0] === b.content[0]);
    expect(sharing).toHaveLength(445);
    // The raw common prefix would have swallowed the shared start into the prompt.
    for (const record of sharing) {
      const last = (record.prompt as Message[]).at(-1)!;
      expect(last.role).toBe("user");
    }
  });

  it("handles the 5 rows where splitting each side on its own last Assistant marker disagrees", () => {
    const naive = (t: string) => t.slice(0, t.lastIndexOf("\n\nAssistant:"));
    const traps = rows.map((row, i) => ({ row, i })).filter(({ row }) => naive(row.chosen) !== naive(row.rejected));
    expect(traps).toHaveLength(5);
    const all = records();
    for (const { row, i } of traps) {
      const prompt = all[i].prompt as Message[];
      expect(answerOf(row.chosen, prompt)).toBe(all[i].responses[0].content);
      expect(answerOf(row.rejected, prompt)).toBe(all[i].responses[1].content);
    }
  });

  it("imports the 4 rows whose chosen answer is empty", () => {
    const empty = records().filter((r) => r.responses[0].content === "");
    expect(empty).toHaveLength(4);
    for (const record of empty) expect(record.responses[1].content).not.toBe("");
  });

  it("imports the 5 rows where one transcript is a strict prefix of the other", () => {
    const prefixRows = rows
      .map((row, i) => ({ row, i }))
      .filter(({ row: { chosen, rejected } }) => chosen !== rejected && (chosen.startsWith(rejected) || rejected.startsWith(chosen)));
    expect(prefixRows).toHaveLength(5);
    const all = records();
    for (const { i } of prefixRows) expect((all[i].prompt as Message[]).at(-1)?.role).toBe("user");
  });
});

describe("HH transcript helpers", () => {
  it("keeps a Human marker inside a Human turn as text when reading turns", () => {
    const text = "\n\nHuman: a\n\nHuman: b\n\nAssistant: c";
    expect(parseHhTurns(text)).toEqual([
      { role: "user", content: "a\n\nHuman: b" },
      { role: "assistant", content: "c" },
    ]);
    expect(renderHhTranscript(parseHhTurns(text))).toBe(text);
  });

  it("splits a pair whose shorter side ends with an empty answer", () => {
    expect(parseHhPair("\n\nHuman: q\n\nAssistant: ", "\n\nHuman: q\n\nAssistant: Ok")).toEqual({
      prompt: [{ role: "user", content: "q" }],
      chosen: "",
      rejected: "Ok",
    });
  });

  it("folds system turns into the next Human turn when rendering", () => {
    expect(
      renderHhTranscript([
        { role: "system", content: "Be brief." },
        { role: "user", content: "Hi" },
        { role: "assistant", content: "Hello" },
      ]),
    ).toBe("\n\nHuman: Be brief.\n\nHi\n\nAssistant: Hello");
  });
});
