// The canonical shapes that every import format is mapped onto and every export format is written
// from. Pure types and small helpers: no I/O, no database.

export type Role = "system" | "user" | "assistant";

export interface Message {
  role: Role;
  content: string;
}

/** A prompt is either a plain string (single turn) or a conversation ending with a user turn. */
export type Prompt = string | Message[];

export type Metadata = Record<string, unknown>;

/** What a judgment (or an imported annotation, or a gold answer) says about responses A and B. */
export const CHOICES = ["A", "B", "tie", "both_bad"] as const;
export type Choice = (typeof CHOICES)[number];

export interface ImportResponse {
  content: string;
  model?: string;
  metadata?: Metadata;
}

/** A judgment made outside Arbiter, carried by an import record. `A`/`B` name responses[0]/[1]. */
export interface ImportedJudgment {
  annotator: string;
  choice?: Choice;
  [key: string]: unknown;
}

export interface ImportRecord {
  /** What the reader accepted but a person should know (an empty response, `true` taken as text); never stored. */
  warnings?: RecordWarning[];
  id?: string;
  prompt: Prompt;
  responses: ImportResponse[];
  metadata?: Metadata;
  /** The known answer (a verdict: A = responses[0]) and, optionally, why: shown to annotators after they judge it. */
  gold?: { choice: Choice; explanation?: string };
  priority?: number;
  /** What the item needs (lib/formats/tags.ts): sorted, lowercase, no duplicates. */
  tags?: string[];
  annotations?: ImportedJudgment[];
}

/** One row of an import source: either a record or the reason the row was rejected. */
export type ReadResult =
  | { line: number; record: ImportRecord }
  | { line: number; error: RecordError };

export interface RecordError {
  line: number;
  field?: string;
  message: string;
  /** Set when the row has none of the known shapes: the importer then suggests a field map. */
  code?: "unrecognised_shape";
}

/** Something a record was imported with that a person should check, at a field of the row. */
export interface RecordWarning {
  field: string;
  message: string;
}

/** A resolved preference between two responses of one item, ready to be written by an exporter. */
export interface PreferencePair {
  itemId: string;
  prompt: Prompt;
  chosen: string;
  rejected: string;
  chosenModel?: string;
  rejectedModel?: string;
  /** How strongly chosen beats rejected, when strength or ratings give one. */
  margin?: number;
}

/** One response labelled good or bad on its own, for unpaired formats such as KTO. */
export interface UnpairedExample {
  itemId: string;
  prompt: Prompt;
  completion: string;
  /** true: desirable; false: undesirable. */
  label: boolean;
  model?: string;
}

/** One prompt with the response to imitate, for supervised fine-tuning exports. */
export interface SftExample {
  itemId: string;
  prompt: Prompt;
  completion: string;
  model?: string;
}

/** True when a prompt has more than one turn (or a system turn) and must be written as messages. */
export function isMultiTurn(prompt: Prompt): boolean {
  if (typeof prompt === "string") return false;
  return !(prompt.length === 1 && prompt[0].role === "user");
}

/** The prompt as a message list, whatever form it was stored in. */
export function promptMessages(prompt: Prompt): Message[] {
  return typeof prompt === "string" ? [{ role: "user", content: prompt }] : prompt;
}

/** The prompt as one string when it is single-turn; the last user turn otherwise. */
export function promptText(prompt: Prompt): string {
  if (typeof prompt === "string") return prompt;
  for (let i = prompt.length - 1; i >= 0; i--) if (prompt[i].role === "user") return prompt[i].content;
  return prompt.map((m) => m.content).join("\n\n");
}
