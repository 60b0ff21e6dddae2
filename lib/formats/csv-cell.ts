// CSV cells that are safe to open in a spreadsheet (OWASP "CSV injection"): text beginning with
// `=`, `+`, `-`, `@`, a tab or a carriage return would be read as a formula, so it gets a leading `'`.
// Numbers and booleans are written as they are (a negative number is data, not a formula); JSONL and
// Parquet keep the exact text and never come here. Every CSV Arbiter writes (exports, statistics
// tables, the audit log) goes through csvLine.

const FORMULA_START = /^[=+\-@\t\r]/;

/** The text as a spreadsheet will show it, never as a formula. */
export function neutralizeFormula(text: string): string {
  return FORMULA_START.test(text) ? `'${text}` : text;
}

/** One RFC 4180 cell: null/undefined empty, objects as JSON, strings neutralised, then quoted when needed. */
export function csvCell(value: unknown): string {
  if (value === undefined || value === null) return "";
  let text: string;
  if (typeof value === "string") text = neutralizeFormula(value);
  else if (typeof value === "object") text = neutralizeFormula(JSON.stringify(value));
  else text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** One CSV record ending in "\n". */
export function csvLine(values: readonly unknown[]): string {
  return values.map(csvCell).join(",") + "\n";
}
