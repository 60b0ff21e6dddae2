// The same file imported on SQLite and on PostgreSQL exports the same bytes, in every format and
// file format: what an engine stores (JSON key order, timestamps, booleans, NULL order) never shows.
import fs from "node:fs";
import { Readable } from "node:stream";
import { describe, expect, it } from "vitest";
import { at, dynamicQuery, num } from "@/db/engine";
import { EXPORT_FORMAT_NAMES } from "@/lib/formats/export/options";
import { parseFieldMap } from "@/lib/formats/import/field-map";
import { openExport, type ExportInput } from "@/lib/services/exporter";
import { importItems } from "@/lib/services/importer";
import { collect } from "../helpers/collect";
import { ENGINES, makeProject, tempDbOn } from "../helpers/db";
import { needsSharedData, PANDALM_TEST } from "../helpers/shared-data";

const shared = needsSharedData(PANDALM_TEST);
const [PANDALM] = shared.files;
const PANDALM_MAP = "prompt=instruction+input,responses=response1|response2,models=cmp_key,id=idx,annotations=annotator1|annotator2|annotator3,labels=0:tie|1:A|2:B";
const NOW = 1_780_000_000_123;

const ann = (annotator: string, payload: Record<string, unknown>) => ({ annotator, ...payload });
/** Keys in many orders, a conversation, a gold item, an empty response, tags, ratings and a ranking. */
const records = [
  {
    id: "won-by-b",
    prompt: "What is 2+2?",
    responses: [
      { content: "5", model: "m-small", metadata: { zeta: 1, a: [2, { y: 1, bb: 2 }] } },
      { content: "4", model: "m-large" },
    ],
    metadata: { zeta: 1, alpha: "x", mid: null },
    tags: ["math", "easy"],
    annotations: [ann("ann1", { choice: "B", strength: 3 }), ann("ann2", { strength: 1 }), ann("ann3", { choice: "A", strength: -1, rationale: "shorter" })],
  },
  {
    id: "unanimous",
    prompt: "Capital of France?",
    responses: [
      { content: "Paris.", model: "m-large" },
      { content: "Lyon.", model: "m-small" },
    ],
    annotations: [ann("ann1", { choice: "A", duration_ms: 1200 }), ann("ann2", { choice: "A" }), ann("ann3", { choice: "A", rewrite: "Paris is the capital." })],
  },
  { id: "tied", prompt: "Say hi", responses: ["hi", "hello"], annotations: [ann("ann1", { choice: "tie" }), ann("ann2", { choice: "tie" }), ann("ann3", { choice: "A" })] },
  { id: "both-bad", prompt: "Name a prime", responses: ["4", "6"], annotations: [ann("ann1", { choice: "both_bad" }), ann("ann2", { choice: "both_bad" })] },
  { id: "gold", prompt: "gold q", responses: ["a", "b"], gold: { choice: "A", explanation: "a is right" }, annotations: [ann("ann1", { choice: "A" })] },
  {
    id: "conversation",
    prompt: [
      { role: "system", content: "Be brief." },
      { role: "user", content: "Hi" },
      { role: "assistant", content: "Hello." },
      { role: "user", content: "And now?" },
    ],
    responses: ["x", "y"],
    annotations: [ann("ann1", { choice: "B" }), ann("ann2", { choice: "B" })],
  },
  { id: "empty", prompt: "Empty?", responses: ["", "full"], annotations: [ann("ann1", { choice: "B" })] },
  {
    id: "rated",
    prompt: "Rate these",
    responses: ["good", "fine", "bad"],
    annotations: [ann("ann1", { ratings: { A: { help: 5, style: 4 }, B: { help: 3 }, C: { help: 1 } } }), ann("ann2", { ranking: [["A"], ["B", "C"]] })],
  },
  { id: "unjudged", prompt: "nobody", responses: ["p", "q"] },
];

/** Every export of the project, by name: each format in each file format it has, with and without the options that change rows. */
async function everyExport(ctx: Parameters<typeof openExport>[0]["ctx"], slug: string): Promise<Map<string, Buffer>> {
  const out = new Map<string, Buffer>();
  const variants: [string, Partial<ExportInput>][] = [
    ["default", {}],
    ["gold-empty", { includeGold: true, keepEmpty: true }],
    ["split", { split: "test=0.3", seed: 7, part: "test" }],
    ["unanimous", { policy: "unanimous", ties: "exclude" }],
  ];
  for (const format of EXPORT_FORMAT_NAMES) {
    for (const fileFormat of ["jsonl", "csv", "parquet"] as const) {
      if (format === "openai-dpo" && fileFormat === "parquet") continue;
      for (const [name, options] of variants) {
        // Annotators revealed: pseudonyms are salted afresh by every export, on any engine.
        const exp = await openExport({ ctx, input: { slug, format, fileFormat, revealAnnotators: true, ...options } });
        const parts = "chunks" in exp ? await collect(exp.chunks) : (await collect(exp.lines)).map((line) => Buffer.from(line));
        out.set(`${slug} ${format} ${name}.${fileFormat}`, Buffer.concat(parts));
      }
    }
  }
  return out;
}

async function exportsOn(kind: (typeof ENGINES)[number], withPandaLM: boolean): Promise<Map<string, Buffer>> {
  const t = await tempDbOn(kind);
  try {
    const ctx = { ...t.system, now: () => NOW };
    const rich = await makeProject(t, { slug: "rich" });
    const text = records.map((r) => JSON.stringify(r)).join("\n") + "\n";
    expect(await importItems({ ctx, input: { slug: rich.slug, source: () => Readable.from([text]) } })).toMatchObject({ inserted: records.length, error_count: 0 });
    // An adjudication on the tied item, in the item's order.
    const tied = await t.db.first(dynamicQuery("select id from items where external_id = 'tied'", (r) => num(r.id)));
    const hello = await t.db.first(dynamicQuery("select id from candidates where item_id = ? and content = 'hello'", (r) => num(r.id)), [tied!]);
    await t.db.exec(dynamicQuery("insert into adjudications (item_id, choice, winner_candidate_id, created_at) values (?, 'B', ?, ?)"), [tied!, hello!, at(NOW)]);
    const out = await everyExport(t.system, rich.slug);
    if (withPandaLM) {
      const p = await makeProject(t, { slug: "pandalm" });
      await importItems({ ctx, input: { slug: p.slug, source: () => fs.createReadStream(PANDALM), map: parseFieldMap(PANDALM_MAP) } });
      for (const [name, bytes] of await everyExport(t.system, p.slug)) out.set(name, bytes);
    }
    return out;
  } finally {
    await t.close();
  }
}

describe.skipIf(ENGINES.length < 2)("exports on SQLite and PostgreSQL", () => {
  async function sameOnEveryEngine(withPandaLM: boolean) {
    const [first, ...others] = await Promise.all(ENGINES.map((kind) => exportsOn(kind, withPandaLM)));
    // Every format in JSONL and CSV, all but openai-dpo in Parquet, four variants each, per project.
    expect(first.size).toBe((EXPORT_FORMAT_NAMES.length * 3 - 1) * 4 * (withPandaLM ? 2 : 1));
    for (const other of others) {
      expect([...other.keys()]).toEqual([...first.keys()]);
      for (const [name, bytes] of first) expect(other.get(name)!.toString("latin1"), name).toBe(bytes.toString("latin1"));
    }
  }

  it("are byte-identical for the same file, in every format and file format", () => sameOnEveryEngine(false), 120_000);

  shared.it("are byte-identical for PandaLM with its three annotators", () => sameOnEveryEngine(true), 240_000);
});
