// AI judges: an endpoint asked, through a pairwise prompt, which of an item's two responses is
// better, in both orders. A verdict that flips with the order is a tie and position-inconsistent
// (lib/stats/judges.ts combines the two runs). AI verdicts are stored apart (ai_judgments): never
// served, never counted as human judgments, exported only when asked (--include-ai-judgments); otherwise only "judge vs humans" reads them.
// No network call happens inside a transaction: each verdict is stored by its own short write.
import { setMaxListeners } from "node:events";
import { z } from "zod";
import { at, jsonText } from "@/db/engine";
import {
  AI_JUDGMENT_INSERT,
  JUDGE_BY_NAME,
  JUDGE_INSERT,
  JUDGE_PENDING,
  JUDGE_RUN_BY_ID,
  JUDGE_RUN_CANCEL,
  JUDGE_RUN_FINISH,
  JUDGE_RUN_INSERT,
  JUDGE_RUN_PROGRESS,
  JUDGE_RUN_RUNNING,
  JUDGE_RUN_STATUS,
  JUDGE_RUNS_OF_PROJECT,
  JUDGES_LIST,
  type JudgeRow,
  type JudgePendingRow,
  type JudgeRunRow,
} from "@/db/queries/judges";
import { ENDPOINT_BY_NAME } from "@/db/queries/models";
import { PROJECT_BY_SLUG } from "@/db/queries/projects";
import { effectiveSchema } from "@/lib/formats/judgment";
import { promptMessages, type Choice, type Prompt } from "@/lib/formats/record";
import { judgeVerdicts } from "@/lib/stats/judges";
import { audit } from "./audit";
import { nowOf, requireScope, type Ctx, type Untrusted } from "./context";
import { endpointName, modelEndpoint } from "./endpoints";
import { AppError, fieldError, notFound, parseInput } from "./errors";
import { complete, type ModelEndpoint, type RetryPolicy } from "./model-client";

/** The placeholders a judge prompt must hold. */
export const JUDGE_PLACEHOLDERS = ["{prompt}", "{response_a}", "{response_b}"] as const;

/** Written for this project after the pairwise LLM-as-a-judge prompts in the literature (compare, explain briefly, end with a bracketed verdict). */
export const DEFAULT_JUDGE_PROMPT = `Please act as a fair and careful judge. Below are a user's request and two responses to it, Response A and Response B. Decide which response serves the user better: consider whether it does what was asked, whether it is correct, and whether it is clear and complete. The order of the responses and their length must not sway you, and neither must the names of any assistants.

First explain your comparison in a few sentences. Then give your verdict on the last line, exactly one of: "[[A]]" if Response A is better, "[[B]]" if Response B is better, "[[C]]" if they are equally good or equally bad.

[User request]
{prompt}

[Response A]
{response_a}

[Response B]
{response_b}`;

const PROMPT_MAX = 100_000;
/** Most items one run takes. */
export const MAX_JUDGE_LIMIT = 1_000_000;

export const judgeInput = z.object({
  name: endpointName,
  endpoint: endpointName,
  prompt: z
    .string()
    .max(PROMPT_MAX, `must be at most ${PROMPT_MAX} characters`)
    .superRefine((text, c) => {
      const missing = JUDGE_PLACEHOLDERS.filter((p) => !text.includes(p));
      if (missing.length) c.addIssue({ code: "custom", message: `must contain ${missing.join(", ")} (where the prompt and the two responses go)` });
    })
    .nullable()
    .optional(),
});
export type JudgeInput = z.input<typeof judgeInput>;

export interface JudgeView {
  name: string;
  endpoint: string;
  prompt: string;
  created_at: string;
}

function judgeView(j: JudgeRow): JudgeView {
  return { name: j.name, endpoint: j.endpoint, prompt: j.prompt, created_at: new Date(j.createdAt).toISOString() };
}

export async function addJudge({ ctx, input }: { ctx: Ctx; input: Untrusted<JudgeInput> }): Promise<JudgeView> {
  requireScope(ctx, "model:manage");
  const data = parseInput(judgeInput, input);
  const now = nowOf(ctx);
  return ctx.db.write(async (tx) => {
    const endpoint = await tx.first(ENDPOINT_BY_NAME, [data.endpoint]);
    if (!endpoint) throw fieldError("endpoint", `no endpoint is named "${data.endpoint}" (add it with \`arbiter endpoint add\`)`, "not_found");
    const id = await tx.first(JUDGE_INSERT, [data.name, endpoint.id, data.prompt ?? DEFAULT_JUDGE_PROMPT, at(now)]);
    if (id === undefined) throw fieldError("name", `a judge named "${data.name}" already exists`, "conflict");
    const view = judgeView((await tx.first(JUDGE_BY_NAME, [data.name]))!);
    await audit(tx, ctx, { action: "judge.create", targetType: "judge", targetId: id, detail: { name: view.name, endpoint: view.endpoint } });
    return view;
  });
}

export async function listJudges({ ctx }: { ctx: Ctx }): Promise<JudgeView[]> {
  requireScope(ctx, "model:manage");
  return (await ctx.db.many(JUDGES_LIST)).map(judgeView);
}

const VERDICT_TOKEN = /\[\[\s*([ABC])\s*\]\]/gi;

/**
 * The slot a judge's answer chose: its last "[[A]]", "[[B]]" or "[[C]]" (a tie), case and inner
 * spaces aside; null when it holds none (the answer is then a failure, not a verdict).
 */
export function parseJudgeAnswer(answer: string): Choice | null {
  let last: string | null = null;
  for (const m of answer.matchAll(VERDICT_TOKEN)) last = m[1].toUpperCase();
  return last === null ? null : last === "C" ? "tie" : (last as "A" | "B");
}

/** The prompt as the judge reads it: the text itself, or a multi-turn conversation as "role: content" turns. */
function promptForJudge(prompt: Prompt): string {
  if (typeof prompt === "string") return prompt;
  return promptMessages(prompt)
    .map((m) => `${m.role}: ${m.content}`)
    .join("\n\n");
}

/** The judge's user message: placeholders filled in one pass, so a response that quotes a placeholder stays as written. */
export function judgePromptFor(template: string, prompt: Prompt, first: string, second: string): string {
  const values: Record<string, string> = { "{prompt}": promptForJudge(prompt), "{response_a}": first, "{response_b}": second };
  return template.replace(/\{(?:prompt|response_a|response_b)\}/g, (p) => values[p]);
}

export const judgeRunInput = z.object({
  slug: z.string().trim().min(1, "must name a project"),
  judge: endpointName,
  limit: z.coerce.number({ message: "must be a whole number" }).int("must be a whole number").min(1, "must be at least 1").max(MAX_JUDGE_LIMIT).optional(),
});
export type JudgeRunInput = z.input<typeof judgeRunInput>;

export interface JudgeFailure {
  /** The item's id (its import id). */
  item: string;
  error: string;
}

/** What `arbiter judge run` reports: items taken up, verdicts stored, items that failed (judged again by the next run). */
export interface JudgeRunSummary {
  items: number;
  judged: number;
  failed: number;
  failures: JudgeFailure[];
}

export interface JudgeRunProgress {
  total: number;
  done: number;
  failed: number;
  /** The failures so far (the array grows as the run goes). */
  failures: readonly JudgeFailure[];
}

export interface JudgeRunOptions {
  /** Aborting it stops the run: no new item is taken, and answers that come back after are not stored or counted. */
  signal?: AbortSignal;
  retry?: RetryPolicy;
  onProgress?: (p: JudgeRunProgress) => void;
}

type Asked = { ok: true; choice: Choice; answer: string; latencyMs: number; promptTokens: number; completionTokens: number } | { ok: false; error: string };

async function ask(endpoint: ModelEndpoint, content: string, options: JudgeRunOptions): Promise<Asked> {
  const result = await complete(endpoint, { messages: [{ role: "user", content }], temperature: 0 }, { signal: options.signal, retry: options.retry });
  if (!result.ok) return { ok: false, error: result.reason };
  const choice = parseJudgeAnswer(result.text);
  if (choice === null) return { ok: false, error: `the answer holds no verdict ([[A]], [[B]] or [[C]]): ${JSON.stringify(result.text.slice(-200))}` };
  return { ok: true, choice, answer: result.text, latencyMs: result.metrics.latency_ms, promptTokens: result.metrics.prompt_tokens, completionTokens: result.metrics.completion_tokens };
}

/**
 * Asks the judge about each pairwise item of the project it has no verdict on (up to `limit`), in
 * both orders, within the endpoint's concurrency, and stores each verdict as it comes. Resumable: a
 * stored verdict is never asked for again; a failed item is reported and left for the next run.
 */
export async function runJudge({ ctx, input, options = {} }: { ctx: Ctx; input: Untrusted<JudgeRunInput>; options?: JudgeRunOptions }): Promise<JudgeRunSummary> {
  requireScope(ctx, "model:manage");
  const data = parseInput(judgeRunInput, input);
  const { project, judge } = await judgeAndProject(ctx, data);
  const endpointRow = await ctx.db.first(ENDPOINT_BY_NAME, [judge.endpoint]);
  if (!endpointRow) throw notFound(`Endpoint "${judge.endpoint}"`);
  const endpoint = await modelEndpoint(ctx, endpointRow);
  const pending = await ctx.db.many(JUDGE_PENDING, [judge.id, project.id, data.limit ?? MAX_JUDGE_LIMIT]);

  const summary: JudgeRunSummary = { items: pending.length, judged: 0, failed: 0, failures: [] };
  const progress = () => options.onProgress?.({ total: pending.length, done: summary.judged + summary.failed, failed: summary.failed, failures: summary.failures });
  progress();
  const judgeItem = async (item: JudgePendingRow): Promise<void> => {
    const [straight, swapped] = await Promise.all([
      ask(endpoint, judgePromptFor(judge.prompt, item.prompt, item.responseA, item.responseB), options),
      ask(endpoint, judgePromptFor(judge.prompt, item.prompt, item.responseB, item.responseA), options),
    ]);
    // Stopped: what came back (or failed as cancelled) is neither stored nor counted.
    if (options.signal?.aborted) return;
    if (!straight.ok || !swapped.ok) {
      const error = [!straight.ok ? `as shown: ${straight.error}` : null, !swapped.ok ? `swapped: ${swapped.error}` : null].filter(Boolean).join("; ");
      summary.failed++;
      summary.failures.push({ item: item.externalId, error });
      return;
    }
    const [v] = judgeVerdicts([
      { judge: judge.name, item: String(item.itemId), swapped: false, choice: straight.choice },
      { judge: judge.name, item: String(item.itemId), swapped: true, choice: swapped.choice },
    ]);
    const id = await ctx.db.first(AI_JUDGMENT_INSERT, [
      judge.id,
      item.itemId,
      v.category,
      straight.answer,
      swapped.answer,
      v.consistent === true,
      Math.round(straight.latencyMs + swapped.latencyMs),
      straight.promptTokens + swapped.promptTokens,
      straight.completionTokens + swapped.completionTokens,
      at(nowOf(ctx)),
    ]);
    // A run alongside stored this item first: its verdict stands and this one is not counted.
    if (id !== undefined) summary.judged++;
  };
  // Each worker asks both orders of one item at once; the endpoint's semaphore holds its limit.
  let next = 0;
  const worker = async () => {
    while (next < pending.length && !options.signal?.aborted) {
      await judgeItem(pending[next++]);
      progress();
    }
  };
  await Promise.all(Array.from({ length: Math.min(pending.length, Math.max(1, Math.ceil(endpoint.maxConcurrency / 2))) }, worker));
  if (summary.judged > 0 || summary.failed > 0) {
    await ctx.db.write((tx) =>
      audit(tx, ctx, { action: "judge.run", targetType: "judge", targetId: judge.id, projectId: project.id, detail: { judge: judge.name, items: summary.items, judged: summary.judged, failed: summary.failed } }),
    );
  }
  return summary;
}

/** The project (pairwise) and the judge a run names, or the error that says which is missing. */
async function judgeAndProject(ctx: Ctx, data: { slug: string; judge: string }) {
  const project = await ctx.db.first(PROJECT_BY_SLUG, [data.slug]);
  if (!project) throw notFound(`Project "${data.slug}"`);
  const type = effectiveSchema(project.judgmentSchema).type;
  if (type !== "pairwise") throw new AppError("bad_request", `Project "${data.slug}" collects ${type} judgments; a judge compares the two responses of pairwise items only.`);
  const judge = await ctx.db.first(JUDGE_BY_NAME, [data.judge]);
  if (!judge) throw fieldError("judge", `no judge is named "${data.judge}" (add it with \`arbiter judge add\`)`, "not_found");
  return { project, judge };
}

// ---------------------------------------------------------------------------------------------
// Judge runs over HTTP: a row per run (judge_runs) holding its progress, worked in the background of
// the server process that started it, cancelled by setting its status (the worker polls it).

/** How often a working run looks for its cancellation, and at most how often it writes its progress. */
const POLL_MS = 250;

/** A judge run as the API shows it. */
export interface JudgeRunView {
  id: number;
  judge: string;
  project: string;
  status: JudgeRunRow["status"];
  /** The most items the run was asked to take (null: every item the judge has no verdict on). */
  limit: number | null;
  /** Items the run takes (known once it has started); verdicts stored; items failed, with why. */
  items: number;
  judged: number;
  failed: number;
  failures: JudgeFailure[];
  error: string | null;
  created_at: string;
  finished_at: string | null;
}

export function judgeRunView(r: JudgeRunRow): JudgeRunView {
  return {
    id: r.id,
    judge: r.judge,
    project: r.project,
    status: r.status,
    limit: r.itemLimit,
    items: r.items,
    judged: r.judged,
    failed: r.failed,
    failures: r.failures,
    error: r.error,
    created_at: new Date(r.createdAt).toISOString(),
    finished_at: r.finishedAt == null ? null : new Date(r.finishedAt).toISOString(),
  };
}

const runId = z.object({ id: z.coerce.number({ message: "must be a judge run id" }).int("must be a judge run id").positive("must be a judge run id") });

/** Judge runs this process is working in the background. */
const working = new Set<number>();

/**
 * Starts a judge run in the background of this server process (the HTTP API) and answers at once
 * with it (`running: true` when this process already works a run of the same judge on the project,
 * which is then returned instead of a second one). Progress is read with getJudgeRun; cancelJudgeRun stops it.
 */
export async function launchJudgeRun({ ctx, input }: { ctx: Ctx; input: Untrusted<JudgeRunInput> }): Promise<{ run: JudgeRunView; running: boolean }> {
  requireScope(ctx, "model:manage");
  const data = parseInput(judgeRunInput, input);
  const { project, judge } = await judgeAndProject(ctx, data);
  const existing = await ctx.db.first(JUDGE_RUN_RUNNING, [judge.id, project.id]);
  if (existing !== undefined && working.has(existing)) return { run: judgeRunView((await ctx.db.first(JUDGE_RUN_BY_ID, [existing]))!), running: true };
  // A run this process does not work is left alone: another instance may be working it (the two then
  // ask about the same items, and the first verdict stored stands); one whose server stopped is
  // cancelled with DELETE.
  const id = await ctx.db.write(async (tx) => {
    const created = (await tx.first(JUDGE_RUN_INSERT, [judge.id, project.id, data.limit ?? null, ctx.caller?.userId ?? null, at(nowOf(ctx))]))!;
    await audit(tx, ctx, { action: "judge_run.start", targetType: "judge_run", targetId: created, projectId: project.id, detail: { judge: judge.name, limit: data.limit ?? null } });
    return created;
  });
  working.add(id);
  // Runs on after the response; its outcome (done, failed with why, cancelled) is stored on the run.
  void workJudgeRun(ctx, id, { slug: data.slug, judge: data.judge, limit: data.limit })
    .catch((error: unknown) => console.error(`judge run ${id} failed:`, error instanceof Error ? error.message : error))
    .finally(() => working.delete(id));
  return { run: judgeRunView((await ctx.db.first(JUDGE_RUN_BY_ID, [id]))!), running: false };
}

async function workJudgeRun(ctx: Ctx, id: number, input: JudgeRunInput): Promise<void> {
  const controller = new AbortController();
  setMaxListeners(0, controller.signal);
  let latest: JudgeRunProgress = { total: 0, done: 0, failed: 0, failures: [] };
  const progressParams = () => [latest.total, latest.done - latest.failed, latest.failed, jsonText(latest.failures), id];
  // Progress is written at most every POLL_MS, one write after another, each with the latest figures.
  let chain: Promise<void> = Promise.resolve();
  let dirty = false;
  let lastWrite = 0;
  const write = () => {
    dirty = false;
    lastWrite = Date.now();
    chain = chain.then(() => ctx.db.exec(JUDGE_RUN_PROGRESS, progressParams())).then(
      () => undefined,
      // A progress write that fails is made again by the next one (and the last one is awaited).
      () => undefined,
    );
  };
  let polling = false;
  const poll = setInterval(() => {
    if (dirty) write();
    if (polling) return;
    polling = true;
    ctx.db
      .first(JUDGE_RUN_STATUS, [id])
      .then((status) => {
        if (status !== "running") controller.abort();
      })
      // A look that fails is made again at the next tick.
      .catch(() => undefined)
      .finally(() => (polling = false));
  }, POLL_MS);
  try {
    await runJudge({
      ctx,
      input,
      options: {
        signal: controller.signal,
        onProgress: (p) => {
          latest = { ...p, failures: [...p.failures] };
          if (Date.now() - lastWrite >= POLL_MS) write();
          else dirty = true;
        },
      },
    });
    clearInterval(poll);
    await chain;
    await ctx.db.exec(JUDGE_RUN_PROGRESS, progressParams());
    await ctx.db.exec(JUDGE_RUN_FINISH, ["done", null, at(nowOf(ctx)), id]);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    await ctx.db.exec(JUDGE_RUN_FINISH, ["failed", message.slice(0, 2000), at(nowOf(ctx)), id]);
    throw error;
  } finally {
    clearInterval(poll);
  }
}

export async function getJudgeRun({ ctx, input }: { ctx: Ctx; input: Untrusted<{ id: number }> }): Promise<JudgeRunView> {
  requireScope(ctx, "model:manage");
  const { id } = parseInput(runId, input);
  const run = await ctx.db.first(JUDGE_RUN_BY_ID, [id]);
  if (!run) throw notFound(`Judge run ${id}`);
  return judgeRunView(run);
}

export async function listJudgeRuns({ ctx, input }: { ctx: Ctx; input: { slug: string } }): Promise<JudgeRunView[]> {
  requireScope(ctx, "model:manage");
  const project = await ctx.db.first(PROJECT_BY_SLUG, [input.slug]);
  if (!project) throw notFound(`Project "${input.slug}"`);
  return (await ctx.db.many(JUDGE_RUNS_OF_PROJECT, [project.id])).map(judgeRunView);
}

/** Cancels a running judge run: its worker takes no new item within a moment; verdicts stored so far stay. */
export async function cancelJudgeRun({ ctx, input }: { ctx: Ctx; input: Untrusted<{ id: number }> }): Promise<JudgeRunView> {
  requireScope(ctx, "model:manage");
  const { id } = parseInput(runId, input);
  return ctx.db.write(async (tx) => {
    const run = await tx.first(JUDGE_RUN_BY_ID, [id]);
    if (!run) throw notFound(`Judge run ${id}`);
    if ((await tx.exec(JUDGE_RUN_CANCEL, [at(nowOf(ctx)), id])) === 0) throw new AppError("conflict", `Judge run ${id} is already ${run.status}.`);
    await audit(tx, ctx, { action: "judge_run.cancel", targetType: "judge_run", targetId: id, projectId: run.projectId });
    return judgeRunView((await tx.first(JUDGE_RUN_BY_ID, [id]))!);
  });
}
