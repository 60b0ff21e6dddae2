// The statements of an import (lib/services/importer.ts): items, their candidates and imported
// judgments inserted many rows per statement, the import batch, external annotators and tag keys.
import { dynamicQuery, defineQuery, json, num, str, type Query } from "../engine";

/** The tag keys a routed claim may serve in a project, as stored (sorted). */
export const projectTagKeys = defineQuery("importer.projectTagKeys", "select tag_keys from projects where id = ?", (r) => json<string[]>(r.tag_keys));

/** Params: tag keys (jsonText), project id. */
export const setProjectTagKeys = defineQuery("importer.setProjectTagKeys", "update projects set tag_keys = ? where id = ?");

/** Params: project id, source (file name or null), created_at. */
export const insertImportBatch = defineQuery(
  "importer.insertImportBatch",
  "insert into import_batches (project_id, source, inserted, created_at) values (?, ?, 0, ?) returning id",
  (r) => num(r.id),
);

/** Params: items inserted, batch id. */
export const setImportBatchInserted = defineQuery("importer.setImportBatchInserted", "update import_batches set inserted = ? where id = ?");

export const deleteImportBatch = defineQuery("importer.deleteImportBatch", "delete from import_batches where id = ?");

/** An external annotator (an account that cannot sign in) by email. */
export const externalUserByEmail = defineQuery("importer.externalUserByEmail", "select id from users where email = ? and external = true", (r) => num(r.id));

/** Any account by email: an external annotator must not take the address of one who signs in. */
export const userByEmail = defineQuery("importer.userByEmail", "select id from users where email = ?", (r) => num(r.id));

/** Params: email, name, created_at. */
export const insertExternalUser = defineQuery(
  "importer.insertExternalUser",
  "insert into users (email, name, role, external, password_hash, created_at) values (?, ?, 'annotator', true, null, ?) returning id",
  (r) => num(r.id),
);

/**
 * Sets judgment_count of the items in a JSON array of ids from their judgments: run after their
 * imported judgments are inserted (a new item has no others).
 */
export const countItemJudgments = defineQuery(
  "importer.countItemJudgments",
  (d) => `update items set judgment_count = (select count(*) from judgments j where j.item_id = items.id)
    where id in (select cast(e.value as integer) from ${d.eachText(d.jsonParam, "e")})`,
);

/** Counts imported judgments on their annotator in the project (annotator_totals). Params: project id, user id, how many. */
export const countAnnotatorJudgments = defineQuery(
  "importer.countAnnotatorJudgments",
  `insert into annotator_totals (project_id, user_id, judged) values (?, ?, ?)
    on conflict (project_id, user_id) do update set judged = annotator_totals.judged + excluded.judged`,
);

// Multi-row inserts: one statement per batch of rows, built once per row count.

/** Columns of an item row, in bind order. */
export const ITEM_COLUMNS = ["project_id", "external_id", "prompt", "metadata", "priority", "gold", "created_at", "batch_id", "tags", "tag_key"] as const;
export const CANDIDATE_COLUMNS = ["item_id", "position", "content", "model", "metadata"] as const;
export const JUDGMENT_COLUMNS = ["project_id", "item_id", "user_id", "type", "choice", "winner_candidate_id", "slot_order", "payload", "rationale", "duration_ms", "source", "created_at"] as const;

/** Rows per multi-row insert: under SQLite's 32,766 and PostgreSQL's 65,535 bound parameters for every table here. */
export const ROWS_PER_INSERT = 500;

export interface InsertedItem {
  id: number;
  externalId: string;
}

export interface InsertedCandidate {
  id: number;
  itemId: number;
  position: number;
}

export interface InsertedJudgment {
  itemId: number;
  userId: number;
}

function values(columns: number, rows: number): string {
  const row = `(${Array(columns).fill("?").join(", ")})`;
  return Array(rows).fill(row).join(",\n");
}

/** One statement per row count, made when first needed. */
function bySize<R>(build: (rows: number) => Query<R>): (rows: number) => Query<R> {
  const made = new Map<number, Query<R>>();
  return (rows) => {
    let q = made.get(rows);
    if (!q) made.set(rows, (q = build(rows)));
    return q;
  };
}

/** Items; a row whose external id the project already has is skipped and not returned. */
export const insertItems = bySize((rows) =>
  dynamicQuery(
    `insert into items (${ITEM_COLUMNS.join(", ")}) values ${values(ITEM_COLUMNS.length, rows)}
     on conflict (project_id, external_id) do nothing returning id, external_id`,
    (r): InsertedItem => ({ id: num(r.id), externalId: str(r.external_id) }),
  ),
);

export const insertCandidates = bySize((rows) =>
  dynamicQuery(
    `insert into candidates (${CANDIDATE_COLUMNS.join(", ")}) values ${values(CANDIDATE_COLUMNS.length, rows)} returning id, item_id, position`,
    (r): InsertedCandidate => ({ id: num(r.id), itemId: num(r.item_id), position: num(r.position) }),
  ),
);

/** Judgments; one an annotator already has on the item is skipped and not returned. */
export const insertJudgments = bySize((rows) =>
  dynamicQuery(
    `insert into judgments (${JUDGMENT_COLUMNS.join(", ")}) values ${values(JUDGMENT_COLUMNS.length, rows)} on conflict do nothing returning item_id, user_id`,
    (r): InsertedJudgment => ({ itemId: num(r.item_id), userId: num(r.user_id) }),
  ),
);
