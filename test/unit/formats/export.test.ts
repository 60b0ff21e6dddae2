import { describe, expect, it } from "vitest";
import {
  EXPORT_FORMATS,
  checkTrlRow,
  formatPair,
  hhRlhfRow,
  openaiDpoRow,
  sftRow,
  trlDpoRow,
  trlKtoRow,
  trlRewardRow,
  type ExportFormatName,
  type PairFormatName,
} from "@/lib/formats/export";
import { lineEncoder } from "@/lib/formats/export/encode";
import { toRecord } from "@/lib/formats/import/normalize";
import type { Message, PreferencePair, UnpairedExample } from "@/lib/formats/record";
import { HH_RLHF_TEST, needsSharedData } from "../../helpers/shared-data";
import { hhRows } from "./data";

const single: PreferencePair = { itemId: "1", prompt: "What color is the sky?", chosen: "Blue.", rejected: "Green." };
const singleAsList: PreferencePair = { ...single, prompt: [{ role: "user", content: "What color is the sky?" }] };
const history: Message[] = [
  { role: "system", content: "Be brief." },
  { role: "user", content: "Hi" },
  { role: "assistant", content: "Hello" },
  { role: "user", content: "Sky colour?" },
];
const multi: PreferencePair = { itemId: "2", prompt: history, chosen: "Blue.", rejected: "Green.", margin: 2 };

describe("trl-dpo", () => {
  it("writes the standard form for a single-turn prompt", () => {
    expect(trlDpoRow(single)).toEqual({ prompt: "What color is the sky?", chosen: "Blue.", rejected: "Green." });
    expect(trlDpoRow(singleAsList)).toEqual(trlDpoRow(single));
  });

  it("writes the conversational form for a multi-turn prompt or on request", () => {
    expect(trlDpoRow(multi)).toEqual({
      prompt: history,
      chosen: [{ role: "assistant", content: "Blue." }],
      rejected: [{ role: "assistant", content: "Green." }],
    });
    expect(trlDpoRow(single, { conversational: true })).toEqual({
      prompt: [{ role: "user", content: "What color is the sky?" }],
      chosen: [{ role: "assistant", content: "Blue." }],
      rejected: [{ role: "assistant", content: "Green." }],
    });
  });
});

describe("trl-reward", () => {
  it("writes implicit-prompt rows: text joined with a blank line, or whole conversations", () => {
    expect(trlRewardRow(single)).toEqual({
      chosen: "What color is the sky?\n\nBlue.",
      rejected: "What color is the sky?\n\nGreen.",
    });
    expect(trlRewardRow(multi)).toEqual({
      chosen: [...history, { role: "assistant", content: "Blue." }],
      rejected: [...history, { role: "assistant", content: "Green." }],
      margin: 2,
    });
    expect(trlRewardRow(single, { separator: " " }).chosen).toBe("What color is the sky? Blue.");
  });
});

describe("trl-kto", () => {
  const good: UnpairedExample = { itemId: "1", prompt: "Q?", completion: "A.", label: true };
  it("writes prompt, completion and a boolean label", () => {
    expect(trlKtoRow(good)).toEqual({ prompt: "Q?", completion: "A.", label: true });
    expect(trlKtoRow({ ...good, prompt: history, label: false })).toEqual({
      prompt: history,
      completion: [{ role: "assistant", content: "A." }],
      label: false,
    });
  });
});

describe("openai-dpo, hh-rlhf and sft", () => {
  it("writes OpenAI preference rows", () => {
    expect(openaiDpoRow(single)).toEqual({
      input: { messages: [{ role: "user", content: "What color is the sky?" }] },
      preferred_output: [{ role: "assistant", content: "Blue." }],
      non_preferred_output: [{ role: "assistant", content: "Green." }],
    });
    expect(openaiDpoRow(multi).input.messages).toEqual(history);
  });

  it("writes HH-RLHF transcripts that import back to the same pair, the system turn folded in", () => {
    const row = hhRlhfRow(multi);
    expect(row.chosen).toBe("\n\nHuman: Be brief.\n\nHi\n\nAssistant: Hello\n\nHuman: Sky colour?\n\nAssistant: Blue.");
    const record = toRecord(row);
    expect(record.prompt).toEqual([
      { role: "user", content: "Be brief.\n\nHi" },
      { role: "assistant", content: "Hello" },
      { role: "user", content: "Sky colour?" },
    ]);
    expect(record.responses.map((r) => r.content)).toEqual(["Blue.", "Green."]);
  });

  it("writes SFT rows as prompt/completion or messages", () => {
    expect(sftRow({ itemId: "1", prompt: "Q?", completion: "A." })).toEqual({ prompt: "Q?", completion: "A." });
    expect(sftRow({ itemId: "2", prompt: history, completion: "A." })).toEqual({
      messages: [...history, { role: "assistant", content: "A." }],
    });
  });
});

describe("registry and lines", () => {
  it("describes every format and writes each pair format", () => {
    const names = Object.keys(EXPORT_FORMATS) as ExportFormatName[];
    for (const name of names) {
      expect(EXPORT_FORMATS[name].description.length).toBeGreaterThan(10);
      expect(["pair", "unpaired", "sft", "raw"]).toContain(EXPORT_FORMATS[name].kind);
    }
    const pairFormats = names.filter((n) => EXPORT_FORMATS[n].kind === "pair") as PairFormatName[];
    expect(pairFormats.sort()).toEqual(["hh-rlhf", "openai-dpo", "trl-dpo", "trl-reward"]);
    expect(formatPair("trl-dpo", single)).toEqual(trlDpoRow(single));
    expect(formatPair("trl-reward", multi)).toEqual(trlRewardRow(multi));
    expect(formatPair("openai-dpo", single)).toEqual(openaiDpoRow(single));
    expect(formatPair("hh-rlhf", single)).toEqual(hhRlhfRow(single));
  });

  it("writes one JSON object per line", () => {
    const [line] = lineEncoder("trl-dpo", "jsonl").push(trlDpoRow({ ...single, chosen: "line\nbreak \u2028 é" }));
    expect(line.endsWith("\n")).toBe(true);
    expect(line.slice(0, -1)).not.toContain("\n");
    expect(JSON.parse(line).chosen).toBe("line\nbreak \u2028 é");
  });
});

describe("checkTrlRow accepts what the writers produce", () => {
  const pairs = [single, singleAsList, multi, { ...single, chosen: "", rejected: "x" }];
  it.each(pairs.map((p, i) => [i, p] as const))("pair %i in every TRL form", (_, pair) => {
    for (const conversational of [false, true]) {
      expect(checkTrlRow("trl-dpo", trlDpoRow(pair, { conversational }))).toEqual([]);
      expect(checkTrlRow("trl-reward", trlRewardRow(pair, { conversational }))).toEqual([]);
      for (const label of [true, false]) {
        const example = { itemId: pair.itemId, prompt: pair.prompt, completion: pair.chosen, label };
        expect(checkTrlRow("trl-kto", trlKtoRow(example, { conversational }))).toEqual([]);
      }
    }
  });

  needsSharedData(HH_RLHF_TEST).it("accepts every HH-RLHF pair, imported and exported again, in both DPO forms and as transcripts", () => {
    for (const row of hhRows()) {
      const record = toRecord(row);
      const pair: PreferencePair = { itemId: "x", prompt: record.prompt, chosen: record.responses[0].content, rejected: record.responses[1].content };
      expect(checkTrlRow("trl-dpo", trlDpoRow(pair))).toEqual([]);
      expect(checkTrlRow("trl-reward", trlRewardRow(pair))).toEqual([]);
      expect(hhRlhfRow(pair)).toEqual(row);
    }
  });
});

describe("checkTrlRow catches rows TRL would reject", () => {
  const user = (content: string) => ({ role: "user", content });
  const assistant = (content: string) => ({ role: "assistant", content });
  it.each([
    ["trl-dpo", "not a row", ["row: expected an object"]],
    ["trl-dpo", { prompt: "q", chosen: "a" }, ["rejected: missing"]],
    [
      "trl-dpo",
      { prompt: "q", chosen: [assistant("a")], rejected: [assistant("b")] },
      ["mixed formats (prompt is standard, chosen is conversational, rejected is conversational): a row is all standard (text) or all conversational (messages)"],
    ],
    ["trl-dpo", { prompt: [user("q"), assistant("a")], chosen: [assistant("a")], rejected: [assistant("b")] }, ["prompt: a conversational prompt must end with a user turn"]],
    ["trl-dpo", { prompt: [user("q")], chosen: [user("a")], rejected: [assistant("b")] }, ['chosen[0].role: completions are assistant turns, got "user"']],
    ["trl-dpo", { prompt: [user("q")], chosen: [], rejected: [assistant("b")] }, ["chosen: empty; expected the assistant turn"]],
    ["trl-dpo", { prompt: [{ role: "human", content: "q" }], chosen: [assistant("a")], rejected: [assistant("b")] }, ['prompt[0].role: unknown role "human"']],
    ["trl-dpo", { prompt: [{ role: "user" }], chosen: [assistant("a")], rejected: [assistant("b")] }, ['prompt[0]: expected {"role": string, "content": string}']],
    ["trl-dpo", { prompt: " ", chosen: "a", rejected: "b" }, ["prompt: empty"]],
    ["trl-reward", { chosen: "abc", rejected: "xyz" }, ["chosen, rejected: no common start, so the implicit prompt cannot be extracted"]],
    ["trl-reward", { chosen: [user("q"), assistant("a")], rejected: [user("q")] }, ["rejected: an implicit-prompt conversation must end with the assistant turn"]],
    [
      "trl-reward",
      { chosen: [user("q"), assistant("a")], rejected: [user("r"), assistant("b")] },
      ["chosen, rejected: they share no user turn, so the implicit prompt cannot be extracted"],
    ],
    ["trl-reward", { chosen: "q a", rejected: "q b", margin: "2" }, ["margin: expected a number"]],
    ["trl-kto", { prompt: "q", completion: "a", label: 1 }, ["label: expected true or false, got 1"]],
    ["trl-kto", { prompt: "q", chosen: "a", rejected: "b" }, ["completion: missing", "label: missing", "chosen/rejected: an unpaired row has one completion and a label"]],
    ["trl-kto", { prompt: [user("q")], completion: "a", label: true }, ["mixed formats (prompt is conversational, completion is standard): a row is all standard (text) or all conversational (messages)"]],
    ["trl-kto", { prompt: [user("q")], completion: [user("a")], label: true }, ['completion[0].role: completions are assistant turns, got "user"']],
  ] as const)("%s %j", (kind, row, problems) => {
    expect(checkTrlRow(kind, row)).toEqual(problems);
  });
});
