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

  constructor(detail: string, where: { field?: string } = {}) {
    super(where.field ? `${where.field}: ${detail}` : detail);
    this.name = "FormatError";
    this.detail = detail;
    if (where.field) this.field = where.field;
  }
}
