// Import → judge → export → parse, for every export format, through the services on a real SQLite
// file: each field checked, TRL rows validated against TRL's rules, splits and dry-run counts.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { parse as parseCsv } from "csv-parse/sync";
import { sql } from "drizzle-orm";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { checkTrlRow } from "@/lib/formats/export";
import { parquetColumns } from "@/lib/formats/export/parquet";
import { claimNext } from "@/lib/services/assignment";
import { dryRunExport, openExport, writeExport, type ExportInput } from "@/lib/services/exporter";
import { submitJudgment } from "@/lib/services/judgments";
import { importText, jsonl, makeProject, makeUser, tempDb, type TempDb } from "../helpers/db";

let t: TempDb;
beforeEach(() => {
  t = tempDb();
});
afterEach(() => t.close());

function rows(input: ExportInput & { fileFormat?: "jsonl" }): Record<string, unknown>[] {
  const exp = openExport({ ctx: t.system, input });
  return [...exp.lines].map((l) => JSON.parse(l));
}

/** The Parquet stream of an export, joined and read back by a full Parquet reader (hyparquet). */
async function parquetExport(input: ExportInput): Promise<{ filename: string; contentType: string; file: Buffer; rows: Record<string, unknown>[] }> {
  const exp = openExport({ ctx: t.system, input: { ...input, fileFormat: "parquet" } });
  if (!("chunks" in exp)) throw new Error("a Parquet export streams bytes");
  const file = Buffer.concat([...exp.chunks]);
  const { parquetReadObjects } = await import("hyparquet");
  const read = (await parquetReadObjects({ file: file.buffer.slice(file.byteOffset, file.byteOffset + file.byteLength) as ArrayBuffer })) as Record<string, unknown>[];
  return { filename: exp.filename, contentType: exp.contentType, file, rows: read };
}

const ann = (annotator: string, payload: Record<string, unknown>) => ({ annotator, ...payload });

/** Four items: B wins 2–1 with strengths; A wins 3–0 with a rewrite; a tie; both bad. */
const records = [
  {
    id: "won-by-b",
    prompt: "What is 2+2?",
    responses: [
      { content: "5", model: "m-small" },
      { content: "4", model: "m-large" },
    ],
    annotations: [ann("ann1", { choice: "B", strength: 3 }), ann("ann2", { strength: 1 }), ann("ann3", { choice: "A", strength: -1, rationale: "shorter" })],
  },
  {
    id: "unanimous",
    prompt: "Capital of France?",
    responses: [
      { content: "Paris.", model: "m-large" },
      { content: "Lyon.", model: "m-small" },
    ],
    annotations: [ann("ann1", { choice: "A" }), ann("ann2", { choice: "A" }), ann("ann3", { choice: "A", rewrite: "Paris is the capital." })],
  },
  {
    id: "tied",
    prompt: "Say hi",
    responses: ["hi", "hello"],
    annotations: [ann("ann1", { choice: "tie" }), ann("ann2", { choice: "tie" }), ann("ann3", { choice: "A" })],
  },
  {
    id: "both-bad",
    prompt: "Name a prime",
    responses: ["4", "6"],
    annotations: [ann("ann1", { choice: "both_bad" }), ann("ann2", { choice: "both_bad" }), ann("ann3", { choice: "B" })],
  },
];

async function setup() {
  const p = makeProject(t);
  const summary = await importText(t, p.slug, jsonl(records));
  expect(summary).toMatchObject({ inserted: 4, annotations: 12, error_count: 0 });
  return p;
}

describe("export formats round trip", () => {
  it("trl-dpo: majority winners with an explicit prompt, standard or conversational", async () => {
    const p = await setup();
    const out = rows({ slug: p.slug, format: "trl-dpo" });
    expect(out).toEqual([
      { prompt: "What is 2+2?", chosen: "4", rejected: "5" },
      { prompt: "Capital of France?", chosen: "Paris.", rejected: "Lyon." },
    ]);
    for (const row of out) expect(checkTrlRow("trl-dpo", row)).toEqual([]);
    const conv = rows({ slug: p.slug, format: "trl-dpo", conversational: true });
    expect(conv[0]).toEqual({
      prompt: [{ role: "user", content: "What is 2+2?" }],
      chosen: [{ role: "assistant", content: "4" }],
      rejected: [{ role: "assistant", content: "5" }],
    });
    for (const row of conv) expect(checkTrlRow("trl-dpo", row)).toEqual([]);
    expect(rows({ slug: p.slug, format: "trl-dpo", policy: "unanimous" })).toHaveLength(1);
    expect(rows({ slug: p.slug, format: "trl-dpo", minAgreement: 0.9 })).toHaveLength(1);
  });

  it("trl-reward: implicit prompt with the strength margin", async () => {
    const p = await setup();
    const out = rows({ slug: p.slug, format: "trl-reward" });
    // strengths toward B: +3, +1, and −1 from the vote for A → mean 1
    expect(out[0]).toEqual({ chosen: "What is 2+2?\n\n4", rejected: "What is 2+2?\n\n5", margin: 1 });
    expect(out[1]).toEqual({ chosen: "Capital of France?\n\nParis.", rejected: "Capital of France?\n\nLyon." });
    for (const row of out) expect(checkTrlRow("trl-reward", row)).toEqual([]);
  });

  it("trl-kto: winners true, losers false, both-bad items as negatives unless dropped", async () => {
    const p = await setup();
    const out = rows({ slug: p.slug, format: "trl-kto" });
    expect(out.map((r) => [r.completion, r.label])).toEqual([
      ["4", true],
      ["5", false],
      ["Paris.", true],
      ["Lyon.", false],
      ["4", false],
      ["6", false],
    ]);
    for (const row of out) expect(checkTrlRow("trl-kto", row)).toEqual([]);
    expect(rows({ slug: p.slug, format: "trl-kto", bothBad: "drop" })).toHaveLength(4);
  });

  it("openai-dpo and hh-rlhf", async () => {
    const p = await setup();
    expect(rows({ slug: p.slug, format: "openai-dpo" })[0]).toEqual({
      input: { messages: [{ role: "user", content: "What is 2+2?" }] },
      preferred_output: [{ role: "assistant", content: "4" }],
      non_preferred_output: [{ role: "assistant", content: "5" }],
    });
    expect(rows({ slug: p.slug, format: "hh-rlhf" })[0]).toEqual({
      chosen: "\n\nHuman: What is 2+2?\n\nAssistant: 4",
      rejected: "\n\nHuman: What is 2+2?\n\nAssistant: 5",
    });
  });

  it("sft: rewrites and demonstrations, and unanimous winners when asked", async () => {
    const p = await setup();
    const out = rows({ slug: p.slug, format: "sft" });
    expect(out).toEqual([{ prompt: "Capital of France?", completion: "Paris is the capital." }]);
    const withWinners = rows({ slug: p.slug, format: "sft", sftWinners: true });
    expect(withWinners).toEqual([out[0], { prompt: "Capital of France?", completion: "Paris." }]);
  });

  it("raw: every judgment with ids, models, display order, pseudonymised annotators and flags", async () => {
    const p = await setup();
    const candidates = t.db.all<{ id: number; item: string; content: string }>(
      sql`select c.id, i.external_id as item, c.content from candidates c join items i on i.id = c.item_id order by c.id`,
    );
    const adjudicatedItem = t.db.get<{ id: number }>(sql`select id from items where external_id = 'tied'`).id;
    t.db.run(sql`insert into adjudications (item_id, choice, winner_candidate_id, created_at) values (${adjudicatedItem}, 'B', ${candidates.find((c) => c.content === "hello")!.id}, 0)`);

    const out = rows({ slug: p.slug, format: "raw" });
    expect(out).toHaveLength(12);
    const first = out[0];
    expect(first).toMatchObject({
      item_external_id: "won-by-b",
      type: "pairwise",
      choice: "B",
      verdict: "B",
      winner_model: "m-large",
      models: ["m-small", "m-large"],
      imported: true,
      gold: false,
      adjudicated: false,
      adjudication: null,
    });
    expect(first.display_order).toEqual(first.candidate_ids);
    expect(first.payload).toMatchObject({ type: "pairwise", verdict: "B", strength: 3, winner: (first.candidate_ids as number[])[1] });
    expect(first.payload).not.toHaveProperty("choice");
    expect(first.annotator).toMatch(/^annotator-[0-9a-f]{12}$/);
    // The same annotator has one pseudonym within an export, a new one in the next export.
    const byAnn = new Set(out.map((r) => r.annotator));
    expect(byAnn.size).toBe(3);
    const again = rows({ slug: p.slug, format: "raw" });
    expect(again[0].annotator).not.toBe(first.annotator);
    expect(rows({ slug: p.slug, format: "raw", revealAnnotators: true })[0].annotator).toBe("ann1@external.invalid");
    const tied = out.filter((r) => r.item_external_id === "tied");
    expect(tied.every((r) => r.adjudicated === true && (r.adjudication as { verdict: string }).verdict === "B")).toBe(true);
    expect(out.find((r) => r.rationale === "shorter")).toMatchObject({ choice: "A" });
    // The adjudicated label wins in every aggregated format.
    expect(rows({ slug: p.slug, format: "trl-dpo" }).map((r) => r.chosen)).toContain("hello");
  });

  it("includes an app judgment in raw with its display order and duration", async () => {
    const p = makeProject(t, { overlap: 1 });
    await importText(t, p.slug, jsonl([{ id: "one", prompt: "q", responses: ["first", "second"] }]));
    const a = makeUser(t, "annotator");
    const claimed = claimNext({ ctx: a.ctx, input: { slug: p.slug } })!;
    await submitJudgment({ ctx: a.ctx, input: { assignment_id: claimed.assignment.id, choice: "A", duration_ms: 1234 } });
    const [row] = rows({ slug: p.slug, format: "raw" });
    const shownFirst = claimed.item.candidates[0].content;
    const ids = row.candidate_ids as number[];
    expect(row).toMatchObject({ imported: false, duration_ms: 1234, choice: "A" });
    expect((row.display_order as number[])[0]).toBe(ids[shownFirst === "first" ? 0 : 1]);
    expect(rows({ slug: p.slug, format: "trl-dpo" })).toEqual([{ prompt: "q", chosen: shownFirst, rejected: shownFirst === "first" ? "second" : "first" }]);
  });

  it("writes a raw payload in the item's order: strength flipped where the annotator saw the candidates reversed", async () => {
    const p = makeProject(t, { overlap: 1, judgmentSchema: { type: "pairwise", strength: true } });
    await importText(t, p.slug, jsonl([{ id: "one", prompt: "q", responses: ["first", "second"] }]));
    const ids = t.db.all<{ id: number }>(sql`select id from candidates order by position`).map((c) => c.id);
    const a = makeUser(t, "annotator");
    const task = claimNext({ ctx: a.ctx, input: { slug: p.slug } })!;
    // The annotator sees the item's second candidate as slot A, and prefers it strongly.
    t.db.run(sql`update assignments set slot_order = ${JSON.stringify([ids[1], ids[0]])} where id = ${task.assignment.id}`);
    await submitJudgment({ ctx: a.ctx, input: { assignment_id: task.assignment.id, choice: "A", strength: -3 } });
    const stored = t.db.get<{ payload: string }>(sql`select payload from judgments`);
    expect(JSON.parse(stored.payload)).toMatchObject({ choice: "A", strength: -3 }); // stored as seen
    const [row] = rows({ slug: p.slug, format: "raw" });
    expect(row).toMatchObject({ choice: "A", verdict: "B", display_order: [ids[1], ids[0]], winner_candidate_id: ids[1] });
    // Item order: B (the second candidate) is much better, +3.
    expect(row.payload).toEqual({ type: "pairwise", verdict: "B", strength: 3, winner: ids[1] });
    expect(rows({ slug: p.slug, format: "trl-reward" })).toEqual([{ chosen: "q\n\nsecond", rejected: "q\n\nfirst", margin: 3 }]);
  });

  it("puts ratings on different scales on [0, 1] before averaging them into one score", async () => {
    const criteria = [
      { key: "help", label: "Helpfulness", min: 1, max: 5 },
      { key: "style", label: "Style", min: 1, max: 7 },
    ];
    const p = makeProject(t, { judgmentSchema: { type: "rating", criteria } });
    // Raw means: x (5 + 2) / 2 = 3.5, y (1 + 7) / 2 = 4: y would win.
    // On [0, 1]: x (1 + 1/6) / 2 = 7/12, y (0 + 1) / 2 = 1/2: x wins, by 1/12.
    await importText(
      t,
      p.slug,
      jsonl([{ id: "r", prompt: "q", responses: ["x", "y"], annotations: [ann("r1", { ratings: { A: { help: 5, style: 2 }, B: { help: 1, style: 7 } } })] }]),
    );
    expect(rows({ slug: p.slug, format: "trl-reward" })).toEqual([{ chosen: "q\n\nx", rejected: "q\n\ny", margin: Math.round((7 / 12 - 1 / 2) * 1e6) / 1e6 }]);
  });

  it("exports every majority-ordered pair of rankings that have no common first place", async () => {
    const p = makeProject(t, { judgmentSchema: { type: "ranking" } });
    await importText(
      t,
      p.slug,
      jsonl([
        {
          id: "no-common-first",
          prompt: "q",
          responses: ["P", "Q", "R"],
          annotations: [ann("r1", { ranking: [["A", "B"], ["C"]] }), ann("r2", { ranking: [["B"], ["A"], ["C"]] }), ann("r3", { ranking: [["A"], ["C"], ["B"]] })],
        },
      ]),
    );
    // P>R in 3 of 3 rankings, Q>R in 2 of 3; P vs Q: 1 ahead, 1 behind, 1 tie: no majority.
    expect(rows({ slug: p.slug, format: "trl-dpo" })).toEqual([
      { prompt: "q", chosen: "P", rejected: "R" },
      { prompt: "q", chosen: "Q", rejected: "R" },
    ]);
    expect(dryRunExport({ ctx: t.system, input: { slug: p.slug, format: "trl-dpo" } })).toMatchObject({ kept_items: 1, rows: 2 });
  });

  it("ratings and rankings imported as annotations become pairs", async () => {
    const p = makeProject(t);
    const three = ["good", "fine", "bad"];
    await importText(
      t,
      p.slug,
      jsonl([
        {
          id: "rated",
          prompt: "q1",
          responses: three,
          annotations: [ann("r1", { ratings: { A: { help: 5, style: 5 }, B: { help: 3 }, C: { help: 1 } } }), ann("r2", { ratings: { A: { help: 4 }, B: { help: 2 }, C: { help: 1 } } })],
        },
        {
          id: "ranked",
          prompt: "q2",
          responses: three,
          annotations: [ann("r1", { ranking: [["A"], ["B"], ["C"]] }), ann("r2", { ranking: [["A"], ["B", "C"]] })],
        },
      ]),
    );
    const stored = t.db.all<{ type: string; payload: string }>(sql`select type, payload from judgments order by id`);
    expect(stored.map((s) => s.type)).toEqual(["rating", "rating", "ranking", "ranking"]);
    const out = rows({ slug: p.slug, format: "trl-reward" });
    expect(out).toEqual([
      // scores on [0, 1] (the default 1–5 scale): good (1 + 0.75) / 2, bad 0
      { chosen: "q1\n\ngood", rejected: "q1\n\nbad", margin: 0.875 },
      { chosen: "q2\n\ngood", rejected: "q2\n\nfine" },
      { chosen: "q2\n\ngood", rejected: "q2\n\nbad" },
      // fine vs bad: one ranking puts fine ahead, the other ties them: no majority, no pair
    ]);
    expect(rows({ slug: p.slug, format: "trl-dpo", rankingPairs: "best-vs-rest" }).filter((r) => r.prompt === "q2")).toHaveLength(2);
    const random = rows({ slug: p.slug, format: "trl-dpo", ratingPairs: "best-vs-random", seed: 1 });
    expect(rows({ slug: p.slug, format: "trl-dpo", ratingPairs: "best-vs-random", seed: 1 })).toEqual(random);
  });

  it("writes CSV that a CSV parser reads back, with quoted newlines and JSON cells", async () => {
    const p = await setup();
    const exp = openExport({ ctx: t.system, input: { slug: p.slug, format: "trl-dpo", fileFormat: "csv" } });
    expect(exp.filename).toMatch(/\.csv$/);
    const parsed = parseCsv([...exp.lines].join(""), { columns: true }) as Record<string, string>[];
    expect(parsed[0]).toEqual({ prompt: "What is 2+2?", chosen: "4", rejected: "5" });
    expect(parsed[1]).toEqual({ prompt: "Capital of France?", chosen: "Paris.", rejected: "Lyon." });
    const raw = parseCsv([...openExport({ ctx: t.system, input: { slug: p.slug, format: "raw", fileFormat: "csv" } }).lines].join(""), { columns: true }) as Record<string, string>[];
    expect(raw).toHaveLength(12);
    expect(JSON.parse(raw[0].payload)).toMatchObject({ type: "pairwise", verdict: "B", strength: 3 });
    expect(raw[0].imported).toBe("true");
  });

  it("writes the whole export as messages when any prompt is multi-turn, so every row has one shape", async () => {
    const p = await setup();
    const turns = [
      { role: "system", content: "Be brief." },
      { role: "user", content: "Hi" },
      { role: "assistant", content: "Hello." },
      { role: "user", content: "And now?" },
    ];
    await importText(t, p.slug, jsonl([{ id: "multi", prompt: turns, responses: ["x", "y"], annotations: [ann("ann1", { choice: "B" })] }]));
    const out = rows({ slug: p.slug, format: "trl-dpo" });
    expect(out).toHaveLength(3);
    expect(out[0]).toEqual({
      prompt: [{ role: "user", content: "What is 2+2?" }],
      chosen: [{ role: "assistant", content: "4" }],
      rejected: [{ role: "assistant", content: "5" }],
    });
    expect(out[2]).toEqual({ prompt: turns, chosen: [{ role: "assistant", content: "y" }], rejected: [{ role: "assistant", content: "x" }] });
    for (const row of out) expect(checkTrlRow("trl-dpo", row)).toEqual([]);
    for (const row of rows({ slug: p.slug, format: "trl-kto" })) expect(checkTrlRow("trl-kto", row)).toEqual([]);
    expect(rows({ slug: p.slug, format: "sft" })).toEqual([{ messages: [{ role: "user", content: "Capital of France?" }, { role: "assistant", content: "Paris is the capital." }] }]);
  });
});

describe("gold, splits, dry runs and dataset folders", () => {
  it("leaves gold items out unless asked", async () => {
    const p = makeProject(t);
    await importText(
      t,
      p.slug,
      jsonl([
        { id: "g", prompt: "gold q", responses: ["a", "b"], gold: { choice: "A" }, annotations: [ann("x", { choice: "A" })] },
        { id: "n", prompt: "normal q", responses: ["a", "b"], annotations: [ann("x", { choice: "B" })] },
      ]),
    );
    expect(rows({ slug: p.slug, format: "trl-dpo" }).map((r) => r.prompt)).toEqual(["normal q"]);
    expect(rows({ slug: p.slug, format: "trl-dpo", includeGold: true })).toHaveLength(2);
    expect(dryRunExport({ ctx: t.system, input: { slug: p.slug, format: "trl-dpo" } })).toMatchObject({ items: 2, gold_items_excluded: 1, rows: 1 });
  });

  it("splits by prompt, deterministically, and counts what each rule keeps and drops", async () => {
    const p = makeProject(t);
    const many = Array.from({ length: 400 }, (_, i) => ({
      id: `i${i}`,
      // every prompt twice (two items), so a prompt on both sides would show
      prompt: `prompt ${Math.floor(i / 2)}`,
      responses: [`a${i}`, `b${i}`],
      annotations: i % 10 === 0 ? [ann("x", { choice: "A" }), ann("y", { choice: "B" })] : [ann("x", { choice: "B" }), ann("y", { choice: "B" })],
    }));
    await importText(t, p.slug, jsonl(many));
    const input = { slug: p.slug, format: "trl-dpo" as const, split: "test=0.2", seed: 42 };
    const train = rows({ ...input, part: "train" });
    const test = rows({ ...input, part: "test" });
    expect(train.length + test.length).toBe(360);
    expect(test.length).toBeGreaterThan(40);
    expect(test.length).toBeLessThan(110);
    const trainPrompts = new Set(train.map((r) => r.prompt));
    expect(test.some((r) => trainPrompts.has(r.prompt))).toBe(false);
    expect(rows({ ...input, part: "test" })).toEqual(test);
    expect(rows({ ...input, seed: 7, part: "test" })).not.toEqual(test);

    const counts = dryRunExport({ ctx: t.system, input: { ...input, minVotes: 2 } });
    expect(counts).toMatchObject({ items: 400, kept_items: 360, rows: 360, splits: { train: train.length, test: test.length } });
    expect(counts.dropped).toMatchObject({ no_majority: 40, below_min_votes: 0 });
    expect(dryRunExport({ ctx: t.system, input: { ...input, minVotes: 3 } }).dropped).toMatchObject({ below_min_votes: 360, no_majority: 40 });
    expect(() => openExport({ ctx: t.system, input: { ...input, part: "dev" } })).toThrow(/part: "dev" is not one of the splits/);
    expect(() => openExport({ ctx: t.system, input: { ...input, split: "test=2" } })).toThrow(/expected NAME=SHARE/);
  });

  it("writes a Hugging Face dataset folder: one file per split and a dataset card", async () => {
    const p = await setup();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "arbiter-hf-"));
    try {
      const written = await writeExport({
        ctx: t.system,
        input: { slug: p.slug, format: "trl-dpo", split: "test=0.5", seed: 3 },
        target: { dir },
        licence: "cc-by-4.0",
      });
      expect(fs.readdirSync(dir).sort()).toEqual(["README.md", "test.jsonl", "train.jsonl"]);
      const lines = (f: string) => fs.readFileSync(path.join(dir, f), "utf8").split("\n").filter(Boolean);
      expect(lines("train.jsonl").length + lines("test.jsonl").length).toBe(2);
      expect(written.files.map((f) => f.rows).reduce((a, b) => a + b)).toBe(2);
      const card = fs.readFileSync(path.join(dir, "README.md"), "utf8");
      expect(card).toMatch(/^---\nlicense: "cc-by-4.0"\n/);
      expect(card).toContain('  - split: train\n    path: "train.jsonl"');
      expect(card).toContain("| policy | majority |");
      expect(card).toContain("Items written: 2 (2 rows)");
      expect(card).toContain("Dropped (tie): 1");
      // 4 items × 3 pairs; agreeing pairs 1 + 3 + 1 + 1 = 6 of 12
      expect(card).toContain("Pairwise percent agreement: 50.0% (12 annotator pairs on 4 items");

      const pq = path.join(dir, "pq");
      await writeExport({ ctx: t.system, input: { slug: p.slug, format: "trl-kto", fileFormat: "parquet" }, target: { dir: pq } });
      expect(fs.readdirSync(pq).sort()).toEqual(["README.md", "train.parquet"]);
      const file = fs.readFileSync(path.join(pq, "train.parquet"));
      expect([file.subarray(0, 4).toString(), file.subarray(-4).toString()]).toEqual(["PAR1", "PAR1"]);
      expect(fs.readFileSync(path.join(pq, "README.md"), "utf8")).toContain('path: "train.parquet"');
      await expect(writeExport({ ctx: t.system, input: { slug: p.slug, format: "openai-dpo", fileFormat: "parquet" }, target: { dir: pq } })).rejects.toThrow(
        /openai-dpo has no Parquet form/,
      );
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("Parquet as a stream (HTTP, stdout)", () => {
  it("trl-dpo, plain and conversational: the rows of the JSONL export, field by field", async () => {
    const p = await setup();
    const plain = await parquetExport({ slug: p.slug, format: "trl-dpo" });
    expect(plain.filename).toBe(`${p.slug}-trl-dpo.parquet`);
    expect(plain.contentType).toBe("application/vnd.apache.parquet");
    expect([plain.file.subarray(0, 4).toString(), plain.file.subarray(-4).toString()]).toEqual(["PAR1", "PAR1"]);
    expect(plain.rows).toEqual(rows({ slug: p.slug, format: "trl-dpo" }));
    expect(plain.rows).toHaveLength(2);

    const conv = await parquetExport({ slug: p.slug, format: "trl-dpo", conversational: true });
    expect(conv.rows).toEqual(rows({ slug: p.slug, format: "trl-dpo", conversational: true }));
    expect(conv.rows[0].prompt).toEqual([{ role: "user", content: "What is 2+2?" }]);
  });

  it("raw: every judgment, with numbers as int64 and ids, models and payloads as JSON text", async () => {
    const p = await setup();
    const columns = parquetColumns("raw", false)!;
    const json = new Set(columns.filter((c) => c.type === "json").map((c) => c.name));
    const int64 = new Set(columns.filter((c) => c.type === "int64").map((c) => c.name));
    // Pseudonyms are new for every export; compare with the annotators shown.
    const input = { slug: p.slug, format: "raw" as const, revealAnnotators: true };
    const { rows: read } = await parquetExport(input);
    const decoded = read.map((row) =>
      Object.fromEntries(
        Object.entries(row).map(([k, v]) => {
          if (int64.has(k) && v !== null) expect(typeof v).toBe("bigint");
          return [k, typeof v === "bigint" ? Number(v) : json.has(k) && typeof v === "string" ? JSON.parse(v) : v];
        }),
      ),
    );
    const want = rows(input);
    expect(want).toHaveLength(12);
    expect(decoded).toEqual(want);
  });

  it("carries one part of a split, the same rows as the JSONL part", async () => {
    const p = makeProject(t);
    await importText(
      t,
      p.slug,
      jsonl(Array.from({ length: 200 }, (_, i) => ({ id: `i${i}`, prompt: `prompt ${i}`, responses: [`a${i}`, `b${i}`], annotations: [ann("x", { choice: "B" })] }))),
    );
    const input = { slug: p.slug, format: "trl-dpo" as const, split: "test=0.2", seed: 42 };
    const test = await parquetExport({ ...input, part: "test" });
    expect(test.filename).toBe(`${p.slug}-trl-dpo-test.parquet`);
    expect(test.rows).toEqual(rows({ ...input, part: "test" }));
    const train = await parquetExport(input);
    expect(train.filename).toBe(`${p.slug}-trl-dpo-train.parquet`);
    expect(train.rows).toEqual(rows({ ...input, part: "train" }));
    expect(test.rows.length).toBeGreaterThan(10);
    expect(train.rows.length + test.rows.length).toBe(200);
    await expect(parquetExport({ ...input, part: "dev" })).rejects.toThrow(/part: "dev" is not one of the splits/);
  });

  it("writes a row group per 5,000 rows and hands it out a row group at a time", async () => {
    const p = makeProject(t);
    const n = 11_000;
    await importText(t, p.slug, jsonl(Array.from({ length: n }, (_, i) => ({ id: `i${i}`, prompt: `prompt ${i}`, responses: [`a${i}`, `b${i}`], annotations: [ann("x", { choice: "A" })] }))));
    const exp = openExport({ ctx: t.system, input: { slug: p.slug, format: "trl-dpo", fileFormat: "parquet" } });
    if (!("chunks" in exp)) throw new Error("a Parquet export streams bytes");
    const chunks = [...exp.chunks];
    const file = Buffer.concat(chunks);
    const { parquetMetadata, parquetReadObjects } = await import("hyparquet");
    const ab = file.buffer.slice(file.byteOffset, file.byteOffset + file.byteLength) as ArrayBuffer;
    const groups = parquetMetadata(ab).row_groups;
    expect(groups.map((g) => Number(g.num_rows))).toEqual([5000, 5000, 1000]);
    // "PAR1", one chunk per row group, the footer: no chunk is more than one row group.
    expect(chunks).toHaveLength(groups.length + 2);
    const largestGroup = Math.max(...groups.map((g) => Number(g.total_compressed_size)));
    expect(Math.max(...chunks.map((c) => c.byteLength))).toBeLessThanOrEqual(largestGroup);
    const read = (await parquetReadObjects({ file: ab })) as Record<string, unknown>[];
    expect(read).toHaveLength(n);
    expect(read[n - 1]).toEqual({ prompt: `prompt ${n - 1}`, chosen: `a${n - 1}`, rejected: `b${n - 1}` });
  });

  it("refuses Parquet for a format that has no Parquet columns, with a 400", async () => {
    const p = await setup();
    let error: unknown;
    try {
      openExport({ ctx: t.system, input: { slug: p.slug, format: "openai-dpo", fileFormat: "parquet" } });
    } catch (e) {
      error = e;
    }
    expect(error).toMatchObject({ code: "bad_request", status: 400, message: expect.stringMatching(/openai-dpo has no Parquet form/) });
  });
});
