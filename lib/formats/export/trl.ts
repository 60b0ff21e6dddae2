// Rows for TRL trainers (https://huggingface.co/docs/trl/dataset_formats): preference pairs with an
// explicit prompt for DPO, implicit-prompt pairs for reward modelling, unpaired rows for KTO.

import {
  isMultiTurn,
  promptMessages,
  promptText,
  type Message,
  type PreferencePair,
  type Prompt,
  type UnpairedExample,
} from "../record";

export interface TrlOptions {
  /** Write message lists even for a single-turn prompt (multi-turn prompts always are). */
  conversational?: boolean;
}

export interface TrlRewardOptions extends TrlOptions {
  /** Between the prompt and the response in a standard (text) implicit-prompt row. */
  separator?: string;
}

export type TrlDpoRow =
  | { prompt: string; chosen: string; rejected: string }
  | { prompt: Message[]; chosen: Message[]; rejected: Message[] };

export type TrlRewardRow =
  | { chosen: string; rejected: string; margin?: number }
  | { chosen: Message[]; rejected: Message[]; margin?: number };

export type TrlKtoRow =
  | { prompt: string; completion: string; label: boolean }
  | { prompt: Message[]; completion: Message[]; label: boolean };

/** Text between prompt and response in standard implicit-prompt rows: a paragraph break. */
export const DEFAULT_REWARD_SEPARATOR = "\n\n";

export function assistantTurn(content: string): Message[] {
  return [{ role: "assistant", content }];
}

function conversational(prompt: Prompt, options: TrlOptions): boolean {
  return options.conversational === true || isMultiTurn(prompt);
}

/** TRL "preference" type, explicit prompt: standard text, or messages with one-turn completions. */
export function trlDpoRow(pair: PreferencePair, options: TrlOptions = {}): TrlDpoRow {
  if (conversational(pair.prompt, options)) {
    return {
      prompt: promptMessages(pair.prompt),
      chosen: assistantTurn(pair.chosen),
      rejected: assistantTurn(pair.rejected),
    };
  }
  return { prompt: promptText(pair.prompt), chosen: pair.chosen, rejected: pair.rejected };
}

/**
 * TRL "preference" type, implicit prompt (what the RewardTrainer docs recommend): each side is the
 * whole exchange. Standard rows join prompt and response with `separator`; conversational rows are
 * the prompt messages followed by the assistant turn. `margin` is written when the pair has one.
 */
export function trlRewardRow(pair: PreferencePair, options: TrlRewardOptions = {}): TrlRewardRow {
  let row: TrlRewardRow;
  if (conversational(pair.prompt, options)) {
    const prompt = promptMessages(pair.prompt);
    row = { chosen: [...prompt, ...assistantTurn(pair.chosen)], rejected: [...prompt, ...assistantTurn(pair.rejected)] };
  } else {
    const prompt = promptText(pair.prompt) + (options.separator ?? DEFAULT_REWARD_SEPARATOR);
    row = { chosen: prompt + pair.chosen, rejected: prompt + pair.rejected };
  }
  if (typeof pair.margin === "number" && Number.isFinite(pair.margin)) row.margin = pair.margin;
  return row;
}

/** TRL "unpaired preference" type for KTO: one completion with a boolean label. */
export function trlKtoRow(example: UnpairedExample, options: TrlOptions = {}): TrlKtoRow {
  if (conversational(example.prompt, options)) {
    return { prompt: promptMessages(example.prompt), completion: assistantTurn(example.completion), label: example.label };
  }
  return { prompt: promptText(example.prompt), completion: example.completion, label: example.label };
}
