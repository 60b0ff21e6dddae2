// Generation: every contender answers every prompt (streamed, measured, within each endpoint's
// concurrency), each answer stored as it arrives, so a run killed half-way resumes calling only for
// what it lacks; then the answers become items by the pairing rule, through the importer, blind
// (the contender is candidate metadata, hidden from annotators) and in a random candidate order.
// No network call happens inside a transaction: answers are stored by their own short writes.
import { createHash } from "node:crypto";
import { setMaxListeners } from "node:events";
import { Readable } from "node:stream";
import { z } from "zod";
import { at, jsonText, type Param } from "@/db/engine";
import {
  CONTENDER_CURRENT,
  CONTENDER_VERSION,
  ENDPOINT_BY_NAME,
  RESPONSES_DONE,
  responsesUpsertOf,
  RESPONSES_OF_RUN,
  RUN_BY_ID,
  RUN_CANCEL,
  RUN_DONE,
  RUN_FAILURES,
  RUN_INSERT,
  RUN_PROMPTS,
  RUN_SET_STATUS,
  RUN_STATUS,
  RUN_UNFINISHED,
  RUNS_OF_PROJECT,
  type ContenderVersionRow,
  type GenerationRunRow,
  type RunContender,
  type StoredResponseRow,
} from "@/db/queries/models";
import { PROJECT_BY_SLUG } from "@/db/queries/projects";
import type { ContenderPairing } from "@/db/schema/constants";
import { STATS_CONTENDER_CANDIDATES, STATS_JUDGMENTS } from "@/db/queries/stats";
import { FormatError } from "@/lib/formats/errors";
import { toPromptRecord, type PromptRecord } from "@/lib/formats/import/normalize";
import { readPrompts } from "@/lib/formats/import/read";
import { promptMessages, type ImportRecord, type Message } from "@/lib/formats/record";
import { pairWeights, type PairWeight } from "@/lib/stats/adaptive-pairs";
import { contenderName, ContenderTally } from "@/lib/stats/contenders";
import { pairRuleText, pairsFor, parsePairRule, shuffled, PAIR_RULE_HELP, type PairRule } from "@/lib/stats/generation-pairs";
import { audit } from "./audit";
import { nowOf, requireScope, type Ctx, type Untrusted } from "./context";
import { PROMPT_PLACEHOLDER } from "./contenders";
import { modelEndpoint } from "./endpoints";
import { AppError, fieldError, notFound, parseInput } from "./errors";
import { importItems } from "./importer";
import { requestReprioritise } from "./pairing";
import { complete, type ModelEndpoint, type ResponseMetrics, type RetryPolicy } from "./model-client";

/** The largest JSON body that starts a run over HTTP (its prompts travel in it). */
export const GENERATION_BODY_LIMIT = 32 * 1024 * 1024;
/** The most prompts one run takes. */
export const MAX_PROMPTS = 100_000;
/** Prompt-file errors listed in full; past this only the count. */
const MAX_LISTED_ERRORS = 20;
/** Most responses stored in one statement. */
const STORE_BATCH = 200;
/** Longest a response waits to be stored with the others arriving meanwhile (README "Models in the loop"). */
const STORE_DELAY_MS = 10;
/** How often a working run looks for its cancellation. */
const CANCEL_POLL_MS = 250;

/** The prompts of a file (JSONL, a JSON array; the import format's prompt shapes), or a bad_request listing the bad lines. */
export async function readPromptFile(source: AsyncIterable<Uint8Array | string>): Promise<PromptRecord[]> {
  const prompts: PromptRecord[] = [];
  const errors: string[] = [];
  let errorCount = 0;
  for await (const row of readPrompts(source)) {
    if ("error" in row) {
      errorCount++;
      if (errors.length < MAX_LISTED_ERRORS) errors.push(`line ${row.line}: ${row.error.field && !row.error.message.startsWith(row.error.field) ? `${row.error.field}: ` : ""}${row.error.message}`);
    } else prompts.push(row.prompt);
  }
  if (errorCount) {
    const more = errorCount > errors.length ? `; … and ${errorCount - errors.length} more` : "";
    throw fieldError("prompts", `${errorCount} invalid prompt row(s): ${errors.join("; ")}${more}`);
  }
  return prompts;
}

/** Prompts sent as JSON values (the HTTP API): each checked as a prompts-file row, errors naming its index. */
function promptsOf(rows: unknown[]): PromptRecord[] {
  return rows.map((row, i) => {
    try {
      return toPromptRecord(typeof row === "string" ? { prompt: row } : row);
    } catch (error) {
      if (error instanceof FormatError) throw fieldError(`prompts.${i}${error.field ? `.${error.field}` : ""}`, error.detail);
      throw error;
    }
  });
}

export const generationInput = z.object({
  slug: z.string().trim().min(1, "must name a project"),
  /** Prompt rows: `{"prompt": text or messages, "id"?, "metadata"?, "tags"?}` (or bare text). */
  prompts: z.array(z.unknown()).min(1, "must hold at least one prompt").max(MAX_PROMPTS, `must hold at most ${MAX_PROMPTS} prompts`),
  contenders: z
    .union([z.string().transform((s) => s.split(",")), z.array(z.string())])
    .transform((names) => names.map((n) => n.trim()).filter(Boolean))
    .refine((names) => names.length >= 2, "must name at least two contenders")
    .refine((names) => new Set(names).size === names.length, "must not name a contender twice"),
  /** The pairing rule; without one, the project's contender pairing decides (`all`, or `adaptive` under adaptive pairing). */
  pairs: z
    .string()
    .optional()
    .transform((text, c): PairRule | undefined => {
      if (text === undefined) return undefined;
      try {
        return parsePairRule(text);
      } catch (error) {
        c.addIssue({ code: "custom", message: (error as Error).message });
        return z.NEVER;
      }
    }),
});
export type GenerationInput = z.input<typeof generationInput>;

/** A run as the CLI and the API show it, with its progress. */
export interface GenerationView {
  id: number;
  project: string;
  status: GenerationRunRow["status"];
  pairs: string;
  contenders: { name: string; version: number }[];
  prompts: number;
  /** Responses to get: prompts × contenders. */
  total: number;
  /** Stored so far: responses and failures. */
  responses: number;
  failed: number;
  items: number;
  error: string | null;
  created_at: string;
  finished_at: string | null;
}

export function generationView(r: GenerationRunRow): GenerationView {
  return {
    id: r.id,
    project: r.project,
    status: r.status,
    pairs: r.pairs,
    contenders: r.contenders.map((c) => ({ name: c.contender, version: c.version })),
    prompts: r.promptCount,
    total: r.promptCount * r.contenders.length,
    responses: r.responses - r.failed,
    failed: r.failed,
    items: r.itemsCreated,
    error: r.error,
    created_at: new Date(r.createdAt).toISOString(),
    finished_at: r.finishedAt == null ? null : new Date(r.finishedAt).toISOString(),
  };
}

/**
 * Creates a run, or finds the unfinished run of the same project, prompts, contender versions and
 * pairing (`resumed: true`), which then calls only for the responses it lacks.
 */
export async function startGeneration({ ctx, input }: { ctx: Ctx; input: Untrusted<GenerationInput> }): Promise<{ run: GenerationView; resumed: boolean }> {
  requireScope(ctx, "model:manage");
  const data = parseInput(generationInput, input);
  const prompts = promptsOf(data.prompts);
  if (data.pairs?.kind === "baseline" && !data.contenders.includes(data.pairs.name)) {
    throw fieldError("pairs", `the baseline "${data.pairs.name}" is not one of the contenders (${data.contenders.join(", ")})`);
  }
  const now = nowOf(ctx);
  const { id, resumed } = await ctx.db.write(async (tx) => {
    const project = await tx.first(PROJECT_BY_SLUG, [data.slug]);
    if (!project) throw notFound(`Project "${data.slug}"`);
    const pairs = pairRuleText(data.pairs ?? defaultPairRule(project.contenderPairing));
    const contenders: RunContender[] = [];
    for (const name of data.contenders) {
      const v = await tx.first(CONTENDER_CURRENT, [name]);
      if (!v) throw fieldError("contenders", `no contender is named "${name}" (add it with \`arbiter contender add\`)`, "not_found");
      contenders.push({ contender: v.name, version: v.version, versionId: v.versionId });
    }
    const fingerprint = createHash("sha256").update(jsonText({ prompts, contenders, pairs })).digest("hex");
    const unfinished = await tx.first(RUN_UNFINISHED, [project.id, fingerprint]);
    if (unfinished !== undefined) {
      await tx.exec(RUN_SET_STATUS, ["running", null, null, unfinished]);
      await audit(tx, ctx, { action: "generation.resume", targetType: "generation", targetId: unfinished, projectId: project.id });
      return { id: unfinished, resumed: true };
    }
    const runId = (await tx.first(RUN_INSERT, [project.id, "running", pairs, jsonText(contenders), jsonText(prompts), fingerprint, prompts.length, ctx.caller?.userId ?? null, at(now)]))!;
    await audit(tx, ctx, {
      action: "generation.start",
      targetType: "generation",
      targetId: runId,
      projectId: project.id,
      detail: { prompts: prompts.length, contenders: contenders.map((c) => `${c.contender} v${c.version}`), pairs },
    });
    return { id: runId, resumed: false };
  });
  return { run: generationView((await ctx.db.first(RUN_BY_ID, [id]))!), resumed };
}

/** The pairing rule of a run started without one: every pair, or one adaptive pair per prompt under adaptive pairing. */
export function defaultPairRule(pairing: ContenderPairing): PairRule {
  return pairing === "adaptive" ? { kind: "adaptive", k: 1 } : { kind: "all" };
}

export interface GenerationFailure {
  /** The prompt's id, or its 1-based position in the prompts when it has none. */
  prompt: string;
  contender: string;
  error: string;
}

/** What `arbiter generate --json` prints. */
export interface GenerationSummary {
  run: number;
  status: GenerationRunRow["status"];
  prompts: number;
  /** Responses stored for the run (not failures). */
  responses: number;
  failed: GenerationFailure[];
  /** Items created from the responses. */
  items: number;
}

export interface GenerationProgress {
  total: number;
  /** Stored so far, failures included (those already stored when a run resumes count from the start). */
  done: number;
  failed: number;
}

export interface RunOptions {
  onProgress?: (p: GenerationProgress) => void;
  /** Aborting it cancels the run (the CLI's Ctrl-C), as a cancellation through the API does. */
  signal?: AbortSignal;
  retry?: RetryPolicy;
}

/** The messages a contender version sends for a prompt: its system prompt, then the prompt through its template. */
export function messagesFor(version: Pick<ContenderVersionRow, "systemPrompt" | "template">, prompt: PromptRecord["prompt"]): Message[] {
  const turns = promptMessages(prompt).map((m) => ({ ...m }));
  const last = turns[turns.length - 1];
  if (version.template) last.content = version.template.split(PROMPT_PLACEHOLDER).join(last.content);
  // The contender's system prompt comes first; a system turn of the prompt itself follows it.
  return version.systemPrompt ? [{ role: "system", content: version.systemPrompt }, ...turns] : turns;
}

function promptLabel(prompt: PromptRecord, index: number): string {
  return prompt.id ?? String(index + 1);
}

/** A 32-bit seed from text, so a run's random choices repeat when it resumes. */
function seedOf(text: string): number {
  return createHash("sha256").update(text).digest().readUInt32LE(0);
}

/**
 * Works a run to its end: calls every contender for every prompt it has no response for, stores
 * each answer as it arrives, then creates the items. A run that is cancelled (the API's DELETE,
 * `signal`) stops calling at once and creates no items; one that fails is marked failed with why.
 */
export async function runGeneration({ ctx, input }: { ctx: Ctx; input: { id: number } & RunOptions }): Promise<GenerationSummary> {
  requireScope(ctx, "model:manage");
  const run = await ctx.db.first(RUN_BY_ID, [input.id]);
  if (!run) throw notFound(`Generation ${input.id}`);
  if (run.status !== "running") throw new AppError("conflict", `Generation ${run.id} is ${run.status}; only a running generation is worked on.`);
  try {
    return await work(ctx, run, input);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    await ctx.db.exec(RUN_SET_STATUS, ["failed", message.slice(0, 2000), at(nowOf(ctx)), run.id]);
    throw error;
  }
}

async function work(ctx: Ctx, run: GenerationRunRow, options: RunOptions): Promise<GenerationSummary> {
  const prompts = (await ctx.db.first(RUN_PROMPTS, [run.id]))! as PromptRecord[];
  const versions: ContenderVersionRow[] = [];
  const endpoints = new Map<string, ModelEndpoint>();
  for (const c of run.contenders) {
    const v = (await ctx.db.first(CONTENDER_VERSION, [c.versionId]))!;
    versions.push(v);
    if (!endpoints.has(v.endpoint)) {
      const row = await ctx.db.first(ENDPOINT_BY_NAME, [v.endpoint]);
      if (!row) throw notFound(`Endpoint "${v.endpoint}"`);
      endpoints.set(v.endpoint, await modelEndpoint(ctx, row));
    }
  }
  const have = new Set((await ctx.db.many(RESPONSES_DONE, [run.id])).map((r) => `${r.promptIndex}:${r.contenderVersionId}`));
  const total = prompts.length * versions.length;
  const progress: GenerationProgress = { total, done: have.size, failed: 0 };
  options.onProgress?.({ ...progress });

  const controller = new AbortController();
  // Every request of the run listens to this one signal.
  setMaxListeners(0, controller.signal);
  const onAbort = () => controller.abort();
  options.signal?.addEventListener("abort", onAbort, { once: true });
  let cancelled = false;
  let polling = false;
  const poll = setInterval(() => {
    if (polling) return;
    polling = true;
    ctx.db
      .first(RUN_STATUS, [run.id])
      .then((status) => {
        if (status !== "running") {
          cancelled = true;
          controller.abort();
        }
      })
      // A look that fails is made again at the next tick; a lasting database failure surfaces in the stores.
      .catch(() => undefined)
      .finally(() => (polling = false));
  }, CANCEL_POLL_MS);

  const store = groupCommit(ctx);
  try {
    const todo: { promptIndex: number; version: ContenderVersionRow }[] = [];
    prompts.forEach((_, promptIndex) => {
      for (const version of versions) if (!have.has(`${promptIndex}:${version.versionId}`)) todo.push({ promptIndex, version });
    });
    // As many workers as the endpoints take requests at once (each endpoint's semaphore holds its own
    // limit): enough to keep every endpoint busy, without thousands of requests queued on semaphores.
    const limits = new Map(versions.map((v) => [v.endpoint, endpoints.get(v.endpoint)!.maxConcurrency]));
    const workers = Math.min(todo.length, [...limits.values()].reduce((a, b) => a + b, 0));
    const writes = new Set<Promise<void>>();
    let failure: { error: unknown } | undefined;
    let next = 0;
    const worker = async () => {
      while (next < todo.length && !failure && !controller.signal.aborted) {
        const { promptIndex, version } = todo[next++];
        const result = await complete(
          endpoints.get(version.endpoint)!,
          { messages: messagesFor(version, prompts[promptIndex].prompt), temperature: version.temperature, maxTokens: version.maxTokens, seed: version.seed },
          { signal: controller.signal, retry: options.retry },
        );
        if (controller.signal.aborted) return;
        const params = result.ok
          ? [run.id, promptIndex, version.versionId, "ok", result.text, jsonText(result.metrics), null, at(nowOf(ctx))]
          : [run.id, promptIndex, version.versionId, "failed", null, null, result.reason, at(nowOf(ctx))];
        // The next request goes out while this answer is written.
        const write = store(params).then(
          () => {
            progress.done++;
            if (!result.ok) progress.failed++;
            options.onProgress?.({ ...progress });
          },
          (error: unknown) => {
            failure ??= { error };
          },
        );
        writes.add(write);
        void write.finally(() => writes.delete(write));
      }
    };
    await Promise.all(Array.from({ length: workers }, worker));
    await Promise.all(writes);
    if (failure) throw failure.error;
  } finally {
    clearInterval(poll);
    options.signal?.removeEventListener("abort", onAbort);
  }

  if (options.signal?.aborted && !cancelled) {
    await cancelRun(ctx, run.id, run.projectId);
    cancelled = true;
  }
  const stored = await ctx.db.many(RESPONSES_OF_RUN, [run.id]);
  const byVersion = new Map(versions.map((v) => [v.versionId, v]));
  const failed: GenerationFailure[] = stored
    .filter((r) => r.status === "failed")
    .map((r) => ({ prompt: promptLabel(prompts[r.promptIndex], r.promptIndex), contender: byVersion.get(r.contenderVersionId)!.name, error: r.error ?? "" }));
  const responses = stored.filter((r) => r.status === "ok").length;
  if (cancelled || (await ctx.db.first(RUN_STATUS, [run.id])) !== "running") {
    return { run: run.id, status: "cancelled", prompts: prompts.length, responses, failed, items: 0 };
  }

  const weights = parsePairRule(run.pairs).kind === "adaptive" ? await adaptiveWeights(ctx, run.projectId, versions) : undefined;
  const records = itemRecords(run, prompts, versions, stored, weights);
  let items = 0;
  if (records.length) {
    const summary = await importItems({
      ctx,
      input: { slug: run.project, source: () => Readable.from(records.map((r) => JSON.stringify(r) + "\n")), sourceName: `generation ${run.id}` },
    });
    if (summary.rejected) throw new AppError("internal", `Generation ${run.id}: the generated items were refused by the importer: ${summary.errors.map((e) => e.message).join("; ")}`);
    items = summary.inserted;
  }
  await ctx.db.write(async (tx) => {
    await tx.exec(RUN_DONE, [items, at(nowOf(ctx)), run.id]);
    await audit(tx, ctx, { action: "generation.finish", targetType: "generation", targetId: run.id, projectId: run.projectId, detail: { responses, failed: failed.length, items } });
  });
  // Under adaptive pairing the new items are served by their pair's weight from the start.
  if (items) await requestReprioritise({ db: ctx.db, caller: null, now: ctx.now }, run.project, "generation");
  const final = (await ctx.db.first(RUN_BY_ID, [run.id]))!;
  return { run: run.id, status: final.status, prompts: prompts.length, responses, failed, items: final.itemsCreated };
}

/**
 * Stores responses as they arrive, in small groups: a response waits at most STORE_DELAY_MS (or
 * until STORE_BATCH are waiting) and goes in with those that arrived meanwhile, one statement for
 * them all instead of a commit each (a commit, and on PostgreSQL a round trip, costs more than the
 * rows it holds). A response counts as stored only once its write committed, so a kill loses at
 * most the ones of the last few milliseconds, which a resumed run asks for again.
 */
function groupCommit(ctx: Ctx): (params: Param[]) => Promise<void> {
  let queue: { params: Param[]; done: () => void; failed: (e: unknown) => void }[] = [];
  let timer: NodeJS.Timeout | undefined;
  let writing: Promise<void> = Promise.resolve();
  const flush = () => {
    clearTimeout(timer);
    timer = undefined;
    const batch = queue;
    queue = [];
    // One write at a time, in order: a group that fills while one is written waits its turn.
    writing = writing.then(async () => {
      try {
        await ctx.db.write((tx) => tx.exec(responsesUpsertOf(batch.length), batch.flatMap((row) => row.params)));
        for (const row of batch) row.done();
      } catch (error) {
        for (const row of batch) row.failed(error);
      }
    });
  };
  return (params) =>
    new Promise<void>((done, failed) => {
      queue.push({ params, done, failed });
      if (queue.length >= STORE_BATCH) flush();
      else timer ??= setTimeout(flush, STORE_DELAY_MS);
    });
}

/** Candidate metadata of a response: what it is measured by (README "Models in the loop"). */
function candidateMetadata(version: ContenderVersionRow, metrics: Record<string, unknown>): Record<string, unknown> {
  const m = metrics as Partial<ResponseMetrics>;
  const out: Record<string, unknown> = {
    contender: version.name,
    contender_version: version.version,
    latency_ms: m.latency_ms,
    ttft_ms: m.ttft_ms ?? null,
    prompt_tokens: m.prompt_tokens,
    completion_tokens: m.completion_tokens,
    finish_reason: m.finish_reason ?? null,
    cost_usd: m.cost_usd ?? null,
  };
  if (m.tokens_counted) out.tokens_counted = true;
  return out;
}

/**
 * Every pair of the run's contender versions with its share of the next comparisons (adaptive
 * pairing), from the human pairwise judgments the project holds so far between those same versions.
 */
async function adaptiveWeights(ctx: Ctx, projectId: number, versions: ContenderVersionRow[]): Promise<PairWeight[]> {
  const tally = new ContenderTally();
  await ctx.db.snapshot(async (view) => {
    for await (const c of view.stream(STATS_CONTENDER_CANDIDATES, [projectId])) tally.candidate(c);
    for await (const j of view.stream(STATS_JUDGMENTS, [projectId])) tally.judgment(j);
  });
  const names = new Map(versions.map((v) => [contenderName({ contender: v.name, version: v.version }), v.name]));
  return pairWeights(
    versions.map((v) => v.name),
    tally.pairTallies((key) => names.get(contenderName(key))),
  );
}

/** The items of a run's responses, by its pairing rule, each with its candidates in a seeded random order. */
function itemRecords(run: GenerationRunRow, prompts: PromptRecord[], versions: ContenderVersionRow[], stored: StoredResponseRow[], weights?: PairWeight[]): ImportRecord[] {
  const rule = parsePairRule(run.pairs);
  const byPrompt = new Map<number, Map<string, { text: string; metadata: Record<string, unknown> }>>();
  const byVersion = new Map(versions.map((v) => [v.versionId, v]));
  for (const r of stored) {
    if (r.status !== "ok") continue;
    const version = byVersion.get(r.contenderVersionId)!;
    let answers = byPrompt.get(r.promptIndex);
    if (!answers) byPrompt.set(r.promptIndex, (answers = new Map()));
    answers.set(version.name, { text: r.text ?? "", metadata: candidateMetadata(version, r.metrics ?? {}) });
  }
  const records: ImportRecord[] = [];
  prompts.forEach((prompt, promptIndex) => {
    const answers = byPrompt.get(promptIndex);
    if (!answers) return;
    const present = versions.map((v) => v.name).filter((n) => answers.has(n));
    const label = promptLabel(prompt, promptIndex);
    for (const [a, b] of pairsFor(rule, present, seedOf(`${run.id}:${promptIndex}`), weights)) {
      const id = `gen-${run.id}:${label}:${a}~${b}`;
      const record: ImportRecord = {
        id,
        prompt: prompt.prompt,
        responses: shuffled([a, b], seedOf(id)).map((name) => ({ content: answers.get(name)!.text, model: name, metadata: answers.get(name)!.metadata })),
        metadata: { ...prompt.metadata, generation: run.id, prompt_id: label },
      };
      if (prompt.tags?.length) record.tags = prompt.tags;
      records.push(record);
    }
  });
  return records;
}

async function cancelRun(ctx: Ctx, id: number, projectId: number): Promise<boolean> {
  return ctx.db.write(async (tx) => {
    if ((await tx.exec(RUN_CANCEL, [at(nowOf(ctx)), id])) === 0) return false;
    await audit(tx, ctx, { action: "generation.cancel", targetType: "generation", targetId: id, projectId });
    return true;
  });
}

/** Cancels a running (or failed) run: its worker stops calling within a moment and creates no items. */
export async function cancelGeneration({ ctx, input }: { ctx: Ctx; input: Untrusted<{ id: number }> }): Promise<GenerationView> {
  requireScope(ctx, "model:manage");
  const { id } = parseInput(z.object({ id: z.coerce.number({ message: "must be a generation id" }).int().positive("must be a generation id") }), input);
  const run = await ctx.db.first(RUN_BY_ID, [id]);
  if (!run) throw notFound(`Generation ${id}`);
  if (!(await cancelRun(ctx, id, run.projectId))) throw new AppError("conflict", `Generation ${id} is already ${run.status}.`);
  return generationView((await ctx.db.first(RUN_BY_ID, [id]))!);
}

export async function getGeneration({ ctx, input }: { ctx: Ctx; input: Untrusted<{ id: number }> }): Promise<GenerationView> {
  requireScope(ctx, "model:manage");
  const { id } = parseInput(z.object({ id: z.coerce.number({ message: "must be a generation id" }).int().positive("must be a generation id") }), input);
  const run = await ctx.db.first(RUN_BY_ID, [id]);
  if (!run) throw notFound(`Generation ${id}`);
  return generationView(run);
}

/** The most failures generationFailures lists. */
export const MAX_LISTED_FAILURES = 50;

/**
 * A run's failed responses (prompt, contender, why), first ones first, at most MAX_LISTED_FAILURES:
 * what the admin page lists under a run. The prompts are read only when there is a failure.
 */
export async function generationFailures({ ctx, input }: { ctx: Ctx; input: Untrusted<{ id: number }> }): Promise<GenerationFailure[]> {
  requireScope(ctx, "model:manage");
  const { id } = parseInput(z.object({ id: z.coerce.number({ message: "must be a generation id" }).int().positive("must be a generation id") }), input);
  const rows = await ctx.db.many(RUN_FAILURES, [id, MAX_LISTED_FAILURES]);
  if (!rows.length) return [];
  const prompts = ((await ctx.db.first(RUN_PROMPTS, [id])) ?? []) as PromptRecord[];
  return rows.map((r) => ({ prompt: prompts[r.promptIndex] ? promptLabel(prompts[r.promptIndex], r.promptIndex) : String(r.promptIndex + 1), contender: r.contender, error: r.error ?? "" }));
}

export async function listGenerations({ ctx, input }: { ctx: Ctx; input: { slug: string } }): Promise<GenerationView[]> {
  requireScope(ctx, "model:manage");
  const project = await ctx.db.first(PROJECT_BY_SLUG, [input.slug]);
  if (!project) throw notFound(`Project "${input.slug}"`);
  return (await ctx.db.many(RUNS_OF_PROJECT, [project.id])).map(generationView);
}

/** Runs this process is working in the background. */
const working = new Set<number>();

/**
 * Starts (or resumes) a run and works it in the background of this server process (the HTTP API);
 * its progress is read with getGeneration, and it is cancelled with cancelGeneration.
 */
export async function launchGeneration({ ctx, input }: { ctx: Ctx; input: Untrusted<GenerationInput> }): Promise<{ run: GenerationView; resumed: boolean }> {
  const started = await startGeneration({ ctx, input });
  const id = started.run.id;
  // The same body posted again while this process still works the run finds it, and starts no second worker.
  if (working.has(id)) return started;
  working.add(id);
  // Runs on after the response; its outcome (done, failed with why, cancelled) is stored on the run.
  void runGeneration({ ctx, input: { id } })
    .catch((error: unknown) => {
      console.error(`generation ${id} failed:`, error instanceof Error ? error.message : error);
    })
    .finally(() => working.delete(id));
  return started;
}

export { PAIR_RULE_HELP };
