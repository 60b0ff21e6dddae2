// Endpoints: the OpenAI-compatible servers contenders call. Admin-only. An API key comes from an
// environment variable named on the endpoint, or is entered directly and stored sealed with the
// server's auth secret (lib/auth/secret-box.ts); no verb returns, logs or audits the key.
import { z } from "zod";
import { at } from "@/db/engine";
import { ENDPOINT_BY_NAME, ENDPOINT_INSERT, ENDPOINT_SECRET, ENDPOINTS_LIST, type EndpointRow } from "@/db/queries/models";
import { resolveAuthSecret } from "@/lib/auth/secret";
import { open, seal, SecretBoxError } from "@/lib/auth/secret-box";
import { audit } from "./audit";
import { nowOf, requireScope, type Ctx, type Untrusted } from "./context";
import { AppError, fieldError, notFound, parseInput } from "./errors";
import { complete, type ModelEndpoint } from "./model-client";

/** What the sealed key is bound to: a sealed value of another kind never opens as an API key. */
const KEY_PURPOSE = "endpoint api key";

export const ENDPOINT_DEFAULTS = { maxConcurrency: 4, timeoutS: 120 } as const;

export const endpointName = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/, "must be 1-63 letters, digits, dots, dashes or underscores, starting with a letter or digit");

const price = z.coerce.number({ message: "must be a number (USD per million tokens)" }).min(0, "must not be negative").max(100_000).nullable().optional();

export const endpointInput = z
  .object({
    name: endpointName,
    base_url: z
      .string()
      .trim()
      .url("must be a URL such as http://127.0.0.1:8000/v1")
      .refine((u) => /^https?:\/\//.test(u), "must be an http:// or https:// URL"),
    model: z.string().trim().min(1, "must not be empty").max(200),
    api_key_env: z
      .string()
      .trim()
      .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, "must be an environment variable name such as OPENAI_API_KEY")
      .nullable()
      .optional(),
    /** A key entered directly (the admin form, the API): stored sealed, never shown back. */
    api_key: z.string().min(1, "must not be empty").max(1000).nullable().optional(),
    max_concurrency: z.coerce.number({ message: "must be a whole number" }).int("must be a whole number").min(1, "must be at least 1").max(1024).default(ENDPOINT_DEFAULTS.maxConcurrency),
    timeout_s: z.coerce.number({ message: "must be a whole number of seconds" }).int("must be a whole number of seconds").min(1, "must be at least 1").max(3600).default(ENDPOINT_DEFAULTS.timeoutS),
    price_in: price,
    price_out: price,
  })
  .refine((e) => !(e.api_key && e.api_key_env), { path: ["api_key"], message: "give the key or the environment variable that holds it, not both" });
export type EndpointInput = z.input<typeof endpointInput>;

/** An endpoint as every surface shows it: where the key comes from, never the key. */
export interface EndpointView {
  name: string;
  base_url: string;
  model: string;
  /** `env:VAR`, `stored` (entered directly, sealed) or `none`. */
  api_key: string;
  max_concurrency: number;
  timeout_s: number;
  price_in: number | null;
  price_out: number | null;
}

export function endpointView(e: EndpointRow): EndpointView {
  return {
    name: e.name,
    base_url: e.baseUrl,
    model: e.model,
    api_key: e.apiKeyEnv ? `env:${e.apiKeyEnv}` : e.hasStoredKey ? "stored" : "none",
    max_concurrency: e.maxConcurrency,
    timeout_s: e.timeoutS,
    price_in: e.priceIn,
    price_out: e.priceOut,
  };
}

export async function addEndpoint({ ctx, input }: { ctx: Ctx; input: Untrusted<EndpointInput> }): Promise<EndpointView> {
  requireScope(ctx, "model:manage");
  const data = parseInput(endpointInput, input);
  // Sealed before the transaction: reading the secret may store one (a fresh development database).
  const sealed = data.api_key ? seal(data.api_key, await resolveAuthSecret(ctx.db), KEY_PURPOSE) : null;
  return ctx.db.write(async (tx) => {
    const row = await tx.first(ENDPOINT_INSERT, [
      data.name,
      data.base_url.replace(/\/+$/, ""),
      data.model,
      data.api_key_env ?? null,
      sealed,
      data.max_concurrency,
      data.timeout_s,
      data.price_in ?? null,
      data.price_out ?? null,
      at(nowOf(ctx)),
    ]);
    if (!row) throw fieldError("name", `an endpoint named "${data.name}" already exists`, "conflict");
    const view = endpointView(row);
    await audit(tx, ctx, { action: "endpoint.create", targetType: "endpoint", targetId: row.id, detail: { ...view } });
    return view;
  });
}

export async function listEndpoints({ ctx }: { ctx: Ctx }): Promise<EndpointView[]> {
  requireScope(ctx, "model:manage");
  return (await ctx.db.many(ENDPOINTS_LIST)).map(endpointView);
}

/** The endpoint row by name (services only: it carries the id). */
export async function endpointByName(ctx: Ctx, name: string): Promise<EndpointRow> {
  const row = await ctx.db.first(ENDPOINT_BY_NAME, [name]);
  if (!row) throw notFound(`Endpoint "${name}"`);
  return row;
}

/**
 * What the model client needs to call the endpoint, the key included: read from its environment
 * variable, or opened from its sealed form. Only ever passed to the model client.
 */
export async function modelEndpoint(ctx: Ctx, row: EndpointRow): Promise<ModelEndpoint> {
  let apiKey: string | null = null;
  if (row.apiKeyEnv) {
    apiKey = process.env[row.apiKeyEnv] || null;
    if (!apiKey) throw new AppError("bad_request", `Endpoint "${row.name}": the environment variable ${row.apiKeyEnv} that holds its API key is not set.`);
  } else if (row.hasStoredKey) {
    const sealed = await ctx.db.first(ENDPOINT_SECRET, [row.id]);
    try {
      apiKey = open(sealed!, await resolveAuthSecret(ctx.db), KEY_PURPOSE);
    } catch (error) {
      if (!(error instanceof SecretBoxError)) throw error;
      throw new AppError("conflict", `Endpoint "${row.name}": its stored API key cannot be opened (${error.message}); enter the key again.`);
    }
  }
  return { name: row.name, baseUrl: row.baseUrl, model: row.model, apiKey, maxConcurrency: row.maxConcurrency, timeoutS: row.timeoutS, priceIn: row.priceIn, priceOut: row.priceOut };
}

export interface EndpointTest {
  ok: boolean;
  latency_ms: number | null;
  ttft_ms: number | null;
  /** The model's reply, or why there is none. */
  reply: string | null;
  error: string | null;
}

/** One short request to the endpoint: its latency and the model's reply. */
export async function testEndpoint({ ctx, input }: { ctx: Ctx; input: Untrusted<{ name: string }> }): Promise<EndpointTest> {
  requireScope(ctx, "model:manage");
  const { name } = parseInput(z.object({ name: endpointName }), input);
  const endpoint = await modelEndpoint(ctx, await endpointByName(ctx, name));
  const result = await complete(endpoint, { messages: [{ role: "user", content: "Reply with one short sentence: are you there?" }], maxTokens: 32 }, { retry: { maxAttempts: 1, baseDelayMs: 0, maxDelayMs: 0, maxRetryAfterMs: 0 } });
  return result.ok
    ? { ok: true, latency_ms: result.metrics.latency_ms, ttft_ms: result.metrics.ttft_ms, reply: result.text, error: null }
    : { ok: false, latency_ms: null, ttft_ms: null, reply: null, error: result.reason };
}
