// Rows in Anthropic's HH-RLHF form: two whole "\n\nHuman: …\n\nAssistant: …" transcripts that differ
// only in the final assistant turn. System turns are folded into the next Human turn (see
// renderHhTranscript), since the format has no place for them.

import { ASSISTANT_MARKER, renderHhTranscript } from "../hh-rlhf";
import { promptMessages, type PreferencePair } from "../record";

export interface HhRlhfRow {
  chosen: string;
  rejected: string;
}

export function hhRlhfRow(pair: PreferencePair): HhRlhfRow {
  const prompt = renderHhTranscript(promptMessages(pair.prompt));
  return { chosen: prompt + ASSISTANT_MARKER + pair.chosen, rejected: prompt + ASSISTANT_MARKER + pair.rejected };
}
