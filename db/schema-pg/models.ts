// Models in the loop (PostgreSQL; db/schema/models.ts documents the columns).
import { boolean, doublePrecision, index, integer, jsonb, pgTable, text, uniqueIndex } from "drizzle-orm/pg-core";
import { GENERATION_STATUSES, JUDGE_RUN_STATUSES, RESPONSE_STATUSES } from "../schema/constants";
import { id, stamp } from "./types";
import { items, projects } from "./projects";
import { users } from "./users";

export const endpoints = pgTable("endpoints", {
  id: id(),
  name: text("name").notNull().unique(),
  baseUrl: text("base_url").notNull(),
  model: text("model").notNull(),
  apiKeyEnv: text("api_key_env"),
  apiKeySealed: text("api_key_sealed"),
  maxConcurrency: integer("max_concurrency").notNull(),
  timeoutS: integer("timeout_s").notNull(),
  priceIn: doublePrecision("price_in"),
  priceOut: doublePrecision("price_out"),
  createdAt: stamp("created_at").notNull(),
});

export const contenders = pgTable("contenders", {
  id: id(),
  name: text("name").notNull().unique(),
  currentVersion: integer("current_version").notNull(),
  createdAt: stamp("created_at").notNull(),
});

export const contenderVersions = pgTable(
  "contender_versions",
  {
    id: id(),
    contenderId: integer("contender_id").notNull().references(() => contenders.id, { onDelete: "cascade" }),
    version: integer("version").notNull(),
    endpointId: integer("endpoint_id").notNull().references(() => endpoints.id),
    systemPrompt: text("system_prompt"),
    template: text("template"),
    temperature: doublePrecision("temperature"),
    maxTokens: integer("max_tokens"),
    seed: integer("seed"),
    createdAt: stamp("created_at").notNull(),
  },
  (t) => [uniqueIndex("contender_versions_contender_version_idx").on(t.contenderId, t.version)],
);

export const generationRuns = pgTable(
  "generation_runs",
  {
    id: id(),
    projectId: integer("project_id").notNull().references(() => projects.id, { onDelete: "cascade" }),
    status: text("status", { enum: GENERATION_STATUSES }).notNull(),
    pairs: text("pairs").notNull(),
    contenders: jsonb("contenders").notNull().$type<{ contender: string; version: number; versionId: number }[]>(),
    prompts: jsonb("prompts").notNull().$type<unknown[]>(),
    fingerprint: text("fingerprint").notNull(),
    promptCount: integer("prompt_count").notNull(),
    itemsCreated: integer("items_created").notNull().default(0),
    error: text("error"),
    createdBy: integer("created_by").references(() => users.id, { onDelete: "set null" }),
    createdAt: stamp("created_at").notNull(),
    finishedAt: stamp("finished_at"),
  },
  (t) => [index("generation_runs_project_idx").on(t.projectId, t.fingerprint)],
);

export const generationResponses = pgTable(
  "generation_responses",
  {
    id: id(),
    runId: integer("run_id").notNull().references(() => generationRuns.id, { onDelete: "cascade" }),
    promptIndex: integer("prompt_index").notNull(),
    contenderVersionId: integer("contender_version_id").notNull().references(() => contenderVersions.id),
    status: text("status", { enum: RESPONSE_STATUSES }).notNull(),
    text: text("text"),
    metrics: jsonb("metrics").$type<Record<string, unknown>>(),
    error: text("error"),
    createdAt: stamp("created_at").notNull(),
  },
  (t) => [uniqueIndex("generation_responses_run_prompt_contender_idx").on(t.runId, t.promptIndex, t.contenderVersionId)],
);

export const judges = pgTable("judges", {
  id: id(),
  name: text("name").notNull().unique(),
  endpointId: integer("endpoint_id").notNull().references(() => endpoints.id),
  prompt: text("prompt").notNull(),
  createdAt: stamp("created_at").notNull(),
});

export const aiJudgments = pgTable(
  "ai_judgments",
  {
    id: id(),
    judgeId: integer("judge_id").notNull().references(() => judges.id, { onDelete: "cascade" }),
    itemId: integer("item_id").notNull().references(() => items.id, { onDelete: "cascade" }),
    verdict: text("verdict", { enum: ["A", "B", "tie"] }).notNull(),
    answerStraight: text("answer_straight").notNull(),
    answerSwapped: text("answer_swapped").notNull(),
    positionConsistent: boolean("position_consistent").notNull(),
    latencyMs: integer("latency_ms").notNull(),
    promptTokens: integer("prompt_tokens").notNull(),
    completionTokens: integer("completion_tokens").notNull(),
    createdAt: stamp("created_at").notNull(),
  },
  (t) => [uniqueIndex("ai_judgments_judge_item_idx").on(t.judgeId, t.itemId), index("ai_judgments_item_idx").on(t.itemId)],
);

export const judgeRuns = pgTable(
  "judge_runs",
  {
    id: id(),
    judgeId: integer("judge_id").notNull().references(() => judges.id, { onDelete: "cascade" }),
    projectId: integer("project_id").notNull().references(() => projects.id, { onDelete: "cascade" }),
    status: text("status", { enum: JUDGE_RUN_STATUSES }).notNull(),
    itemLimit: integer("item_limit"),
    items: integer("items").notNull().default(0),
    judged: integer("judged").notNull().default(0),
    failed: integer("failed").notNull().default(0),
    failures: jsonb("failures").notNull().$type<{ item: string; error: string }[]>(),
    error: text("error"),
    createdBy: integer("created_by").references(() => users.id, { onDelete: "set null" }),
    createdAt: stamp("created_at").notNull(),
    finishedAt: stamp("finished_at"),
  },
  (t) => [index("judge_runs_project_idx").on(t.projectId)],
);
