// `arbiter export`: a dataset from the project's judgments, to stdout, files or a Hugging Face
// dataset folder, or with --dry-run the counts of what each rule keeps and drops.
import path from "node:path";
import { EXPORT_CLI_OPTIONS, EXPORT_FORMAT_NAMES, exportOptionsFromCli } from "@/lib/formats/export/options";
import { dryRunExport, openExport, readExportOptions, writeExport } from "@/lib/services/exporter";
import { systemCtx, usageError, verb, type Command } from "../command";
import { need } from "../flags";

export const exportCommand: Command = {
  name: "export",
  summary: "write a dataset",
  verbs: [
    verb({
      usage: `--project S --format F [--out FILE | --hf-dataset DIR] [--dry-run] [options]\nF: ${EXPORT_FORMAT_NAMES.join(", ")}`,
      summary: "write a dataset (README \"Export formats\")",
      flags: {
        project: { type: "string", value: "S", help: "the project's slug" },
        // The export options, from the one table (lib/formats/export/options.ts).
        ...EXPORT_CLI_OPTIONS,
        out: { type: "string", value: "FILE", help: "write to FILE (one file per split)" },
        "hf-dataset": { type: "string", value: "DIR", help: "write a Hugging Face dataset folder" },
        licence: { type: "string", value: "SPDX", help: "the licence named in the dataset card" },
        "dry-run": { type: "boolean", help: "print what each rule keeps and drops instead" },
      },
      async run({ values, io, print }) {
        const slug = need(values, "project");
        need(values, "format");
        if (values.out && values["hf-dataset"]) throw usageError("give --out or --hf-dataset, not both");
        // A refused value names the flag as typed (--min-votes).
        const input = { slug, ...readExportOptions(exportOptionsFromCli(values), "flag") };
        const ctx = await systemCtx(values);
        if (values["dry-run"]) {
          const c = dryRunExport({ ctx, input });
          const dropped = Object.entries(c.dropped).filter(([, n]) => n > 0);
          print(
            [
              `Items with judgments: ${c.items}`,
              `Kept: ${c.kept_items} item(s) → ${c.rows} row(s)` + (Object.keys(c.splits).length > 1 ? ` (${Object.entries(c.splits).map(([k, n]) => `${k} ${n}`).join(", ")})` : ""),
              ...dropped.map(([reason, n]) => `Dropped, ${reason.replaceAll("_", " ")}: ${n}`),
              ...(c.left_out_empty ? [`Left out, empty response: ${c.left_out_empty} row(s) (--keep-empty keeps them)`] : []),
              ...(c.gold_items_excluded ? [`Left out, gold items: ${c.gold_items_excluded}`] : []),
              ...(c.gold_judgments_excluded ? [`Left out, gold judgments: ${c.gold_judgments_excluded}`] : []),
              ...(c.adjudicated_items ? [`Decided by adjudication: ${c.adjudicated_items}`] : []),
              c.agreement.percent === null
                ? "Agreement: not measurable (no item has two pairwise judgments)"
                : `Agreement: ${(c.agreement.percent * 100).toFixed(1)}% over ${c.agreement.n_pairs} pair(s) of judgments on ${c.agreement.n_items} item(s)`,
            ].join("\n"),
            c,
          );
          return 0;
        }
        if (values.out || values["hf-dataset"]) {
          const target = values.out ? { out: path.resolve(values.out) } : { dir: path.resolve(values["hf-dataset"]!) };
          const written = await writeExport({ ctx, input, target, licence: values.licence });
          print(
            written.files.map((f) => `Wrote ${f.rows} row(s) to ${f.path}`).join("\n") + (target.dir && written.card ? `\nWrote ${path.join(target.dir, "README.md")}` : ""),
            { files: written.files, counts: written.counts },
          );
          return 0;
        }
        if (input.fileFormat === "parquet" && process.stdout.isTTY) throw usageError("Parquet is binary: give --out FILE or redirect stdout");
        // The rows themselves are the output (--json changes nothing); counts go to stderr.
        const exp = openExport({ ctx, input });
        const drain = () => new Promise<void>((r) => process.stdout.once("drain", () => r()));
        if ("chunks" in exp) {
          let bytes = 0;
          for (const chunk of exp.chunks) {
            bytes += chunk.byteLength;
            if (!process.stdout.write(chunk)) await drain();
          }
          io.err(`${exp.written.rows} row(s), ${bytes} byte(s)\n`);
          return 0;
        }
        for (const line of exp.lines) if (!process.stdout.write(line)) await drain();
        // Rows, not lines: a CSV row may span lines (quoted newlines), and the header is not a row.
        io.err(`${exp.written.rows} row(s)\n`);
        return 0;
      },
    }),
  ],
};
