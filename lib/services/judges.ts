// AI judges: an endpoint asked, through a pairwise prompt, which of an item's two responses is
// better, in both orders. A verdict that flips with the order is a tie and position-inconsistent
// (lib/stats/judges.ts combines the two runs). AI verdicts are stored apart (ai_judgments): never
// served, never counted as human judgments, never exported; only "judge vs humans" reads them.
// No network call happens inside a transaction: each verdict is stored by its own short write.
import { z } from "zod";
import { at } from "@/db/engine";
import { AI_JUDGMENT_INSERT, JUDGE_BY_NAME, JUDGE_INSERT, JUDGE_PENDING, JUDGES_LIST, type JudgeRow, type JudgePendingRow } from "@/db/queries/judges";
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

export interface JudgeRunOptions {
  signal?: AbortSignal;
  retry?: RetryPolicy;
  onProgress?: (p: { total: number; done: number; failed: number }) => void;
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
  const project = await ctx.db.first(PROJECT_BY_SLUG, [data.slug]);
  if (!project) throw notFound(`Project "${data.slug}"`);
  const type = effectiveSchema(project.judgmentSchema).type;
  if (type !== "pairwise") throw new AppError("bad_request", `Project "${data.slug}" collects ${type} judgments; a judge compares the two responses of pairwise items only.`);
  const judge = await ctx.db.first(JUDGE_BY_NAME, [data.judge]);
  if (!judge) throw fieldError("judge", `no judge is named "${data.judge}" (add it with \`arbiter judge add\`)`, "not_found");
  const endpointRow = await ctx.db.first(ENDPOINT_BY_NAME, [judge.endpoint]);
  if (!endpointRow) throw notFound(`Endpoint "${judge.endpoint}"`);
  const endpoint = await modelEndpoint(ctx, endpointRow);
  const pending = await ctx.db.many(JUDGE_PENDING, [judge.id, project.id, data.limit ?? MAX_JUDGE_LIMIT]);

  const summary: JudgeRunSummary = { items: pending.length, judged: 0, failed: 0, failures: [] };
  options.onProgress?.({ total: pending.length, done: 0, failed: 0 });
  const judgeItem = async (item: JudgePendingRow): Promise<void> => {
    const [straight, swapped] = await Promise.all([
      ask(endpoint, judgePromptFor(judge.prompt, item.prompt, item.responseA, item.responseB), options),
      ask(endpoint, judgePromptFor(judge.prompt, item.prompt, item.responseB, item.responseA), options),
    ]);
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
      options.onProgress?.({ total: pending.length, done: summary.judged + summary.failed, failed: summary.failed });
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
