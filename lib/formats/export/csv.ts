// CSV output for exports (RFC 4180): a header, then one line per row. Lists and objects
// (conversational messages, raw payloads) are JSON text in their cell; a cell that a spreadsheet
// would read as a formula is neutralised (lib/formats/csv-cell.ts).
import { csvLine } from "../csv-cell";

/** The columns of each export format, in order. SFT rows are either prompt/completion or messages. */
export const CSV_COLUMNS: Record<string, readonly string[]> = {
  "trl-dpo": ["prompt", "chosen", "rejected"],
  "trl-reward": ["chosen", "rejected", "margin"],
  "trl-kto": ["prompt", "completion", "label"],
  "openai-dpo": ["input", "preferred_output", "non_preferred_output"],
  "hh-rlhf": ["chosen", "rejected"],
  sft: ["prompt", "completion", "messages"],
};

export function csvRow(columns: readonly string[], row: Record<string, unknown>): string {
  return csvLine(columns.map((c) => row[c]));
}
