// `arbiter db copy`: moves an installation's data between SQLite and PostgreSQL (either way, or
// between two databases of one engine), verified table by table.
import { copyDatabase, type CopyResult } from "@/lib/services/db-copy";
import { usageError, verb, type Command } from "../command";
import { need } from "../flags";

/** What `db copy` prints: where from and to, each table's rows and checksum, then "verified" or the tables that differ. */
export function copyReport(result: CopyResult): string {
  const names = Object.keys(result.tables);
  const width = Math.max("table".length, ...names.map((n) => n.length));
  const rowsWidth = Math.max("rows".length, ...names.map((n) => String(result.tables[n].rows).length));
  const outcome = result.verified
    ? ["verified"]
    : [
        "NOT verified: these tables differ on the target:",
        ...result.differences.map((d) => `  ${d.table}: source ${d.source.rows} rows ${d.source.checksum}, target ${d.target.rows} rows ${d.target.checksum}`),
      ];
  return [
    `Copied ${result.from} to ${result.to}`,
    `  ${"table".padEnd(width)}  ${"rows".padStart(rowsWidth)}  checksum`,
    ...names.map((n) => `  ${n.padEnd(width)}  ${String(result.tables[n].rows).padStart(rowsWidth)}  ${result.tables[n].checksum}`),
    ...outcome,
  ].join("\n");
}

export const db: Command = {
  name: "db",
  summary: "copy a database between SQLite and PostgreSQL",
  verbs: [
    verb({
      name: "copy",
      usage: "--from SRC --to DST [--force]",
      summary: "copy every table from SRC to DST (a SQLite file or a postgres:// URL) and verify the copy",
      flags: {
        from: { type: "string", value: "SRC", help: "the database to copy: a SQLite file or a postgres:// URL (migrated to this version)" },
        to: { type: "string", value: "DST", help: "the database to fill: a SQLite file (created if missing) or a postgres:// URL; migrated first" },
        force: { type: "boolean", help: "replace the rows DST already holds (refused otherwise)" },
      },
      async run({ values, io, json, print }) {
        if (values.db !== undefined || values["database-url"] !== undefined) throw usageError("db copy names its databases with --from and --to, not --db or --database-url");
        const from = need(values, "from");
        const to = need(values, "to");
        const progress = !json && process.stderr.isTTY;
        const result = await copyDatabase({
          input: { from, to, force: values.force },
          hooks: progress ? { afterTable: (table, rows) => io.err(`  copied ${table} (${rows} rows)\n`) } : {},
        });
        print(copyReport(result), { tables: result.tables, verified: result.verified, ...(result.verified ? {} : { differences: result.differences }) });
        return result.verified ? 0 : 1;
      },
    }),
  ],
};
