// The PostgreSQL types of the columns that SQLite stores in its own way: timestamps (integer
// milliseconds there) and generated ids. One definition so every table says the same.
import { integer, timestamp } from "drizzle-orm/pg-core";

/** A point in time: timestamptz to the millisecond (SQLite: integer milliseconds since the epoch). */
export function stamp(name: string) {
  return timestamp(name, { withTimezone: true, precision: 3 });
}

/** A generated id that an explicit value may still set (a copy from SQLite keeps its ids). */
export function id() {
  return integer("id").primaryKey().generatedByDefaultAsIdentity();
}
