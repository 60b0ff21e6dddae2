// Anthropic HH-RLHF transcripts ("\n\nHuman: …\n\nAssistant: …"): splitting a chosen/rejected pair
// into one shared prompt plus two answers, and rendering messages back into a transcript.

import { FormatError } from "./errors";
import type { Message } from "./record";

const HUMAN_MARKER = "\n\nHuman: ";
export const ASSISTANT_MARKER = "\n\nAssistant: ";

/** True for a string that looks like an HH-RLHF transcript (used to detect the format). */
export function isHhTranscript(value: unknown): value is string {
  return typeof value === "string" && value.startsWith("\n\nHuman:");
}

export interface HhPair {
  /** Alternating user/assistant turns ending with a user turn. */
  prompt: Message[];
  chosen: string;
  rejected: string;
}

/**
 * Splits a chosen/rejected transcript pair into the prompt they share and their two final answers,
 * so that `renderHhTranscript(prompt) + ASSISTANT_MARKER + answer` gives back each transcript exactly.
 *
 * The cut is the last "\n\nAssistant: " turn boundary that lies wholly inside the common prefix of
 * the two transcripts. Cutting at the raw common prefix would move the shared start of two answers
 * into the prompt, and cutting each side at its own last "\n\nAssistant:" breaks when an answer
 * itself contains that text — both happen in the published data.
 *
 * Turn boundaries are read alternation-aware: after a Human turn only "\n\nAssistant: " ends it and
 * after an Assistant turn only "\n\nHuman: " does, so a marker of the current speaker (an answer
 * quoting "\n\nAssistant: ") stays part of that turn's text. The prompt therefore always alternates
 * user/assistant and ends with a user turn.
 */
export function parseHhPair(chosen: string, rejected: string): HhPair {
  for (const [side, text] of [["chosen", chosen], ["rejected", rejected]] as const) {
    if (!text.startsWith(HUMAN_MARKER)) {
      throw new FormatError(`expected a transcript starting with ${JSON.stringify(HUMAN_MARKER)}`, { field: side });
    }
  }
  const shared = commonPrefixLength(chosen, rejected);
  let cut = -1;
  for (const boundary of turnBoundaries(chosen, shared)) if (boundary.role === "assistant") cut = boundary.at;
  if (cut < 0) {
    throw new FormatError(`chosen and rejected do not share a prompt ending in ${JSON.stringify(ASSISTANT_MARKER)}`, { field: "rejected" });
  }
  const answerStart = cut + ASSISTANT_MARKER.length;
  return {
    prompt: parseHhTurns(chosen.slice(0, cut)),
    chosen: chosen.slice(answerStart),
    rejected: rejected.slice(answerStart),
  };
}

/** Splits a transcript (starting with "\n\nHuman: ") into alternating turns. */
export function parseHhTurns(text: string): Message[] {
  if (!text.startsWith(HUMAN_MARKER)) {
    throw new FormatError(`expected a transcript starting with ${JSON.stringify(HUMAN_MARKER)}`);
  }
  const messages: Message[] = [];
  let role: Message["role"] = "user";
  let start = HUMAN_MARKER.length;
  for (const boundary of turnBoundaries(text, text.length)) {
    messages.push({ role, content: text.slice(start, boundary.at) });
    role = boundary.role;
    start = boundary.at + markerFor(boundary.role).length;
  }
  messages.push({ role, content: text.slice(start) });
  return messages;
}

/**
 * Renders messages as an HH-RLHF transcript. HH-RLHF has no system turn, so a system message is
 * folded into the next user turn as its first paragraph ("\n\nHuman: <system>\n\n<user>"); a system
 * message with no user turn after it becomes a Human turn of its own.
 */
export function renderHhTranscript(messages: readonly Message[]): string {
  let out = "";
  let pendingSystem: string[] = [];
  for (const message of messages) {
    if (message.role === "system") {
      pendingSystem.push(message.content);
      continue;
    }
    if (message.role === "user") {
      out += HUMAN_MARKER + [...pendingSystem, message.content].join("\n\n");
      pendingSystem = [];
    } else {
      if (pendingSystem.length) out += HUMAN_MARKER + pendingSystem.join("\n\n");
      pendingSystem = [];
      out += ASSISTANT_MARKER + message.content;
    }
  }
  if (pendingSystem.length) out += HUMAN_MARKER + pendingSystem.join("\n\n");
  return out;
}

function markerFor(role: "user" | "assistant"): string {
  return role === "user" ? HUMAN_MARKER : ASSISTANT_MARKER;
}

/** Turn boundaries whose marker ends at or before `limit`, read alternation-aware (see above). */
function* turnBoundaries(text: string, limit: number): Generator<{ at: number; role: "user" | "assistant" }> {
  let next: "user" | "assistant" = "assistant";
  let from = HUMAN_MARKER.length;
  for (;;) {
    const marker = markerFor(next);
    const at = text.indexOf(marker, from);
    if (at < 0 || at + marker.length > limit) return;
    yield { at, role: next };
    from = at + marker.length;
    next = next === "assistant" ? "user" : "assistant";
  }
}

function commonPrefixLength(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  let i = 0;
  while (i < n && a.charCodeAt(i) === b.charCodeAt(i)) i++;
  return i;
}
