// Typed errors with a stable code and a human message; mapped to HTTP in lib/http and to exit
// codes in the CLI, nowhere else. Problems with single input fields also travel as data
// (`fields`), so a form shows each next to its field and an API client reads them by key.

export const ERROR_STATUS = {
  bad_request: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  payload_too_large: 413,
  too_many_requests: 429,
  internal: 500,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

/** Messages keyed by the input field's path as the caller named it: `priority`, `judgmentSchema.type`, `ranking.0`. */
export type FieldErrors = Record<string, string>;

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly details?: unknown;
  /** The fields this error is about, each with its own message; the human message names them too. */
  readonly fields?: FieldErrors;
  constructor(code: ErrorCode, message: string, details?: unknown, fields?: FieldErrors) {
    super(message);
    this.name = "AppError";
    this.code = code;
    this.details = details;
    if (fields && Object.keys(fields).length) this.fields = fields;
  }
  get status(): number {
    return ERROR_STATUS[this.code];
  }
}

export const badRequest = (message: string, details?: unknown) => new AppError("bad_request", message, details);
export const forbidden = (message = "You do not have permission to do that.") => new AppError("forbidden", message);
export const notFound = (what: string) => new AppError("not_found", `${what} not found.`);
export const conflict = (message: string, details?: unknown) => new AppError("conflict", message, details);

/** A bad request about one input field: "field: message" for people, `{field: message}` as data. */
export function fieldError(field: string, message: string, code: ErrorCode = "bad_request"): AppError {
  return new AppError(code, `${field}: ${message}`, undefined, { [field]: message });
}

type Issue = { path: readonly PropertyKey[]; message: string };

function issuePath(issue: Issue): string {
  return issue.path.map(String).join(".");
}

/** Turns a zod failure into one readable message naming each field. */
export function zodMessage(error: { issues: readonly Issue[] }): string {
  return error.issues.map((i) => (i.path.length ? `${issuePath(i)}: ${i.message}` : i.message)).join("; ");
}

/** The field-level issues of a zod failure as data (the first message per field); issues about the whole input are left to the message. */
export function zodFields(error: { issues: readonly Issue[] }): FieldErrors {
  const fields: FieldErrors = {};
  for (const issue of error.issues) if (issue.path.length) fields[issuePath(issue)] ??= issue.message;
  return fields;
}

export function parseInput<T>(schema: { safeParse(v: unknown): { success: true; data: T } | { success: false; error: { issues: Issue[] } } }, input: unknown): T {
  const result = schema.safeParse(input);
  if (!result.success) throw new AppError("bad_request", zodMessage(result.error), undefined, zodFields(result.error));
  return result.data;
}
