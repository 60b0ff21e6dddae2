// The export options table: the zod schema, the CLI's parseArgs options and help, the HTTP query and
// the dataset card settings all come from it, and a problem is named as the caller named the option.
import { parseArgs } from "node:util";
import { describe, expect, it } from "vitest";
import {
  EXPORT_CLI_OPTIONS,
  EXPORT_OPTION_KEYS,
  EXPORT_OPTIONS,
  appliesTo,
  exportOptionsFromCli,
  exportOptionsFromQuery,
  formErrors,
} from "@/lib/formats/export/options";
import { checkExportOptions, exportOptionsSchema, settingsOf } from "@/lib/formats/export/options-schema";

const cli = (...args: string[]) => exportOptionsFromCli(parseArgs({ args, options: EXPORT_CLI_OPTIONS, strict: true }).values);

describe("export options", () => {
  it("fills every default from the table", () => {
    const o = exportOptionsSchema.parse({});
    expect(o).toEqual({
      format: "trl-dpo",
      fileFormat: "jsonl",
      policy: "majority",
      minVotes: 1,
      ties: "include",
      seed: 42,
      bothBad: "negatives",
      ratingPairs: "best-vs-worst",
      rankingPairs: "all-pairs",
      conversational: false,
      includeGold: false,
      keepEmpty: false,
      sftWinners: false,
      includeAiJudgments: false,
      revealAnnotators: false,
    });
    for (const key of EXPORT_OPTION_KEYS) {
      const spec = EXPORT_OPTIONS[key];
      if (spec.kind === "choice") expect(o[key]).toBe(spec.default);
    }
  });

  it("reads the same options from CLI flags and from a query", () => {
    const fromCli = cli("--format", "trl-kto", "--min-votes", "2", "--include-gold", "--split", "test=0.1", "--both-bad", "drop");
    const fromQuery = exportOptionsFromQuery(new URLSearchParams("format=trl-kto&min_votes=2&include_gold=1&split=test%3D0.1&both_bad=drop&policy="));
    const a = checkExportOptions(fromCli, "flag");
    const b = checkExportOptions(fromQuery, "query");
    expect(a).toEqual(b);
    expect(a).toMatchObject({ ok: true, options: { format: "trl-kto", minVotes: 2, includeGold: true, split: "test=0.1", bothBad: "drop", policy: "majority" } });
  });

  it("names a bad option as the CLI, the HTTP caller and the form name it", () => {
    expect(checkExportOptions(cli("--min-votes", "abc"), "flag")).toEqual({
      ok: false,
      message: "--min-votes: must be a whole number from 1 to 1000",
      fields: { "--min-votes": "must be a whole number from 1 to 1000" },
    });
    const query = exportOptionsFromQuery(new URLSearchParams("min_votes=abc&ties=maybe"));
    expect(checkExportOptions(query, "query")).toEqual({
      ok: false,
      message: "min_votes: must be a whole number from 1 to 1000; ties: must be include or exclude",
      fields: { min_votes: "must be a whole number from 1 to 1000", ties: "must be include or exclude" },
    });
    expect(checkExportOptions(query, "label")).toMatchObject({ fields: { "Minimum votes for the winner": expect.any(String), "Tie votes": expect.any(String) } });
    expect(checkExportOptions({ minAgreement: 3 }, "key")).toMatchObject({ message: "minAgreement: must be between 0 and 1" });
    // The form gets the HTTP refusal and shows each problem beside its control, named by its label.
    const refusal = checkExportOptions(query, "query");
    expect(refusal.ok).toBe(false);
    if (!refusal.ok) {
      expect(formErrors({ message: refusal.message, fields: refusal.fields })).toEqual({
        fields: { minVotes: "must be a whole number from 1 to 1000", ties: "must be include or exclude" },
        message: "Minimum votes for the winner: must be a whole number from 1 to 1000; Tie votes: must be include or exclude",
      });
    }
    expect(formErrors({ message: "Project not found." })).toEqual({ fields: {}, message: "Project not found." });
  });

  it("names the option in checks that span options: Parquet form, split and part", () => {
    expect(checkExportOptions({ format: "openai-dpo", fileFormat: "parquet" }, "query")).toMatchObject({
      message: "file_format: openai-dpo has no Parquet form (OpenAI takes JSONL); use jsonl",
    });
    expect(checkExportOptions(cli("--split", "test=2"), "flag")).toMatchObject({ message: expect.stringMatching(/^--split: "test=2": expected NAME=SHARE/) });
    expect(checkExportOptions({ split: "test=0.1", part: "dev" }, "query")).toMatchObject({ message: 'part: "dev" is not one of the splits (train, test)' });
    expect(checkExportOptions({ split: "test=0.1", part: "test" }, "query")).toMatchObject({ ok: true });
    // A bad format is named once, not again by the Parquet check.
    expect(checkExportOptions({ format: "xml", fileFormat: "parquet" }, "query")).toMatchObject({ message: expect.stringMatching(/^format: must be one of trl-dpo, /) });
    expect(checkExportOptions({ format: "xml", fileFormat: "parquet" }, "query")).not.toMatchObject({ fields: { file_format: expect.anything() } });
  });

  it("gives the CLI each flag's value name and help, with the default", () => {
    expect(Object.keys(EXPORT_CLI_OPTIONS)).toEqual(EXPORT_OPTION_KEYS.map((k) => EXPORT_OPTIONS[k].flag));
    expect(EXPORT_CLI_OPTIONS.policy).toEqual({
      type: "string",
      value: "majority|unanimous",
      help: "majority: the winner has more than half of the counted votes; unanimous: all of them (default majority)",
    });
    expect(EXPORT_CLI_OPTIONS["min-votes"]).toEqual({ type: "string", value: "N", help: "the winner needs at least N votes (default 1)" });
    expect(EXPORT_CLI_OPTIONS["include-gold"]).toEqual({ type: "boolean", help: "keep gold items and gold judgments" });
  });

  it("writes the settings that apply to the format into the dataset card, by query name", () => {
    const options = exportOptionsSchema.parse({ format: "trl-kto", split: "test=0.1", minAgreement: 0.8 });
    expect(settingsOf(options)).toEqual({
      format: "trl-kto",
      policy: "majority",
      min_votes: 1,
      min_agreement: 0.8,
      ties: "include",
      split: "test=0.1",
      seed: 42,
      both_bad: "negatives",
      rating_pairs: "best-vs-worst",
      ranking_pairs: "all-pairs",
      conversational: false,
      include_gold: false,
      keep_empty: false,
      include_ai_judgments: false,
    });
    expect(appliesTo("sftWinners", "sft")).toBe(true);
    expect(appliesTo("sftWinners", "trl-dpo")).toBe(false);
  });
});
