// Models in the loop: the OpenAI-compatible servers Arbiter calls (endpoints), the ways of answering
// compared (contenders, versioned), and generation runs with one stored response per prompt × contender.
import { index, integer, real, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { GENERATION_STATUSES, JUDGE_RUN_STATUSES, RESPONSE_STATUSES } from "./constants";
import { items, projects } from "./projects";
import { users } from "./users";

export const endpoints = sqliteTable("endpoints", {
  id: integer("id").primaryKey({ autoIncrement: true }),
  name: text("name").notNull().unique(),
  /** Up to and including `/v1`: requests go to `{base_url}/chat/completions`. */
  baseUrl: text("base_url").notNull(),
  model: text("model").notNull(),
  /** The environment variable holding the API key, read when a request is made; never the key itself. */
  apiKeyEnv: text("api_key_env"),
  /** A key entered directly, sealed with the server's auth secret (lib/auth/secret-box.ts); never shown back. */
  apiKeySealed: text("api_key_sealed"),
  maxConcurrency: integer("max_concurrency").notNull(),
  timeoutS: integer("timeout_s").notNull(),
  /** USD per million prompt / completion tokens; null when unknown (no cost is computed). */
  priceIn: real("price_in"),
  priceOut: real("price_out"),
  createdAt: integer("created_at").notNull(),
});

export const contenders = sqliteTable("contenders", {
  id: integer("id").primaryKey({ autoIncrement: true }),
  name: text("name").notNull().unique(),
  /** The latest version's number: an edit adds a version, responses keep the one that produced them. */
  currentVersion: integer("current_version").notNull(),
  createdAt: integer("created_at").notNull(),
});

export const contenderVersions = sqliteTable(
  "contender_versions",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    contenderId: integer("contender_id").notNull().references(() => contenders.id, { onDelete: "cascade" }),
    version: integer("version").notNull(),
    endpointId: integer("endpoint_id").notNull().references(() => endpoints.id),
    systemPrompt: text("system_prompt"),
    /** The user message with a `{prompt}` placeholder; null sends the prompt as it is. */
    template: text("template"),
    temperature: real("temperature"),
    maxTokens: integer("max_tokens"),
    seed: integer("seed"),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [uniqueIndex("contender_versions_contender_version_idx").on(t.contenderId, t.version)],
);

export const generationRuns = sqliteTable(
  "generation_runs",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    projectId: integer("project_id").notNull().references(() => projects.id, { onDelete: "cascade" }),
    status: text("status", { enum: GENERATION_STATUSES }).notNull(),
    /** The pairing rule: `all`, `baseline:NAME` or `random:K`. */
    pairs: text("pairs").notNull(),
    /** The contender versions called, in the order given: [{contender, version, versionId}]. */
    contenders: text("contenders", { mode: "json" }).notNull().$type<{ contender: string; version: number; versionId: number }[]>(),
    /** The prompts, as read from the prompts file: [{id?, prompt, metadata?}]. */
    prompts: text("prompts", { mode: "json" }).notNull().$type<unknown[]>(),
    /** sha256 of prompts, contender versions and pairing: an unfinished run with the same one is resumed. */
    fingerprint: text("fingerprint").notNull(),
    promptCount: integer("prompt_count").notNull(),
    itemsCreated: integer("items_created").notNull().default(0),
    error: text("error"),
    createdBy: integer("created_by").references(() => users.id, { onDelete: "set null" }),
    createdAt: integer("created_at").notNull(),
    finishedAt: integer("finished_at"),
  },
  (t) => [index("generation_runs_project_idx").on(t.projectId, t.fingerprint)],
);

export const generationResponses = sqliteTable(
  "generation_responses",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    runId: integer("run_id").notNull().references(() => generationRuns.id, { onDelete: "cascade" }),
    /** The prompt's position in the run's prompts. */
    promptIndex: integer("prompt_index").notNull(),
    contenderVersionId: integer("contender_version_id").notNull().references(() => contenderVersions.id),
    status: text("status", { enum: RESPONSE_STATUSES }).notNull(),
    text: text("text"),
    /** latency_ms, ttft_ms, prompt_tokens, completion_tokens, finish_reason, cost_usd, tokens_counted?, attempts. */
    metrics: text("metrics", { mode: "json" }).$type<Record<string, unknown>>(),
    /** Why a failed response failed (after its retries). */
    error: text("error"),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [uniqueIndex("generation_responses_run_prompt_contender_idx").on(t.runId, t.promptIndex, t.contenderVersionId)],
);

/** AI judges: an endpoint asked to compare two responses through a pairwise prompt template. */
export const judges = sqliteTable("judges", {
  id: integer("id").primaryKey({ autoIncrement: true }),
  name: text("name").notNull().unique(),
  endpointId: integer("endpoint_id").notNull().references(() => endpoints.id),
  /** The user message with `{prompt}`, `{response_a}` and `{response_b}`; the answer ends in [[A]], [[B]] or [[C]]. */
  prompt: text("prompt").notNull(),
  createdAt: integer("created_at").notNull(),
});

/**
 * A judge's verdict on a pairwise item, kept apart from human judgments: never served as work, never
 * counted in human agreement, quality or leaderboards, exported only with --include-ai-judgments; otherwise read only by "judge vs humans".
 */
export const aiJudgments = sqliteTable(
  "ai_judgments",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    judgeId: integer("judge_id").notNull().references(() => judges.id, { onDelete: "cascade" }),
    itemId: integer("item_id").notNull().references(() => items.id, { onDelete: "cascade" }),
    /** In the item's own order: A, B or tie (a verdict that flips with the order is a tie). */
    verdict: text("verdict", { enum: ["A", "B", "tie"] }).notNull(),
    /** The judge's full answers with the item shown as it is and swapped (B first). */
    answerStraight: text("answer_straight").notNull(),
    answerSwapped: text("answer_swapped").notNull(),
    positionConsistent: integer("position_consistent", { mode: "boolean" }).notNull(),
    /** Both requests together. */
    latencyMs: integer("latency_ms").notNull(),
    promptTokens: integer("prompt_tokens").notNull(),
    completionTokens: integer("completion_tokens").notNull(),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [uniqueIndex("ai_judgments_judge_item_idx").on(t.judgeId, t.itemId), index("ai_judgments_item_idx").on(t.itemId)],
);

/**
 * A judge run started over HTTP and worked in the server's background: its progress (items taken,
 * verdicts stored, failures with why) is written as it goes; cancelling sets the status, which the
 * worker polls. (The verdicts themselves are in ai_judgments; the CLI's runs keep no row here.)
 */
export const judgeRuns = sqliteTable(
  "judge_runs",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    judgeId: integer("judge_id").notNull().references(() => judges.id, { onDelete: "cascade" }),
    projectId: integer("project_id").notNull().references(() => projects.id, { onDelete: "cascade" }),
    status: text("status", { enum: JUDGE_RUN_STATUSES }).notNull(),
    /** Most items the run takes; null for all the judge has no verdict on. */
    itemLimit: integer("item_limit"),
    items: integer("items").notNull().default(0),
    judged: integer("judged").notNull().default(0),
    failed: integer("failed").notNull().default(0),
    /** [{item, error}]: the items that failed and why (judged again by the next run). */
    failures: text("failures", { mode: "json" }).notNull().$type<{ item: string; error: string }[]>(),
    error: text("error"),
    createdBy: integer("created_by").references(() => users.id, { onDelete: "set null" }),
    createdAt: integer("created_at").notNull(),
    finishedAt: integer("finished_at"),
  },
  (t) => [index("judge_runs_project_idx").on(t.projectId)],
);
