// `arbiter backup`: a consistent copy of the database, safe to take while the server runs.
import { getDb, resolveDbPath } from "@/db/client";
import { backupDatabase, refusePostgres, type TableCounts } from "@/lib/services/backup";
import { notFound } from "@/lib/services/errors";
import fs from "node:fs";
import { dbTarget, verb, type Command } from "../command";
import { need } from "../flags";

/** The row counts as aligned lines, one table a line. */
export function countLines(tables: TableCounts): string[] {
  const width = Math.max(...Object.keys(tables).map((t) => t.length));
  return Object.entries(tables).map(([name, rows]) => `  ${name.padEnd(width)}  ${rows}`);
}

export const backup: Command = {
  name: "backup",
  summary: "copy the database while the server runs",
  verbs: [
    verb({
      usage: "--out FILE [--force]",
      summary: "copy the database while the server runs",
      flags: {
        out: { type: "string", value: "FILE", help: "the backup file to write (refused if it exists)" },
        force: { type: "boolean", help: "replace FILE if it exists" },
      },
      run({ values, print }) {
        const out = need(values, "out");
        const target = dbTarget(values);
        refusePostgres(target ?? process.env.ARBITER_DATABASE_URL, "backup");
        const source = resolveDbPath(target);
        // Opening would create an empty database: a missing file is a mistake in --db or $ARBITER_DB.
        if (!fs.existsSync(source)) throw notFound(`Database ${source}`);
        const result = backupDatabase({ ctx: { db: getDb(source), caller: null }, input: { out, force: values.force } });
        print([`Backed up ${source} to ${result.file} (${result.bytes} bytes, integrity ok)`, ...countLines(result.tables)].join("\n"), result);
        return 0;
      },
    }),
  ],
};
