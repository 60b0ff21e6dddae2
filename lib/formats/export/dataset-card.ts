// The README.md of an exported Hugging Face dataset folder: YAML front matter that
// `datasets.load_dataset(DIR)` reads (licence, one data file per split), then what a reader of the
// dataset needs to trust it: counts, the aggregation settings and the agreement between annotators.

export interface DatasetCardInput {
  name: string;
  slug: string;
  format: string;
  fileFormat: string;
  files: { split: string; file: string; rows: number }[];
  settings: Record<string, string | number | boolean>;
  counts: {
    items: number;
    kept_items: number;
    rows: number;
    judgments: number;
    dropped: Record<string, number>;
    left_out_empty?: number;
    gold_items_excluded: number;
    adjudicated_items: number;
    agreement: { percent: number | null; n_pairs: number; n_items: number };
  };
  /** An SPDX id such as "cc-by-4.0"; "other" when not given. */
  licence?: string;
  date: Date;
}

function yamlString(s: string): string {
  return JSON.stringify(s);
}

export function datasetCard(c: DatasetCardInput): string {
  const licence = c.licence?.trim() || "other";
  const lines = [
    "---",
    `license: ${yamlString(licence)}`,
    `pretty_name: ${yamlString(c.name)}`,
    "configs:",
    "- config_name: default",
    "  data_files:",
    ...c.files.flatMap((f) => [`  - split: ${f.split}`, `    path: ${yamlString(f.file)}`]),
    "tags:",
    "- arbiter",
    `- ${c.format}`,
    "---",
    "",
    `# ${c.name}`,
    "",
    `Preference data exported by Arbiter from project \`${c.slug}\` on ${c.date.toISOString().slice(0, 10)}, ` +
      `in the \`${c.format}\` format (${c.fileFormat.toUpperCase()}).`,
    "",
    "## Splits",
    "",
    "| split | file | rows |",
    "|---|---|---|",
    ...c.files.map((f) => `| ${f.split} | ${f.file} | ${f.rows} |`),
    "",
    "## Counts",
    "",
    `- Items with judgments: ${c.counts.items}`,
    `- Judgments used: ${c.counts.judgments}`,
    `- Items written: ${c.counts.kept_items} (${c.counts.rows} rows)`,
    `- Adjudicated items: ${c.counts.adjudicated_items}`,
    `- Gold items left out: ${c.counts.gold_items_excluded}`,
    ...Object.entries(c.counts.dropped)
      .filter(([, n]) => n > 0)
      .map(([reason, n]) => `- Dropped (${reason.replaceAll("_", " ")}): ${n}`),
    ...(c.counts.left_out_empty ? [`- Rows left out for an empty response: ${c.counts.left_out_empty}`] : []),
    "",
    "## Aggregation",
    "",
    "| setting | value |",
    "|---|---|",
    ...Object.entries(c.settings).map(([k, v]) => `| ${k} | ${String(v)} |`),
    "",
    "## Agreement",
    "",
    c.counts.agreement.percent === null
      ? "No item has two pairwise judgments, so agreement cannot be measured."
      : `Pairwise percent agreement: ${(c.counts.agreement.percent * 100).toFixed(1)}% ` +
        `(${c.counts.agreement.n_pairs} annotator pairs on ${c.counts.agreement.n_items} items; tie and both-bad count as one category).`,
    "",
    "## Licence",
    "",
    licence === "other" ? "Not stated: set one with `--licence` when exporting." : `\`${licence}\``,
    "",
  ];
  return lines.join("\n");
}
