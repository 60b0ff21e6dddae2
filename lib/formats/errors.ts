// The one error the format readers throw: a source (a field map, a record, an annotation, a
// transcript, a gzip stream) that does not fit its format. It says what is wrong and, when the
// reader knows them, at which field path and line; lib/services/importer.ts turns it into the
// application's AppError, in one place.

export class FormatError extends Error {
  /** The offending field's path, e.g. `responses[1].content` or `labels`; absent for the source as a whole. */
  readonly field?: string;
  /** The 1-based line of the source the problem is on, when a reader knows it. */
  readonly line?: number;
  /** What is wrong, without the field path (the message puts the two together). */
  readonly detail: string;

  constructor(detail: string, where: { field?: string; line?: number } = {}) {
    super(where.field ? `${where.field}: ${detail}` : detail);
    this.name = "FormatError";
    this.detail = detail;
    if (where.field) this.field = where.field;
    if (where.line !== undefined) this.line = where.line;
  }
}
