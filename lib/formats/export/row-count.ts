// Counts the rows of a JSONL or CSV export as its bytes arrive (the admin form's progress): a JSONL
// row is one line, but a CSV row may span lines (quoted newlines in a prompt or response), so CSV
// counts only the newlines outside quotes, and not the header. Pure, for the browser and tests.

export interface RowCounter {
  /** Feeds the next chunk of the file. */
  push(chunk: Uint8Array): void;
  /** Rows seen so far: complete lines (JSONL), or records after the header (CSV). */
  rows(): number;
}

const NEWLINE = 0x0a;
const QUOTE = 0x22;

export function rowCounter(fileFormat: "jsonl" | "csv"): RowCounter {
  let lines = 0;
  // CSV escapes a quote inside a quoted cell by doubling it, so toggling on every quote tracks
  // whether a byte is inside a quoted cell; a quote byte never occurs inside a UTF-8 sequence.
  let quoted = false;
  return {
    push(chunk) {
      if (fileFormat === "jsonl") {
        for (let i = 0; i < chunk.length; i++) if (chunk[i] === NEWLINE) lines++;
        return;
      }
      for (let i = 0; i < chunk.length; i++) {
        const byte = chunk[i];
        if (byte === QUOTE) quoted = !quoted;
        else if (byte === NEWLINE && !quoted) lines++;
      }
    },
    rows: () => (fileFormat === "csv" ? Math.max(0, lines - 1) : lines),
  };
}
