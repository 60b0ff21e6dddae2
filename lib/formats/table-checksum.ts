// A table's fingerprint, the same whichever engine it was read from: sha256 over its rows in
// primary-key order, each value in one canonical text form. `arbiter db copy` compares the two
// sides' fingerprints to prove a table arrived whole (lib/services/db-copy.ts).
import { createHash } from "node:crypto";

/**
 * A stored value as read and normalised by the copy: a number (integers and timestamps in
 * milliseconds), text, a boolean, JSON already re-encoded as canonical text, or null.
 */
export type TableValue = string | number | boolean | null;

/** A value's canonical text: decimal numbers, `true`/`false`, text as it is; null stays null (never ''). */
export function canonicalText(value: TableValue): string | null {
  if (value === null) return null;
  if (typeof value === "string") return value;
  if (typeof value === "boolean") return value ? "true" : "false";
  // Integers print in decimal (every int8 is below 1e21, where JavaScript would switch to exponents);
  // floats in the shortest form that reads back as the same double, which PostgreSQL prints too.
  return Number.isInteger(value) ? value.toFixed(0) : String(value);
}

/**
 * One table's row count and checksum, fed row by row. A row is written as the JSON array of its
 * values' canonical texts plus a newline, so no two different rows (or row sequences) hash alike:
 * JSON quoting keeps `["a","b"]` apart from `["a\",\"b"]`, and null apart from "".
 */
export class TableChecksum {
  private readonly hash = createHash("sha256");
  rows = 0;

  add(values: readonly TableValue[]): void {
    this.hash.update(JSON.stringify(values.map(canonicalText)));
    this.hash.update("\n");
    this.rows++;
  }

  /** The hex sha256 (call once, after the last row). */
  digest(): string {
    return this.hash.digest("hex");
  }
}
