// Rows written straight through the engine, on either engine, for suites that need data the
// services would not let them choose (a judgment's time and duration, a gold answer, an imported
// annotator); rows looked up the same way (a project's item ids, for the HTTP and browser suites
// that address items by id); and a project's rows copied from one test database to another with
// their ids, so a suite can compare what two engines compute from the very same rows.
import { at, defineQuery, dynamicQuery, json, jsonText, num, str, type Engine, type Param, type Row } from "@/db/engine";
import type { RoleName } from "@/db/schema/constants";
import type { StoredJudgment } from "@/lib/formats/judgment";
import type { Caller, Ctx } from "@/lib/services/context";
import type { TempDb } from "./db";

const USER = defineQuery("test.rows.user", "insert into users (email, name, role, external) values (?, ?, ?, ?) returning id", (r) => num(r.id));
const ITEM = defineQuery(
  "test.rows.item",
  "insert into items (project_id, external_id, prompt, metadata, gold, judgment_count) values (?, ?, ?, ?, ?, ?) returning id",
  (r) => num(r.id),
);
const CANDIDATE = defineQuery("test.rows.candidate", "insert into candidates (item_id, position, content, model, metadata) values (?, ?, ?, ?, ?) returning id", (r) => num(r.id));
const JUDGMENT = defineQuery(
  "test.rows.judgment",
  `insert into judgments (project_id, item_id, user_id, type, choice, winner_candidate_id, slot_order, payload, duration_ms, source, gold, created_at)
    values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) returning id`,
  (r) => num(r.id),
);

const ITEMS_OF = defineQuery(
  "test.rows.items-of",
  "select i.id, i.external_id from items i join projects p on p.id = i.project_id where p.slug = ? order by i.id",
  (r) => ({ id: num(r.id), externalId: str(r.external_id) }),
);
const IMPORT_BATCHES_OF = defineQuery(
  "test.rows.import-batches-of",
  "select b.id from import_batches b join projects p on p.id = b.project_id where p.slug = ? order by b.id",
  (r) => num(r.id),
);
const CANDIDATES_OF = defineQuery("test.rows.candidates-of", "select id from candidates where item_id = ? order by position", (r) => num(r.id));
const SKILLS_OF = defineQuery("test.rows.skills-of", "select skills from users where email = ?", (r) => json<string[]>(r.skills));

let counter = 0;

/** The items of project `slug` in import order (ids ascending), with their external ids. */
export function itemsOf(db: Pick<Engine, "many">, slug: string): Promise<{ id: number; externalId: string }[]> {
  return db.many(ITEMS_OF, [slug]);
}

/** The id of the item with external id `externalId` in project `slug`; throws when there is none. */
export async function itemIdOf(db: Pick<Engine, "many">, slug: string, externalId: string): Promise<number> {
  const item = (await itemsOf(db, slug)).find((i) => i.externalId === externalId);
  if (!item) throw new Error(`no item "${externalId}" in project "${slug}"`);
  return item.id;
}

/** The candidate ids of item `itemId`, by position. */
export function candidatesOf(db: Pick<Engine, "many">, itemId: number): Promise<number[]> {
  return db.many(CANDIDATES_OF, [itemId]);
}

/** The ids of project `slug`'s import batches, oldest first. */
export function importBatchesOf(db: Pick<Engine, "many">, slug: string): Promise<number[]> {
  return db.many(IMPORT_BATCHES_OF, [slug]);
}

/** The skills stored for the user `email`, or undefined when there is no such user. */
export function skillsOf(db: Pick<Engine, "first">, email: string): Promise<string[] | undefined> {
  return db.first(SKILLS_OF, [email]);
}

/** A user inserted directly (no password: it never signs in), with a context acting as them. */
export async function insertUser(t: TempDb, role: RoleName, email?: string, options: { external?: boolean } = {}): Promise<{ caller: Caller; ctx: Ctx }> {
  const address = email ?? `${role}-row${++counter}@test.local`;
  const id = (await t.db.first(USER, [address, address.split("@")[0], role, options.external ?? false]))!;
  const caller: Caller = { userId: id, email: address, role };
  return { caller, ctx: { db: t.db, caller } };
}

export interface ItemRowInput {
  projectId: number;
  externalId: string;
  prompt: unknown;
  metadata?: Record<string, unknown> | null;
  gold?: { choice: string } | null;
  judgmentCount?: number;
}

export async function insertItem(db: Pick<Engine, "first">, item: ItemRowInput): Promise<number> {
  const { projectId, externalId, prompt, metadata = null, gold = null, judgmentCount = 0 } = item;
  return (await db.first(ITEM, [projectId, externalId, jsonText(prompt), metadata && jsonText(metadata), gold && jsonText(gold), judgmentCount]))!;
}

export interface CandidateRowInput {
  itemId: number;
  position: number;
  content: string;
  model?: string | null;
  metadata?: Record<string, unknown> | null;
}

export async function insertCandidate(db: Pick<Engine, "first">, c: CandidateRowInput): Promise<number> {
  return (await db.first(CANDIDATE, [c.itemId, c.position, c.content, c.model ?? null, c.metadata ? jsonText(c.metadata) : null]))!;
}

export interface JudgmentRowInput {
  projectId: number;
  itemId: number;
  userId: number;
  type?: string;
  choice?: string | null;
  winnerCandidateId?: number | null;
  slotOrder: number[];
  payload?: StoredJudgment | null;
  durationMs?: number | null;
  source?: "app" | "import";
  gold?: boolean;
  createdAt: number;
}

export async function insertJudgment(db: Pick<Engine, "first">, j: JudgmentRowInput): Promise<number> {
  return (await db.first(JUDGMENT, [
    j.projectId,
    j.itemId,
    j.userId,
    j.type ?? "pairwise",
    j.choice ?? null,
    j.winnerCandidateId ?? null,
    jsonText(j.slotOrder),
    j.payload ? jsonText(j.payload) : null,
    j.durationMs ?? null,
    j.source ?? "app",
    j.gold ?? false,
    at(j.createdAt),
  ]))!;
}

// What a copy carries, table by table: each column, and how a value read from one engine is bound on
// another (timestamps as `at`, booleans as booleans; JSON goes as its text).
type Kind = "value" | "bool" | "time";
const COPIED: Record<string, Record<string, Kind>> = {
  users: { id: "value", email: "value", name: "value", role: "value", external: "bool", status: "value", skills: "value", created_at: "time" },
  items: {
    id: "value",
    project_id: "value",
    external_id: "value",
    prompt: "value",
    metadata: "value",
    priority: "value",
    gold: "value",
    extra_overlap: "value",
    judgment_count: "value",
    judgment_target: "value",
    tags: "value",
    tag_key: "value",
    created_at: "time",
  },
  candidates: { id: "value", item_id: "value", position: "value", content: "value", model: "value", metadata: "value" },
  judgments: {
    id: "value",
    project_id: "value",
    item_id: "value",
    user_id: "value",
    type: "value",
    choice: "value",
    winner_candidate_id: "value",
    slot_order: "value",
    payload: "value",
    duration_ms: "value",
    source: "value",
    gold: "bool",
    created_at: "time",
  },
};

/** The rows of each copied table that belong to the project `projectId` of the source. */
const SOURCE_ROWS: Record<string, string> = {
  users: "select * from users where id in (select user_id from judgments where project_id = ?) order by id",
  items: "select * from items where project_id = ? order by id",
  candidates: "select c.* from candidates c join items i on i.id = c.item_id where i.project_id = ? order by c.id",
  judgments: "select * from judgments where project_id = ? order by id",
};

function bound(kind: Kind, v: unknown): Param {
  if (v == null) return null;
  if (kind === "bool") return v === true || v === 1;
  if (kind === "time") return at(Number(v));
  return v as Param;
}

/**
 * Copies a project's annotators, items, candidates and judgments from `from` (SQLite) into a project
 * of `to` that has no rows of its own yet, keeping every id.
 */
export async function copyProjectRows(from: TempDb, to: TempDb, fromProjectId: number, toProjectId: number): Promise<void> {
  await to.db.write(async (tx) => {
    for (const table of Object.keys(COPIED)) {
      const columns = Object.keys(COPIED[table]);
      const insert = dynamicQuery(`insert into ${table} (${columns.join(", ")}) values (${columns.map(() => "?").join(", ")})`);
      for (const row of await from.db.many(dynamicQuery<Row>(SOURCE_ROWS[table]), [fromProjectId])) {
        await tx.exec(
          insert,
          columns.map((c) => (c === "project_id" ? toProjectId : bound(COPIED[table][c], row[c]))),
        );
      }
    }
    // Ids were given explicitly: PostgreSQL's identity sequences are moved past them.
    if (tx.kind === "postgres") {
      for (const table of Object.keys(COPIED)) {
        await tx.exec(dynamicQuery(`select setval(pg_get_serial_sequence('${table}', 'id'), coalesce((select max(id) from ${table}), 0) + 1, false)`));
      }
    }
  });
}
