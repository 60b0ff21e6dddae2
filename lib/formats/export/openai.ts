// Rows for OpenAI's preference fine-tuning (DPO) JSONL: the prompt as chat messages, then one
// preferred and one non-preferred assistant message.

import { promptMessages, type Message, type PreferencePair } from "../record";
import { assistantTurn } from "./trl";

export interface OpenAiDpoRow {
  input: { messages: Message[] };
  preferred_output: Message[];
  non_preferred_output: Message[];
}

export function openaiDpoRow(pair: PreferencePair): OpenAiDpoRow {
  return {
    input: { messages: promptMessages(pair.prompt) },
    preferred_output: assistantTurn(pair.chosen),
    non_preferred_output: assistantTurn(pair.rejected),
  };
}
