// Labeling campaigns and what they contain: projects, items and the candidates of each item.
import { sql } from "drizzle-orm";
import { index, integer, primaryKey, real, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import type { ProjectJudgmentSchema, StoredJudgment } from "../../lib/formats/judgment";
import { ORDER_POLICIES, PROJECT_DEFAULTS, QUALIFICATION_DEFAULTS, PROJECT_STATUSES, PROJECT_VISIBILITIES, ROUTING_RULES, CONTENDER_PAIRINGS } from "./constants";
import { users } from "./users";

export const projects = sqliteTable("projects", {
  id: integer("id").primaryKey({ autoIncrement: true }),
  slug: text("slug").notNull().unique(),
  name: text("name").notNull(),
  guidelines: text("guidelines").notNull().default(""),
  overlap: integer("overlap").notNull().default(PROJECT_DEFAULTS.overlap),
  leaseMinutes: integer("lease_minutes").notNull().default(PROJECT_DEFAULTS.leaseMinutes),
  /** What annotators record (lib/formats/judgment.ts); null means plain pairwise defaults. */
  judgmentSchema: text("judgment_schema", { mode: "json" }).$type<ProjectJudgmentSchema>(),
  status: text("status", { enum: PROJECT_STATUSES }).notNull().default("active"),
  /** `members`: only the project's members work on it (none: nobody); `everyone`: every annotator. */
  visibility: text("visibility", { enum: PROJECT_VISIBILITIES }).notNull().default("everyone"),
  orderPolicy: text("order_policy", { enum: ORDER_POLICIES }).notNull().default("finish_first"),
  /** Most judgments one annotator may make in the project; null for no limit. */
  quota: integer("quota"),
  /** Share of served items that are gold items, 0…1. */
  goldRate: real("gold_rate").notNull().default(0),
  /** Annotators below this gold accuracy, after `minGoldAfter` gold judgments, get no more items. */
  minGoldAccuracy: real("min_gold_accuracy"),
  minGoldAfter: integer("min_gold_after"),
  /** Items whose agreement falls below this ratio go to the adjudication queue (besides no-majority items). */
  agreementThreshold: real("agreement_threshold"),
  /**
   * Adaptive overlap (README "Adaptive overlap"): with both set, an item gets at least `minJudgments`
   * and at most `maxJudgments` judgments, stopping early when they agree; null for the fixed `overlap`.
   */
  minJudgments: integer("min_judgments"),
  maxJudgments: integer("max_judgments"),
  /** With adaptive overlap: an item also stops once the leading verdict's share reaches this (0.5 < R ≤ 1). */
  stopAgreement: real("stop_agreement"),
  /** Whether annotators' browsers load remote images in prompts and responses; off, they show a placeholder. */
  allowRemoteImages: integer("allow_remote_images", { mode: "boolean" }).notNull().default(false),
  /** The most seconds one judgment counts as active time in the time report (an abandoned tab is not hours worked). */
  timeCapSeconds: integer("time_cap_seconds").notNull().default(PROJECT_DEFAULTS.timeCapSeconds),
  /** Gold items an annotator must judge before real items are served (the qualification); null for none. */
  qualificationItems: integer("qualification_items"),
  /** The accuracy on those gold items that passes the qualification, 0…1. */
  qualificationAccuracy: real("qualification_accuracy").notNull().default(QUALIFICATION_DEFAULTS.accuracy),
  /** Whether annotators see the gold answer after each gold item also after qualifying (during a qualification they always do). */
  trainingMode: integer("training_mode", { mode: "boolean" }).notNull().default(false),
  /** How items' tags are matched to annotators' skills: open (anyone), required (all tags held), preferred (matching first). */
  routing: text("routing", { enum: ROUTING_RULES }).notNull().default("open"),
  /** A metadata key whose value becomes an item's tags (at import, and for existing items when set); null for none. */
  tagsFrom: text("tags_from"),
  /** Uniform or adaptive contender pairing: what `generate` makes without --pairs, and whether generated items' priorities follow the pairs' weights. */
  contenderPairing: text("contender_pairing", { enum: CONTENDER_PAIRINGS }).notNull().default("uniform"),
  /**
   * The distinct non-empty tag keys of the project's items, kept by the importer and re-tagging (never
   * shrunk: a key left without items matches nothing), so a routed claim reads them with the project row.
   */
  tagKeys: text("tag_keys", { mode: "json" }).$type<string[]>().notNull().default(sql`'[]'`),
  createdAt: integer("created_at").notNull().default(sql`(unixepoch() * 1000)`),
});

export const items = sqliteTable(
  "items",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    projectId: integer("project_id").notNull().references(() => projects.id, { onDelete: "cascade" }),
    /** The import record's id, or a content hash when it had none: re-imports are skipped by it. */
    externalId: text("external_id").notNull(),
    /** JSON: a string, or a list of {role, content} messages. */
    prompt: text("prompt", { mode: "json" }).notNull().$type<string | { role: string; content: string }[]>(),
    metadata: text("metadata", { mode: "json" }).$type<Record<string, unknown>>(),
    /** Higher is served first. */
    priority: integer("priority").notNull().default(0),
    /**
     * The known answer of a gold item: `choice` holds its verdict (lib/formats/verdict.ts: A = the record's first response),
     * `explanation` (optional) why, shown to annotators after they judge it during a qualification or in training mode.
     */
    gold: text("gold", { mode: "json" }).$type<{ choice: string; explanation?: string } & Record<string, unknown>>(),
    batchId: integer("batch_id").references(() => importBatches.id, { onDelete: "set null" }),
    /** Extra judgments wanted on top of the project's overlap (sent back by a manager). */
    extraOverlap: integer("extra_overlap").notNull().default(0),
    /** Submitted judgments, kept in step by the judgment service so claiming needs no aggregate. */
    judgmentCount: integer("judgment_count").notNull().default(0),
    /**
     * Judgments this item needs under the project's adaptive overlap (lib/services/adaptive.ts): min at
     * first, raised one at a time while its judgments do not meet the stopping rule, never above max.
     * Null under a fixed overlap (and on items imported since the rule was set: the rule's min).
     */
    judgmentTarget: integer("judgment_target"),
    /** What the item needs (lib/formats/tags.ts): sorted, lowercase; null for none. */
    tags: text("tags", { mode: "json" }).$type<string[]>(),
    /** The tags sorted and joined with "|" ("" for none): what a routed claim compares, through the indexes below. */
    tagKey: text("tag_key").notNull().default(""),
    createdAt: integer("created_at").notNull().default(sql`(unixepoch() * 1000)`),
  },
  (t) => [
    uniqueIndex("items_project_external_idx").on(t.projectId, t.externalId),
    index("items_project_priority_idx").on(t.projectId, t.priority),
    // The claim query walks this in serving order (priority desc, judgment_count desc, id asc) and
    // stops at the first item with a free seat, so claiming costs the same on 100 or 100,000 items.
    // Items that reached their adaptive target are left out (OPEN_ITEM_SQL in lib/services/assignment.ts
    // repeats this condition so the planner may use the index): under adaptive overlap a stopped item
    // keeps a judgment_count below the bound, and the walk would otherwise pass over every one of them.
    index("items_claim_idx")
      .on(t.projectId, t.priority, t.judgmentCount, sql`${sql.identifier("id")} desc`)
      .where(sql`${t.judgmentTarget} is null or ${t.judgmentCount} < ${t.judgmentTarget} + ${t.extraOverlap}`),
    index("items_project_extra_idx").on(t.projectId, t.extraOverlap),
    // An import batch's items (batch priority, the admin items page's batch list); no hot path writes batch_id or priority.
    index("items_batch_priority_idx").on(t.batchId, t.priority),
    // A routed claim picks per tag key: the same serving orders as items_claim_idx and
    // items_project_priority_idx (id order via the implicit rowid), one range per key, so an
    // annotator whose keys hold no free item gets nothing at once however many items wait for others.
    // The second also lists a project's distinct tag keys by skipping through it.
    index("items_tag_claim_idx").on(t.projectId, t.tagKey, t.priority, t.judgmentCount, sql`${sql.identifier("id")} desc`),
    index("items_tag_priority_idx").on(t.projectId, t.tagKey, t.priority),
    index("items_project_gold_idx").on(t.projectId, t.id).where(sql`${t.gold} is not null`),
  ],
);

export const candidates = sqliteTable(
  "candidates",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    itemId: integer("item_id").notNull().references(() => items.id, { onDelete: "cascade" }),
    /** Order in the import record: 0 is the record's first response. */
    position: integer("position").notNull(),
    content: text("content").notNull(),
    model: text("model"),
    metadata: text("metadata", { mode: "json" }).$type<Record<string, unknown>>(),
  },
  (t) => [uniqueIndex("candidates_item_position_idx").on(t.itemId, t.position)],
);

/** One import of a file into a project: lets an admin raise a whole batch's priority. */
export const importBatches = sqliteTable("import_batches", {
  id: integer("id").primaryKey({ autoIncrement: true }),
  projectId: integer("project_id").notNull().references(() => projects.id, { onDelete: "cascade" }),
  source: text("source"),
  inserted: integer("inserted").notNull().default(0),
  createdAt: integer("created_at").notNull(),
});

/** Who works on a members-only project (visibility `members`). */
export const projectMembers = sqliteTable(
  "project_members",
  {
    projectId: integer("project_id").notNull().references(() => projects.id, { onDelete: "cascade" }),
    userId: integer("user_id").notNull().references(() => users.id, { onDelete: "cascade" }),
  },
  (t) => [primaryKey({ columns: [t.projectId, t.userId] })],
);

/** A manager's final verdict on a disputed item; exports prefer it over the majority. */
export const adjudications = sqliteTable("adjudications", {
  id: integer("id").primaryKey({ autoIncrement: true }),
  itemId: integer("item_id").notNull().unique().references(() => items.id, { onDelete: "cascade" }),
  userId: integer("user_id").references(() => users.id, { onDelete: "set null" }),
  /** The manager's verdict (lib/formats/verdict.ts: A = the record's first response), not a slot choice. */
  choice: text("choice").notNull(),
  winnerCandidateId: integer("winner_candidate_id"),
  payload: text("payload", { mode: "json" }).$type<StoredJudgment>(),
  note: text("note"),
  createdAt: integer("created_at").notNull(),
});
