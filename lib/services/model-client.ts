// Calls an OpenAI-compatible server's streamed `POST {base_url}/chat/completions` and measures the
// answer: latency (request to last token), time to first token, tokens (the server's `usage`, else
// counted with gpt-tokenizer and marked so) and cost. Each endpoint has one semaphore per process,
// so its max concurrency holds across runs; 429s, 5xx, timeouts and dropped connections are retried
// with backoff that honours Retry-After (bounded); a malformed chunk fails the response with its reason.
import { countTokens } from "gpt-tokenizer";
import type { Message } from "@/lib/formats/record";

export interface ModelEndpoint {
  name: string;
  baseUrl: string;
  model: string;
  /** Sent as a bearer token; null sends none (a local server). */
  apiKey: string | null;
  maxConcurrency: number;
  timeoutS: number;
  /** USD per million tokens; null when unknown. */
  priceIn: number | null;
  priceOut: number | null;
}

export interface ChatParams {
  messages: Message[];
  temperature?: number | null;
  maxTokens?: number | null;
  seed?: number | null;
}

/** What a response is measured by, stored as candidate metadata (README "Models in the loop"). */
export interface ResponseMetrics {
  latency_ms: number;
  ttft_ms: number | null;
  prompt_tokens: number;
  completion_tokens: number;
  finish_reason: string | null;
  cost_usd: number | null;
  /** Present (true) when the server sent no usage and the tokens were counted here. */
  tokens_counted?: true;
  /** Requests made for this response (1 when no retry was needed). */
  attempts: number;
}

export type Completion = { ok: true; text: string; metrics: ResponseMetrics } | { ok: false; reason: string; attempts: number };

export interface RetryPolicy {
  /** Requests in all, the first included. */
  maxAttempts: number;
  /** Backoff without Retry-After: base × 2^(retry − 1), plus up to 25% jitter, at most maxDelayMs. */
  baseDelayMs: number;
  maxDelayMs: number;
  /** A Retry-After longer than this fails the response instead of waiting (the wait is bounded). */
  maxRetryAfterMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { maxAttempts: 5, baseDelayMs: 500, maxDelayMs: 20_000, maxRetryAfterMs: 120_000 };

/** Counts in-flight requests per endpoint; waiting callers are served in order. */
export class Semaphore {
  private active = 0;
  private readonly waiting: (() => void)[] = [];
  constructor(readonly limit: number) {}

  async acquire(signal?: AbortSignal): Promise<() => void> {
    if (this.active >= this.limit) {
      await new Promise<void>((resolve, reject) => {
        const wake = () => {
          signal?.removeEventListener("abort", onAbort);
          resolve();
        };
        const onAbort = () => {
          const i = this.waiting.indexOf(wake);
          if (i >= 0) this.waiting.splice(i, 1);
          reject(signal!.reason);
        };
        this.waiting.push(wake);
        signal?.addEventListener("abort", onAbort, { once: true });
      });
    } else this.active++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.waiting.shift();
      // The slot passes straight to the next waiter, so `active` never dips and rises again.
      if (next) next();
      else this.active--;
    };
  }
}

const gates = new Map<string, Semaphore>();

/** The process's semaphore for an endpoint (a changed limit gets a new one; requests under the old one finish). */
function gateOf(endpoint: ModelEndpoint): Semaphore {
  const key = `${endpoint.name}\u0000${endpoint.baseUrl}`;
  let gate = gates.get(key);
  if (!gate || gate.limit !== endpoint.maxConcurrency) gates.set(key, (gate = new Semaphore(endpoint.maxConcurrency)));
  return gate;
}

/** USD for the tokens at the endpoint's prices (per million); null when it has none. */
export function costOf(endpoint: Pick<ModelEndpoint, "priceIn" | "priceOut">, promptTokens: number, completionTokens: number): number | null {
  if (endpoint.priceIn == null && endpoint.priceOut == null) return null;
  return ((endpoint.priceIn ?? 0) * promptTokens + (endpoint.priceOut ?? 0) * completionTokens) / 1_000_000;
}

/** Why one attempt failed, and whether another may succeed. */
class AttemptError extends Error {
  constructor(
    message: string,
    readonly retryable: boolean,
    readonly retryAfterMs?: number,
  ) {
    super(message);
  }
}

class Cancelled extends Error {}

/**
 * One streamed completion, retried as the policy allows. Never throws for the server's behaviour:
 * a failure comes back with its reason. Aborting `signal` (a cancelled run) ends it at once with
 * reason "cancelled".
 */
export async function complete(endpoint: ModelEndpoint, params: ChatParams, options: { signal?: AbortSignal; retry?: RetryPolicy } = {}): Promise<Completion> {
  const retry = options.retry ?? DEFAULT_RETRY;
  const gate = gateOf(endpoint);
  let attempts = 0;
  try {
    for (;;) {
      attempts++;
      let failure: AttemptError;
      const release = await gate.acquire(options.signal).catch(() => {
        throw new Cancelled();
      });
      try {
        const { text, metrics } = await attempt(endpoint, params, options.signal);
        return { ok: true, text, metrics: { ...metrics, attempts } };
      } catch (error) {
        if (!(error instanceof AttemptError)) throw error;
        failure = error;
      } finally {
        // Not held while waiting to retry: the limit counts requests in flight.
        release();
      }
      if (!failure.retryable) return { ok: false, reason: failure.message, attempts };
      if (failure.retryAfterMs !== undefined && failure.retryAfterMs > retry.maxRetryAfterMs) {
        const asked = Math.ceil(failure.retryAfterMs / 1000);
        return { ok: false, reason: `${failure.message}; Retry-After asks for ${asked} s, more than the ${retry.maxRetryAfterMs / 1000} s allowed`, attempts };
      }
      if (attempts >= retry.maxAttempts) return { ok: false, reason: `${failure.message} (gave up after ${attempts} attempts)`, attempts };
      const backoff = Math.min(retry.maxDelayMs, retry.baseDelayMs * 2 ** (attempts - 1) * (1 + Math.random() * 0.25));
      await sleep(failure.retryAfterMs ?? backoff, options.signal);
    }
  } catch (error) {
    if (error instanceof Cancelled) return { ok: false, reason: "cancelled", attempts };
    throw error;
  }
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new Cancelled());
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(new Cancelled());
    };
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

/** Milliseconds a Retry-After (or OpenAI's retry-after-ms) header asks for; undefined when absent or unreadable. */
export function retryAfterMs(headers: Headers, now = Date.now()): number | undefined {
  const ms = headers.get("retry-after-ms");
  if (ms !== null && ms.trim() !== "" && Number.isFinite(Number(ms))) return Math.max(0, Number(ms));
  const value = headers.get("retry-after");
  if (value === null || value.trim() === "") return undefined;
  if (/^\d+(\.\d+)?$/.test(value.trim())) return Number(value) * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

const BODY_EXCERPT = 200;

/** Why a response's stream is cancelled once it is read (or given up on). */
const STREAM_LEFT = new Error("the response was read");

function excerpt(text: string): string {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length > BODY_EXCERPT ? flat.slice(0, BODY_EXCERPT) + "…" : flat;
}

interface Usage {
  prompt_tokens: number;
  completion_tokens: number;
}

function usageOf(value: unknown): Usage | undefined {
  if (value === null || typeof value !== "object") return undefined;
  const u = value as Record<string, unknown>;
  return Number.isSafeInteger(u.prompt_tokens) && Number.isSafeInteger(u.completion_tokens) ? { prompt_tokens: u.prompt_tokens as number, completion_tokens: u.completion_tokens as number } : undefined;
}

/** One request: its stream read to the end and measured, or an AttemptError saying why not. */
async function attempt(endpoint: ModelEndpoint, params: ChatParams, outer?: AbortSignal): Promise<{ text: string; metrics: Omit<ResponseMetrics, "attempts"> }> {
  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, endpoint.timeoutS * 1000);
  const onOuterAbort = () => controller.abort();
  outer?.addEventListener("abort", onOuterAbort, { once: true });
  const body: Record<string, unknown> = { model: endpoint.model, messages: params.messages, stream: true, stream_options: { include_usage: true } };
  if (params.temperature != null) body.temperature = params.temperature;
  if (params.maxTokens != null) body.max_tokens = params.maxTokens;
  if (params.seed != null) body.seed = params.seed;
  const headers: Record<string, string> = { "content-type": "application/json", accept: "text/event-stream" };
  if (endpoint.apiKey) headers.authorization = `Bearer ${endpoint.apiKey}`;
  const started = performance.now();
  try {
    let response: Response;
    try {
      response = await fetch(`${endpoint.baseUrl.replace(/\/+$/, "")}/chat/completions`, { method: "POST", headers, body: JSON.stringify(body), signal: controller.signal });
    } catch (error) {
      throw transportError(error, timedOut, outer, endpoint);
    }
    if (!response.ok) {
      const text = await response.text().catch(() => "");
      const retryable = response.status === 429 || response.status >= 500;
      const what = response.status === 429 ? "rate limited (HTTP 429)" : `HTTP ${response.status}`;
      throw new AttemptError(`${what}${text ? `: ${excerpt(text)}` : ""}`, retryable, retryable ? retryAfterMs(response.headers) : undefined);
    }
    if (!response.body) throw new AttemptError("the server sent no body", true);
    let text = "";
    let firstToken: number | undefined;
    let lastToken: number | undefined;
    let finishReason: string | null = null;
    let usage: Usage | undefined;
    let done = false;
    let buffer = "";
    const decoder = new TextDecoder();
    const reader = response.body.getReader();
    /** One `data:` line's JSON chunk: its text, usage and finish reason taken; false at [DONE]. */
    const take = (data: string): boolean => {
      if (data === "[DONE]") return false;
      let parsed: unknown;
      try {
        parsed = JSON.parse(data);
      } catch {
        throw new AttemptError(`malformed chunk (not JSON): ${excerpt(data)}`, false);
      }
      if (parsed === null || typeof parsed !== "object") throw new AttemptError(`malformed chunk (not an object): ${excerpt(data)}`, false);
      const obj = parsed as { choices?: unknown; usage?: unknown; error?: unknown };
      if (obj.error !== undefined) throw new AttemptError(`the server reported an error mid-stream: ${excerpt(JSON.stringify(obj.error))}`, true);
      if (!Array.isArray(obj.choices)) throw new AttemptError(`malformed chunk (no choices list): ${excerpt(data)}`, false);
      usage = usageOf(obj.usage) ?? usage;
      for (const choice of obj.choices as { delta?: { content?: unknown }; finish_reason?: unknown }[]) {
        const content = choice?.delta?.content;
        if (content != null && typeof content !== "string") throw new AttemptError(`malformed chunk (delta.content is not text): ${excerpt(data)}`, false);
        if (content) {
          const now = performance.now();
          firstToken ??= now;
          lastToken = now;
          text += content;
        }
        if (typeof choice?.finish_reason === "string") finishReason = choice.finish_reason;
      }
      return true;
    };
    try {
      while (!done) {
        let chunk: ReadableStreamReadResult<Uint8Array>;
        try {
          chunk = await reader.read();
        } catch (error) {
          throw transportError(error, timedOut, outer, endpoint);
        }
        if (chunk.done) break;
        buffer += decoder.decode(chunk.value, { stream: true });
        // Server-sent events, read line by line (a line ends at \n, a \r before it dropped): a
        // `data:` line holds one JSON chunk or [DONE]; other lines (comments, event names, the blank
        // line ending an event) say nothing here. The partial last line waits for the next read.
        let start = 0;
        let end: number;
        while (!done && (end = buffer.indexOf("\n", start)) >= 0) {
          const line = buffer.charCodeAt(end - 1) === 13 ? buffer.slice(start, end - 1) : buffer.slice(start, end);
          start = end + 1;
          if (line.startsWith("data:") && !take(line.slice(5).trim())) done = true;
        }
        buffer = start === 0 ? buffer : buffer.slice(start);
      }
    } finally {
      // Ends the request if the stream was left unread (a failure); after [DONE] there is nothing
      // left to end. The reason is given so no AbortError is built (and its stack taken) per response.
      reader.cancel(STREAM_LEFT).catch(() => {});
    }
    if (!done && finishReason === null) throw new AttemptError("the stream ended before the response was complete", true);
    const end = lastToken ?? performance.now();
    const counted = usage === undefined;
    const promptTokens = usage?.prompt_tokens ?? params.messages.reduce((n, m) => n + countTokens(m.content), 0);
    const completionTokens = usage?.completion_tokens ?? countTokens(text);
    const metrics: Omit<ResponseMetrics, "attempts"> = {
      latency_ms: Math.round(end - started),
      ttft_ms: firstToken === undefined ? null : Math.round(firstToken - started),
      prompt_tokens: promptTokens,
      completion_tokens: completionTokens,
      finish_reason: finishReason,
      cost_usd: costOf(endpoint, promptTokens, completionTokens),
    };
    if (counted) metrics.tokens_counted = true;
    return { text, metrics };
  } finally {
    clearTimeout(timer);
    outer?.removeEventListener("abort", onOuterAbort);
  }
}

function transportError(error: unknown, timedOut: boolean, outer: AbortSignal | undefined, endpoint: ModelEndpoint): Error {
  if (outer?.aborted) return new Cancelled();
  if (timedOut) return new AttemptError(`timed out after ${endpoint.timeoutS} s`, true);
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  return new AttemptError(`could not reach ${endpoint.baseUrl}: ${cause?.code ?? cause?.message ?? (error as Error).message}`, true);
}
