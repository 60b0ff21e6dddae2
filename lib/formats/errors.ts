// The one error the format readers throw: a source (a field map, a record, an annotation, a
// transcript, a gzip stream) that does not fit its format. It says what is wrong and, when the
// reader knows it, at which field path. readRecords (import/read.ts) catches it per row and reports
// it with the row's line as a RecordError; what escapes to a caller (a bad field map) becomes the
// application's AppError in one place, lib/services/importer.ts.

export class FormatError extends Error {
  /** The offending field's path, e.g. `responses[1].content` or `labels`; absent for the source as a whole. */
  readonly field?: string;
  /** What is wrong, without the field path (the message puts the two together). */
  readonly detail: string;

  /** A stable code for a problem a caller acts on as a whole ("unrecognised_shape": suggest a field map). */
  readonly code?: "unrecognised_shape";

  constructor(detail: string, where: { field?: string; code?: "unrecognised_shape" } = {}) {
    super(where.field ? `${where.field}: ${detail}` : detail);
    this.name = "FormatError";
    this.detail = detail;
    if (where.field) this.field = where.field;
    if (where.code) this.code = where.code;
  }
}

/**
 * A source that is not an import file at all (an image, a PDF, a spreadsheet, plain text) or that
 * holds no records: one reason for the whole file, never a row's. readRecords throws it (it does
 * not become a row error) and the importer turns it into a bad request.
 */
export class NotDataError extends Error {
  /** "not_data": the file is something else (the message names what it looks like); "no_records": it parses to nothing. */
  readonly reason: "not_data" | "no_records";
  constructor(reason: "not_data" | "no_records", message: string) {
    super(message);
    this.name = "NotDataError";
    this.reason = reason;
  }
}
