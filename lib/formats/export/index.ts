// The export formats Arbiter can write and what each is written from; formatPair picks the writer
// of a pair format by name (unpaired and SFT formats have one writer each: trlKtoRow, sftRow).

import type { PreferencePair } from "../record";
import { hhRlhfRow } from "./hh-rlhf";
import { openaiDpoRow } from "./openai";
import { trlDpoRow, trlRewardRow, type TrlOptions, type TrlRewardOptions } from "./trl";

export { checkTrlRow, type TrlKind } from "./check";
export { hhRlhfRow, type HhRlhfRow } from "./hh-rlhf";
export { openaiDpoRow, type OpenAiDpoRow } from "./openai";
export { sftRow, type SftRow } from "./sft";
export {
  DEFAULT_REWARD_SEPARATOR,
  trlDpoRow,
  trlKtoRow,
  trlRewardRow,
  type TrlDpoRow,
  type TrlKtoRow,
  type TrlOptions,
  type TrlRewardOptions,
  type TrlRewardRow,
} from "./trl";

/** What a format is written from: preference pairs, single labelled responses, SFT examples, or raw judgments. */
export type ExportKind = "pair" | "unpaired" | "sft" | "raw";

export const EXPORT_FORMATS = {
  "trl-dpo": {
    description: "TRL preference rows with an explicit prompt {prompt, chosen, rejected}, for DPOTrainer",
    kind: "pair",
  },
  "trl-reward": {
    description: "TRL preference rows with an implicit prompt {chosen, rejected, margin?}, for RewardTrainer",
    kind: "pair",
  },
  "openai-dpo": {
    description: "OpenAI preference fine-tuning rows {input, preferred_output, non_preferred_output}",
    kind: "pair",
  },
  "hh-rlhf": {
    description: 'Anthropic HH-RLHF transcripts {chosen, rejected} ("\\n\\nHuman: …\\n\\nAssistant: …")',
    kind: "pair",
  },
  "trl-kto": {
    description: "TRL unpaired preference rows {prompt, completion, label}, for KTOTrainer",
    kind: "unpaired",
  },
  sft: {
    description: "Supervised fine-tuning rows: {prompt, completion}, or {messages} for multi-turn prompts",
    kind: "sft",
  },
} as const satisfies Record<string, { description: string; kind: ExportKind }>;

export type ExportFormatName = keyof typeof EXPORT_FORMATS;
export type PairFormatName = { [K in ExportFormatName]: (typeof EXPORT_FORMATS)[K]["kind"] extends "pair" ? K : never }[ExportFormatName];

export type PairOptions = TrlOptions & TrlRewardOptions;

/** The row of a pair format for one preference pair. */
export function formatPair(format: PairFormatName, pair: PreferencePair, options: PairOptions = {}): object {
  switch (format) {
    case "trl-dpo":
      return trlDpoRow(pair, options);
    case "trl-reward":
      return trlRewardRow(pair, options);
    case "openai-dpo":
      return openaiDpoRow(pair);
    case "hh-rlhf":
      return hhRlhfRow(pair);
  }
}
