// Curating items after import: the admin items list (search, filters, pages), an item's priority and
// gold answer, and import batches with their priority.
import { defineQuery, json, jsonOrNull, num, numOrNull, str, strOrNull, type Dialect, type Query } from "../engine";

/** A project's overlap settings (what an item without an adaptive target wants), by slug. */
export interface ItemsProjectRow {
  id: number;
  overlap: number;
  minJudgments: number | null;
  maxJudgments: number | null;
  stopAgreement: number | null;
}

const overlapSettings = (r: Record<string, unknown>) => ({
  overlap: num(r.overlap),
  minJudgments: numOrNull(r.min_judgments),
  maxJudgments: numOrNull(r.max_judgments),
  stopAgreement: numOrNull(r.stop_agreement),
});

export const ITEMS_PROJECT = defineQuery(
  "items.project",
  "select id, overlap, min_judgments, max_judgments, stop_agreement from projects where slug = ?",
  (r): ItemsProjectRow => ({ id: num(r.id), ...overlapSettings(r) }),
);

export interface ItemRow {
  id: number;
  externalId: string;
  prompt: string | { role: string; content: string }[];
  priority: number;
  gold: ({ choice: string; explanation?: string } & Record<string, unknown>) | null;
  batchId: number | null;
  extraOverlap: number;
  judgmentCount: number;
  judgmentTarget: number | null;
  tags: string[] | null;
}

const ITEM_COLUMNS = "i.id, i.external_id, i.prompt, i.priority, i.gold, i.batch_id, i.extra_overlap, i.judgment_count, i.judgment_target, i.tags";

const itemRow = (r: Record<string, unknown>): ItemRow => ({
  id: num(r.id),
  externalId: str(r.external_id),
  prompt: json<ItemRow["prompt"]>(r.prompt),
  priority: num(r.priority),
  gold: jsonOrNull<NonNullable<ItemRow["gold"]>>(r.gold),
  batchId: numOrNull(r.batch_id),
  extraOverlap: num(r.extra_overlap),
  judgmentCount: num(r.judgment_count),
  judgmentTarget: numOrNull(r.judgment_target),
  tags: jsonOrNull<string[]>(r.tags),
});

/** What the list shows: every item, gold items, or items whose priority was raised or lowered. */
export const ITEM_FILTERS = ["all", "gold", "priority"] as const;
export type ItemFilter = (typeof ITEM_FILTERS)[number];

// One statement per filter, written out so SQLite's planner sees the condition (the gold filter
// reads items_project_gold_idx, the partial index of gold items, not every item of the project).
const FILTER_SQL: Record<ItemFilter, string> = { all: "", gold: "and i.gold is not null", priority: "and i.priority <> 0" };

/**
 * Which of a project's items the list shows. Params: project id, then the search (null for none,
 * else a `like` pattern with `!` escaping its wildcards, the same pattern as the prompt's JSON text
 * writes it, and the item id a whole-number search names, or null). The prompt is searched as JSON
 * text, so a conversation's turns all count.
 */
const LISTED = (d: Dialect, filter: ItemFilter) => `i.project_id = ? ${FILTER_SQL[filter]}
  and (cast(? as text) is null or i.external_id ${d.ilike} ? escape '!' or cast(i.prompt as text) ${d.ilike} ? escape '!' or i.id = ?)`;

function byFilter<R>(make: (filter: ItemFilter) => Query<R>): Record<ItemFilter, Query<R>> {
  return { all: make("all"), gold: make("gold"), priority: make("priority") };
}

/**
 * One page of the list in import (id) order: the page's ids come from an index alone, and only those
 * rows are read whole, so a deep page does not sort 100,000 prompts to skip most of them. Params:
 * LISTED's, then limit and offset.
 */
export const ITEM_PAGE = byFilter((filter) =>
  defineQuery(
    `items.page.${filter}`,
    (d) => `select ${ITEM_COLUMNS} from items i
      where i.id in (select i.id from items i where ${LISTED(d, filter)} order by i.id limit ? offset ?)
      order by i.id`,
    itemRow,
  ),
);

/** How many items the list has on every page. Params: LISTED's. */
export const ITEM_COUNT = byFilter((filter) => defineQuery(`items.count.${filter}`, (d) => `select count(*) as n from items i where ${LISTED(d, filter)}`, (r) => num(r.n)));

/** One item as the list shows it, with its project's overlap settings. */
export const ITEM_WITH_OVERLAP = defineQuery(
  "items.withOverlap",
  `select ${ITEM_COLUMNS}, p.overlap, p.min_judgments, p.max_judgments, p.stop_agreement
    from items i join projects p on p.id = i.project_id where i.id = ?`,
  (r) => ({ item: itemRow(r), settings: overlapSettings(r) }),
);

export interface CandidateModelRow {
  itemId: number;
  model: string | null;
}

/** The model of each candidate of the items in the JSON array param, by item and then position. */
export const CANDIDATE_MODELS = defineQuery(
  "items.candidateModels",
  (d) => `select c.item_id, c.model from candidates c
    where c.item_id in (select cast(v.value as integer) from ${d.eachText(d.jsonParam, "v")})
    order by c.item_id, c.position`,
  (r): CandidateModelRow => ({ itemId: num(r.item_id), model: strOrNull(r.model) }),
);

export const ITEM_GOLD = defineQuery("items.gold", "select gold from items where id = ?", (r) => ({
  gold: jsonOrNull<NonNullable<ItemRow["gold"]>>(r.gold),
}));

export const SET_ITEM_PRIORITY = defineQuery("items.setPriority", "update items set priority = ? where id = ?");

/** Params: the gold answer as jsonText, or null to make the item an ordinary one. */
export const SET_ITEM_GOLD = defineQuery("items.setGold", "update items set gold = ? where id = ?");

export const BATCH_EXISTS = defineQuery("items.batchExists", "select id from import_batches where id = ?", (r) => num(r.id));

export const SET_BATCH_PRIORITY = defineQuery("items.setBatchPriority", "update items set priority = ? where batch_id = ?");

export interface BatchRow {
  id: number;
  source: string | null;
  inserted: number;
  createdAt: number;
  priority: number;
}

/** A project's import batches, newest first; each batch's highest priority is one seek on the (batch_id, priority) index. */
export const PROJECT_BATCHES = defineQuery(
  "items.batches",
  `select b.id, b.source, b.inserted, b.created_at,
      coalesce((select max(i.priority) from items i where i.batch_id = b.id), 0) as priority
    from import_batches b where b.project_id = ? order by b.id desc`,
  (r): BatchRow => ({ id: num(r.id), source: strOrNull(r.source), inserted: num(r.inserted), createdAt: num(r.created_at), priority: num(r.priority) }),
);
