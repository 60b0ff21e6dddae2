// `arbiter import`: items (and any judgments in them) from a JSONL, JSON or CSV file, maybe gzipped.
import fs from "node:fs";
import path from "node:path";
import { AppError } from "@/lib/services/errors";
import { importItems } from "@/lib/services/importer";
import { FormatError } from "@/lib/formats/errors";
import { FIELD_MAP_HELP, parseFieldMap, type FieldMap } from "@/lib/formats/import/normalize";
import { IMPORT_FORMATS } from "@/lib/formats/import/read";
import type { RecordError } from "@/lib/formats/record";
import { progressBar } from "../progress";
import { systemCtx, usageError, verb, type Command } from "../command";
import { need } from "../flags";

/** `responses: expected …`; the reader may already have put the field in the message. */
function withField(e: RecordError): string {
  return e.field && !e.message.startsWith(`${e.field}:`) ? `${e.field}: ${e.message}` : e.message;
}

export const importCommand: Command = {
  name: "import",
  summary: "import items from a file",
  verbs: [
    verb({
      usage: `--project S FILE [--skip-invalid] [--format ${IMPORT_FORMATS.join("|")}] [--map SPEC]`,
      summary: "import items (FILE may be gzipped)",
      flags: {
        project: { type: "string", value: "S", help: "the project's slug" },
        "skip-invalid": { type: "boolean", help: "import the valid records and list the invalid ones (default: import nothing if any is invalid)" },
        format: { type: "string", value: "F", help: `${IMPORT_FORMATS.join(", ")} (default auto: from the file name and content)` },
        map: { type: "string", value: "SPEC", help: "which source fields make up each part of an item (README \"Import format\")" },
      },
      positionals: ["FILE"],
      async run({ values, positionals, io, json, print }) {
        const slug = need(values, "project");
        const file = positionals[0];
        if (!file) throw usageError("import needs a FILE");
        if (!fs.existsSync(file)) throw new AppError("not_found", `File ${file} not found.`);
        const format = IMPORT_FORMATS.find((f) => f === values.format);
        if (values.format !== undefined && !format) throw usageError(`--format must be one of ${IMPORT_FORMATS.join(", ")} (got "${values.format}")`);
        let map: FieldMap | undefined;
        try {
          map = values.map ? parseFieldMap(values.map) : undefined;
        } catch (e) {
          if (e instanceof FormatError) throw usageError(`--map: ${e.message}\n\n${FIELD_MAP_HELP}`);
          throw e;
        }
        const ctx = await systemCtx(values);
        const bar = !json && process.stderr.isTTY ? progressBar(fs.statSync(file).size) : undefined;
        const summary = await importItems({
          ctx,
          input: {
            slug,
            source: () => fs.createReadStream(file),
            skipInvalid: values["skip-invalid"],
            format,
            map,
            sourceName: path.basename(file),
            onProgress: bar ? (p) => bar.update(p) : undefined,
          },
        });
        bar?.done();
        const out = {
          inserted: summary.inserted,
          duplicates: summary.duplicates,
          annotations: summary.annotations,
          errors: summary.errors,
          error_count: summary.error_count,
          warnings: summary.warnings,
          warning_count: summary.warning_count,
          ...(summary.hint ? { hint: summary.hint } : {}),
        };
        if (summary.rejected) {
          io.err(
            summary.errors.map((e) => `${file}:${e.line}: ${withField(e)}`).join("\n") +
              (summary.error_count > summary.errors.length ? `\n… and ${summary.error_count - summary.errors.length} more` : "") +
              `\n${summary.error_count} invalid record(s); nothing was imported (use --skip-invalid to import the valid ones).\n` +
              (summary.hint ? `\n${summary.hint}\n\n${FIELD_MAP_HELP}\n` : ""),
          );
          if (json) io.out(JSON.stringify(out) + "\n");
          return 1;
        }
        print(
          `Imported ${summary.inserted} item(s), ${summary.duplicates} duplicate(s) skipped` +
            (summary.annotations ? `, ${summary.annotations} judgment(s) from the file` : "") +
            (summary.error_count ? `, ${summary.error_count} invalid row(s) skipped:\n` + summary.errors.map((e) => `  line ${e.line}: ${withField(e)}`).join("\n") : "") +
            (summary.warning_count
              ? `\n${summary.warning_count} warning(s) (imported; check these rows):\n` +
                summary.warnings.map((w) => `  line ${w.line}: ${w.message}`).join("\n") +
                (summary.warning_count > summary.warnings.length ? `\n  … and ${summary.warning_count - summary.warnings.length} more` : "")
              : ""),
          out,
        );
        return 0;
      },
    }),
  ],
};
