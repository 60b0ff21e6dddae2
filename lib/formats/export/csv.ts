// CSV output for exports (RFC 4180): a header, then one line per row. Text columns are written as
// they are; lists and objects (conversational messages, raw payloads) as JSON text in their cell.

/** The columns of each export format, in order. SFT rows are either prompt/completion or messages. */
export const CSV_COLUMNS: Record<string, readonly string[]> = {
  "trl-dpo": ["prompt", "chosen", "rejected"],
  "trl-reward": ["chosen", "rejected", "margin"],
  "trl-kto": ["prompt", "completion", "label"],
  "openai-dpo": ["input", "preferred_output", "non_preferred_output"],
  "hh-rlhf": ["chosen", "rejected"],
  sft: ["prompt", "completion", "messages"],
};

export function csvCell(value: unknown): string {
  if (value === undefined || value === null) return "";
  const text = typeof value === "string" ? value : typeof value === "object" ? JSON.stringify(value) : String(value);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** One CSV line (CRLF-free: a newline inside a quoted cell is kept, the record ends with "\n"). */
export function csvLine(values: readonly unknown[]): string {
  return values.map(csvCell).join(",") + "\n";
}

export function csvRow(columns: readonly string[], row: Record<string, unknown>): string {
  return csvLine(columns.map((c) => row[c]));
}
