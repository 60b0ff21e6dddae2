// Curating items as an admin: the paged item list with search and filters, setting an item's
// priority and gold answer (all or nothing), and the import batches with their priority.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { requeueItem } from "@/lib/services/adjudication";
import { AppError } from "@/lib/services/errors";
import { listBatches, listItems, setBatchPriority, updateItem } from "@/lib/services/items";
import { errorCode, errorCodeAsync, importText, jsonl, makeProject, makeUser, pairRecord, ENGINES, tempDbOn, type TempDb, sql } from "../helpers/db";

let t: TempDb;

async function message(fn: () => unknown): Promise<string> {
  try {
    await fn();
  } catch (e) {
    if (e instanceof AppError) return `${e.code}: ${e.message}`;
    throw e;
  }
  throw new Error("expected a refusal");
}

const conversation = [
  { role: "system", content: "Be brief." },
  { role: "user", content: "First question" },
  { role: "assistant", content: "First answer" },
  { role: "user", content: 'Now say "100% sure_thing"\non two lines' },
];

/** 120 plain items, then one conversation, one gold item with two imported judgments, one raised item. */
async function project() {
  const p = await makeProject(t, { overlap: 3 });
  await importText(t, p.slug, jsonl(Array.from({ length: 120 }, (_, i) => pairRecord(i))));
  await importText(
    t,
    p.slug,
    jsonl([
      pairRecord(200, { prompt: conversation as never }),
      pairRecord(201, { gold: { choice: "tie" }, annotations: [{ annotator: "ext-1", choice: "A" }, { annotator: "ext-2", choice: "tie" }] }),
      pairRecord(202, { priority: 4, responses: [{ content: "one", model: "m-1" }, { content: "two" }, { content: "three", model: "m-3" }] }),
    ]),
  );
  const ids = Object.fromEntries((await t.all<{ id: number; e: string }>(sql`select id, external_id as e from items`)).map((r) => [r.e, r.id]));
  return { slug: p.slug, ids };
}

/** The item's priority and stored gold answer (JSON text on both engines), parsed. */
async function storedGold(itemId: number): Promise<{ priority: number; gold: unknown }> {
  const row = await t.one<{ priority: number; gold: string | null }>(sql`select priority, gold from items where id = ${itemId}`);
  return { priority: row.priority, gold: row.gold === null ? null : JSON.parse(row.gold) };
}

describe.each(ENGINES)("items on %s", (kind) => {
  beforeEach(async () => {
    t = await tempDbOn(kind);
  });
  afterEach(() => t.close());

  describe("listItems", () => {
    it("pages through the items in import order with the total", async () => {
      const { slug, ids } = await project();
      const first = await listItems({ ctx: t.system, input: { slug } });
      expect(first).toMatchObject({ total: 123, page: 1, page_size: 50 });
      expect(first.items.map((i) => i.external_id)).toEqual(Array.from({ length: 50 }, (_, i) => `item-${i}`));
      const last = await listItems({ ctx: t.system, input: { slug, page: "3" } });
      expect(last.total).toBe(123);
      expect(last.items.map((i) => i.external_id).slice(-4)).toEqual(["item-119", "item-200", "item-201", "item-202"]);
      const beyond = await listItems({ ctx: t.system, input: { slug, page: 9 } });
      expect(beyond).toMatchObject({ total: 123, items: [] });
      expect((await listItems({ ctx: t.system, input: { slug, page: 2, page_size: 10 } })).items[0].id).toBe(ids["item-10"]);
    });

    it("shows each item's models in position order, judgments against the wanted overlap, priority and gold", async () => {
      const { slug, ids } = await project();
      await requeueItem({ ctx: t.system, input: { itemId: ids["item-0"], extra: 2 } });
      const byExternal = Object.fromEntries((await listItems({ ctx: t.system, input: { slug, page: 3 } })).items.map((i) => [i.external_id, i]));
      expect(byExternal["item-201"]).toMatchObject({ id: ids["item-201"], judgments: 2, wanted: 3, gold: "tie", priority: 0, models: ["model-x", "model-y"] });
      expect(byExternal["item-202"]).toMatchObject({ priority: 4, gold: null, models: ["m-1", null, "m-3"] });
      expect(byExternal["item-200"].prompt).toEqual(conversation);
      const first = (await listItems({ ctx: t.system, input: { slug, page_size: 1 } })).items[0];
      expect(first).toMatchObject({ external_id: "item-0", judgments: 0, wanted: 5, extra_overlap: 2, prompt: "Question number 0?" });
    });

    it("searches the external id, the prompt text (any turn, quotes, newlines and wildcards as typed) and the item id", async () => {
      const { slug, ids } = await project();
      const find = async (q: string) => (await listItems({ ctx: t.system, input: { slug, q } })).items.map((i) => i.external_id);
      expect(await find("item-11")).toEqual(["item-11", "item-110", "item-111", "item-112", "item-113", "item-114", "item-115", "item-116", "item-117", "item-118", "item-119"]);
      expect(await find("NUMBER 42?")).toEqual(["item-42"]);
      expect(await find('say "100% sure_thing"\non two')).toEqual(["item-200"]);
      expect(await find("First answer")).toEqual(["item-200"]);
      expect(await find("%")).toEqual(["item-200"]);
      expect(await find("_")).toEqual(["item-200"]);
      expect(await find(String(ids["item-7"]))).toContain("item-7");
      expect(await find("no such text")).toEqual([]);
      expect((await listItems({ ctx: t.system, input: { slug, q: "   " } })).total).toBe(123);
      const paged = await listItems({ ctx: t.system, input: { slug, q: "Question number 1", page_size: 5, page: 2 } });
      expect(paged.total).toBe(31); // 1, 10–19 and 100–119: all counted, not just the page
      expect(paged.items).toHaveLength(5);
    });

    it("filters gold items and items with a non-zero priority, also together with a search", async () => {
      const { slug, ids } = await project();
      await updateItem({ ctx: t.system, input: { itemId: ids["item-5"], priority: -2 } });
      const filter = async (f: "gold" | "priority", q?: string) => await listItems({ ctx: t.system, input: { slug, filter: f, q } });
      expect(await filter("gold")).toMatchObject({ total: 1, items: [{ external_id: "item-201" }] });
      expect((await filter("priority")).items.map((i) => [i.external_id, i.priority])).toEqual([["item-5", -2], ["item-202", 4]]);
      expect((await filter("priority", "202")).items.map((i) => i.external_id)).toEqual(["item-202"]);
      expect((await filter("gold", "item-5")).total).toBe(0);
    });

    it("refuses bad input naming the field, unknown projects, and every role but admin", async () => {
      const { slug } = await project();
      const list = async (input: Record<string, unknown>) => await message(() => listItems({ ctx: t.system, input: { slug, ...input } as never }));
      expect(await list({ filter: "silver" })).toBe("bad_request: filter: must be one of all, gold, priority");
      expect(await list({ page: 0 })).toBe("bad_request: page: must be at least 1");
      expect(await list({ page: "abc" })).toBe("bad_request: page: must be a whole number");
      expect(await list({ page_size: 500 })).toBe("bad_request: page_size: must be at most 200");
      expect(await list({ q: "x".repeat(201) })).toBe("bad_request: q: must be at most 200 characters");
      expect(await message(() => listItems({ ctx: t.system, input: { slug: "missing" } }))).toMatch(/^not_found: Project "missing"/);
      for (const role of ["manager", "annotator"] as const) {
        const u = await makeUser(t, role);
        expect(await errorCodeAsync(() => listItems({ ctx: u.ctx, input: { slug } }))).toBe("forbidden");
      }
      expect((await listItems({ ctx: (await makeUser(t, "admin")).ctx, input: { slug } })).total).toBe(123);
    });
  });

  describe("updateItem", () => {
    it("sets a gold answer and a priority together; the item then shows under filter=gold, and clearing takes it out", async () => {
      const { slug, ids } = await project();
      const admin = await makeUser(t, "admin");
      const item = await updateItem({ ctx: admin.ctx, input: { itemId: String(ids["item-3"]), priority: "12", gold: "B" } });
      expect(item).toMatchObject({ id: ids["item-3"], external_id: "item-3", priority: 12, gold: "B", models: ["model-x", "model-y"] });
      // Stored in candidate-position terms, as gold answers from an import are.
      expect(await storedGold(ids["item-3"])).toEqual({ priority: 12, gold: { choice: "B" } });
      expect((await listItems({ ctx: admin.ctx, input: { slug, filter: "gold" } })).items.map((i) => [i.external_id, i.gold])).toEqual([["item-3", "B"], ["item-201", "tie"]]);
      expect((await listItems({ ctx: admin.ctx, input: { slug, filter: "priority" } })).items.map((i) => i.external_id)).toEqual(["item-3", "item-202"]);
      const audits = await t.all<{ action: string; actor: number }>(sql`select action, actor_id as actor from audit_log where target_type = 'item' order by id`);
      expect(audits).toEqual([{ action: "item.priority", actor: admin.caller.userId }, { action: "item.gold.set", actor: admin.caller.userId }]);

      expect(await updateItem({ ctx: admin.ctx, input: { itemId: ids["item-3"], gold: null } })).toMatchObject({ gold: null, priority: 12 });
      expect((await listItems({ ctx: admin.ctx, input: { slug, filter: "gold" } })).items.map((i) => i.external_id)).toEqual(["item-201"]);
    });

    it("carries the refused fields as data next to the message", async () => {
      const { ids } = await project();
      const refusal = async (input: Record<string, unknown>) => {
        try {
          await updateItem({ ctx: t.system, input: { itemId: ids["item-1"], ...input } as never });
        } catch (e) {
          if (e instanceof AppError) return { message: e.message, fields: e.fields };
          throw e;
        }
        throw new Error("expected a refusal");
      };
      expect(await refusal({ priority: "abc" })).toEqual({ message: "priority: must be a whole number", fields: { priority: "must be a whole number" } });
      expect((await refusal({ priority: 1e9, gold: "C" })).fields).toEqual({ priority: "must be at most 1000000", gold: expect.stringMatching(/^must be one of A, B, tie, both_bad/) });
      expect(await refusal({})).toEqual({ message: "Nothing to change: give priority, gold and/or gold_explanation.", fields: undefined });
    });

    it("refuses bad input naming the field and writes nothing, not even the valid half", async () => {
      const { ids } = await project();
      const itemId = ids["item-1"];
      const update = async (input: Record<string, unknown>) => await message(() => updateItem({ ctx: t.system, input: { itemId, ...input } as never }));
      expect(await update({ priority: "abc" })).toBe("bad_request: priority: must be a whole number");
      expect(await update({ priority: 1e9 })).toBe("bad_request: priority: must be at most 1000000");
      expect(await update({ priority: "1e9" })).toBe("bad_request: priority: must be at most 1000000");
      expect(await update({ priority: 2.5 })).toBe("bad_request: priority: must be a whole number");
      expect(await update({ priority: "" })).toBe("bad_request: priority: must be a whole number");
      expect(await update({ priority: true })).toBe("bad_request: priority: must be a whole number");
      expect(await update({ priority: 5, gold: "C" })).toMatch(/^bad_request: gold: must be one of A, B, tie, both_bad/);
      expect(await update({ gold: "none" })).toMatch(/^bad_request: gold: must be one of/);
      expect(await update({})).toBe("bad_request: Nothing to change: give priority, gold and/or gold_explanation.");
      expect(await update({ prio: 5 })).toMatch(/Unrecognized key: "prio"/);
      expect(await storedGold(itemId)).toEqual({ priority: 0, gold: null });
      expect((await t.one<{ n: number }>(sql`select count(*) as n from audit_log where target_type = 'item'`)).n).toBe(0);
      expect(await message(() => updateItem({ ctx: t.system, input: { itemId: 999_999, priority: 1 } }))).toBe("not_found: Item 999999 not found.");
      for (const role of ["manager", "annotator"] as const) {
        const u = await makeUser(t, role);
        expect(await errorCodeAsync(() => updateItem({ ctx: u.ctx, input: { itemId, priority: 1 } }))).toBe("forbidden");
      }
    });
  });

  describe("listBatches", () => {
    it("shows the priority a batch was given", async () => {
      const { slug } = await project();
      const [second, first] = await listBatches({ ctx: t.system, input: { slug } });
      expect([first.inserted, second.inserted]).toEqual([120, 3]);
      expect([first.priority, second.priority]).toEqual([0, 4]); // item-202 came with priority 4
      expect(await setBatchPriority({ ctx: t.system, input: { batchId: first.id, priority: "7" } })).toEqual({ batchId: first.id, priority: 7, items: 120 });
      expect((await listBatches({ ctx: t.system, input: { slug } })).map((b) => [b.id, b.priority])).toEqual([[second.id, 4], [first.id, 7]]);
      expect(await message(() => setBatchPriority({ ctx: t.system, input: { batchId: first.id, priority: "high" } }))).toBe("bad_request: priority: must be a whole number");
    });
  });
});
