// `arbiter export`: a dataset from the project's judgments, to stdout, files or a Hugging Face
// dataset folder, or with --dry-run the counts of what each rule keeps and drops.
import path from "node:path";
import { dryRunExport, exportInput, openExport, writeExport, EXPORT_FORMAT_NAMES } from "@/lib/services/exporter";
import { systemCtx, usageError, verb, type Command } from "../command";
import { checked, need } from "../flags";

/** The export options' service keys whose flag is spelled differently. */
const FLAG_OF: Record<string, string> = {
  slug: "project",
  fileFormat: "file-format",
  minVotes: "min-votes",
  minAgreement: "min-agreement",
  bothBad: "both-bad",
  ratingPairs: "rating-pairs",
  rankingPairs: "ranking-pairs",
  sftWinners: "sft-winners",
  includeGold: "include-gold",
  revealAnnotators: "reveal-annotators",
};

export const exportCommand: Command = {
  name: "export",
  summary: "write a dataset",
  verbs: [
    verb({
      usage:
        "--project S --format F [--out FILE | --hf-dataset DIR] [--dry-run] [options]\n" +
        `F: ${EXPORT_FORMAT_NAMES.join(", ")}\n` +
        "--file-format jsonl|csv|parquet   --policy majority|unanimous   --min-votes N   --min-agreement R\n" +
        "--ties include|exclude    --both-bad negatives|drop     --conversational   --sft-winners\n" +
        "--rating-pairs best-vs-worst|best-vs-random   --ranking-pairs all-pairs|best-vs-rest\n" +
        "--split test=0.1[,validation=0.1] --seed N [--part NAME]   --include-gold\n" +
        "--reveal-annotators   --licence SPDX (dataset card)",
      summary: "write a dataset (README \"Export formats\")",
      flags: {
        project: { type: "string", value: "S", help: "the project's slug" },
        format: { type: "string", value: "F", help: EXPORT_FORMAT_NAMES.join(", ") },
        "file-format": { type: "string", value: "F", help: "jsonl (default), csv or parquet" },
        policy: { type: "string", value: "P", help: "majority (default) or unanimous" },
        "min-votes": { type: "string", value: "N", help: "judgments an item needs (default 1)" },
        "min-agreement": { type: "string", value: "R", help: "share of judgments the winning label needs (0–1)" },
        ties: { type: "string", value: "T", help: "include (default) or exclude" },
        "both-bad": { type: "string", value: "B", help: "negatives (default) or drop (trl-kto)" },
        "rating-pairs": { type: "string", value: "R", help: "best-vs-worst (default) or best-vs-random" },
        "ranking-pairs": { type: "string", value: "R", help: "all-pairs (default) or best-vs-rest" },
        "sft-winners": { type: "boolean", help: "sft: add the winner of every unanimously decided item" },
        conversational: { type: "boolean", help: "prompts and responses as message lists" },
        "include-gold": { type: "boolean", help: "keep gold items and judgments" },
        "reveal-annotators": { type: "boolean", help: "raw: annotator emails instead of pseudonyms" },
        split: { type: "string", value: "SPEC", help: "test=0.1[,validation=0.1]" },
        seed: { type: "string", value: "N", help: "the split's seed (default 42)" },
        part: { type: "string", value: "NAME", help: "with --split, the one part stdout carries" },
        out: { type: "string", value: "FILE", help: "write to FILE (one file per split)" },
        "hf-dataset": { type: "string", value: "DIR", help: "write a Hugging Face dataset folder" },
        licence: { type: "string", value: "SPDX", help: "the licence named in the dataset card" },
        "dry-run": { type: "boolean", help: "print what each rule keeps and drops instead" },
      },
      async run({ values, io, print, streaming }) {
        const slug = need(values, "project");
        const format = need(values, "format");
        if (values.out && values["hf-dataset"]) throw usageError("give --out or --hf-dataset, not both");
        const input = checked(
          exportInput,
          {
            slug,
            format,
            fileFormat: values["file-format"],
            policy: values.policy,
            minVotes: values["min-votes"],
            minAgreement: values["min-agreement"],
            ties: values.ties,
            bothBad: values["both-bad"],
            ratingPairs: values["rating-pairs"],
            rankingPairs: values["ranking-pairs"],
            sftWinners: values["sft-winners"],
            conversational: values.conversational,
            includeGold: values["include-gold"],
            revealAnnotators: values["reveal-annotators"],
            split: values.split,
            seed: values.seed,
            part: values.part,
          },
          FLAG_OF,
        );
        const ctx = systemCtx(values.db);
        if (values["dry-run"]) {
          const c = dryRunExport({ ctx, input });
          const dropped = Object.entries(c.dropped).filter(([, n]) => n > 0);
          print(
            [
              `Items with judgments: ${c.items}`,
              `Kept: ${c.kept_items} item(s) → ${c.rows} row(s)` + (Object.keys(c.splits).length > 1 ? ` (${Object.entries(c.splits).map(([k, n]) => `${k} ${n}`).join(", ")})` : ""),
              ...dropped.map(([reason, n]) => `Dropped, ${reason.replaceAll("_", " ")}: ${n}`),
              ...(c.gold_items_excluded ? [`Left out, gold items: ${c.gold_items_excluded}`] : []),
              ...(c.gold_judgments_excluded ? [`Left out, gold judgments: ${c.gold_judgments_excluded}`] : []),
              ...(c.adjudicated_items ? [`Decided by adjudication: ${c.adjudicated_items}`] : []),
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
        streaming();
        const drain = () => new Promise<void>((r) => process.stdout.once("drain", () => r()));
        if ("chunks" in exp) {
          let bytes = 0;
          for (const chunk of exp.chunks) {
            bytes += chunk.byteLength;
            if (!process.stdout.write(chunk)) await drain();
          }
          io.err(`${bytes} byte(s)\n`);
          return 0;
        }
        let rows = 0;
        for (const line of exp.lines) {
          rows++;
          if (!process.stdout.write(line)) await drain();
        }
        io.err(`${rows} line(s)\n`);
        return 0;
      },
    }),
  ],
};
