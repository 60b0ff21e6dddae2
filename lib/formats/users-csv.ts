// Reads a CSV of users (`email,name,role,skills[,password]`, a header row first) into rows, or into
// errors that name the line and the column. Pure: the users service checks the values and writes.

import { parse } from "csv-parse/sync";
import { readTags, MAX_SKILLS } from "./tags";
import { FormatError } from "./errors";

export const USER_CSV_COLUMNS = ["email", "name", "role", "skills", "password"] as const;
const REQUIRED = ["email", "role"] as const;

export interface UserCsvRow {
  line: number;
  email: string;
  name?: string;
  role: string;
  skills: string[];
  password?: string;
}

export interface UserCsvError {
  line: number;
  field?: string;
  message: string;
}

/** Most rows one file may hold (a request stays bounded). */
export const MAX_USER_ROWS = 10_000;

export function readUsersCsv(text: string): { rows: UserCsvRow[]; errors: UserCsvError[] } {
  let records: { record: string[]; info: { lines: number } }[];
  try {
    records = parse(text, { bom: true, info: true, relax_column_count: true, skip_empty_lines: true }) as unknown as { record: string[]; info: { lines: number } }[];
  } catch (error) {
    return { rows: [], errors: [{ line: Number(/line (\d+)/.exec((error as Error).message)?.[1] ?? 1), message: `invalid CSV: ${(error as Error).message}` }] };
  }
  if (records.length === 0) return { rows: [], errors: [{ line: 1, message: `the file is empty: expected a header row (${USER_CSV_COLUMNS.join(",")})` }] };
  const header = records[0].record.map((c) => c.trim().toLowerCase());
  const errors: UserCsvError[] = [];
  for (const name of header) {
    if (!(USER_CSV_COLUMNS as readonly string[]).includes(name)) errors.push({ line: 1, field: name, message: `unknown column "${name}" (columns: ${USER_CSV_COLUMNS.join(", ")})` });
  }
  for (const name of REQUIRED) if (!header.includes(name)) errors.push({ line: 1, field: name, message: `the header has no "${name}" column` });
  if (new Set(header).size !== header.length) errors.push({ line: 1, message: "a column appears twice in the header" });
  if (errors.length) return { rows: [], errors };
  if (records.length - 1 > MAX_USER_ROWS) return { rows: [], errors: [{ line: 1, message: `at most ${MAX_USER_ROWS} users per file, got ${records.length - 1}` }] };

  const rows: UserCsvRow[] = [];
  for (const { record, info } of records.slice(1)) {
    const line = info.lines;
    if (record.length !== header.length) {
      errors.push({ line, message: `expected ${header.length} columns as in the header, got ${record.length}` });
      continue;
    }
    const cell = (name: string) => {
      const i = header.indexOf(name);
      return i < 0 ? "" : record[i].trim();
    };
    try {
      const password = header.includes("password") ? record[header.indexOf("password")] : "";
      rows.push({
        line,
        email: cell("email"),
        ...(cell("name") ? { name: cell("name") } : {}),
        role: cell("role"),
        skills: readTags(cell("skills"), "skills", MAX_SKILLS),
        ...(password !== "" ? { password } : {}),
      });
    } catch (error) {
      if (!(error instanceof FormatError)) throw error;
      errors.push({ line, field: error.field, message: error.detail });
    }
  }
  return { rows, errors };
}
