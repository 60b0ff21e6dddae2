// Rows for supervised fine-tuning: TRL "prompt-completion" text for a single-turn prompt, TRL
// "language modeling" messages (the conversation plus the assistant turn) for a multi-turn one.

import { isMultiTurn, promptMessages, promptText, type Message, type SftExample } from "../record";
import type { TrlOptions } from "./trl";

export type SftRow = { prompt: string; completion: string } | { messages: Message[] };

export function sftRow(example: SftExample, options: TrlOptions = {}): SftRow {
  if (options.conversational || isMultiTurn(example.prompt)) {
    return { messages: [...promptMessages(example.prompt), { role: "assistant", content: example.completion }] };
  }
  return { prompt: promptText(example.prompt), completion: example.completion };
}
