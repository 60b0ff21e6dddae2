// Models in the loop on both engines, against the project's own model server (test/helpers/model-server.ts):
// endpoints and contenders (admin-only, audited, versioned), generation within each endpoint's
// concurrency limit, every injected failure retried or reported, measured figures matching the
// server's, items by each pairing rule, and API keys kept out of everything readable.
import { Readable } from "node:stream";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { countTokens } from "gpt-tokenizer";
import { dynamicQuery, json, str } from "@/db/engine";
import { TABLES } from "@/db/tables";
import { addContender, contenderVersions, editContender, listContenders } from "@/lib/services/contenders";
import { addEndpoint, listEndpoints, testEndpoint } from "@/lib/services/endpoints";
import { cancelGeneration, generationFailures, getGeneration, listGenerations, messagesFor, readPromptFile, runGeneration, startGeneration, type GenerationSummary } from "@/lib/services/generation";
import type { RetryPolicy } from "@/lib/services/model-client";
import { listAudit } from "@/lib/services/audit";
import { claimNext } from "@/lib/services/assignment";
import { openExport } from "@/lib/services/exporter";
import { importItems } from "@/lib/services/importer";
import { submitJudgment } from "@/lib/services/judgments";
import { ENGINES, errorCodeAsync, makeProject, makeUser, tempDbOn, type TempDb } from "../helpers/db";
import { answerFor, startModelServer, type ModelServer } from "../helpers/model-server";

const FAST_RETRY: RetryPolicy = { maxAttempts: 3, baseDelayMs: 10, maxDelayMs: 50, maxRetryAfterMs: 5_000 };

interface StoredCandidate {
  itemExternalId: string;
  position: number;
  content: string;
  model: string;
  metadata: Record<string, unknown>;
}

async function candidates(t: TempDb): Promise<StoredCandidate[]> {
  return t.db.many(
    dynamicQuery(
      "select i.external_id, c.position, c.content, c.model, c.metadata from candidates c join items i on i.id = c.item_id order by i.external_id, c.position",
      (r) => ({ itemExternalId: str(r.external_id), position: Number(r.position), content: str(r.content), model: str(r.model), metadata: json<Record<string, unknown>>(r.metadata) }),
    ),
  );
}

const prompts = (n: number, prefix = "prompt") => Array.from({ length: n }, (_, i) => ({ id: `${prefix}-${i + 1}`, prompt: `${prefix} number ${i + 1} asks something` }));

describe.each(ENGINES)("models in the loop on %s", (kind) => {
  let t: TempDb;
  let server: ModelServer;
  beforeAll(async () => {
    server = await startModelServer({ chunkDelayMs: 2 });
  });
  afterAll(() => server.close());
  beforeEach(async () => {
    t = await tempDbOn(kind);
    server.reset();
  });
  afterEach(() => t.close());

  async function setup(options: { maxConcurrency?: number; timeoutS?: number; names?: string[]; priceIn?: number; priceOut?: number } = {}) {
    await addEndpoint({
      ctx: t.system,
      input: { name: "local", base_url: server.baseUrl, model: "test-model", max_concurrency: options.maxConcurrency ?? 4, timeout_s: options.timeoutS ?? 10, price_in: options.priceIn, price_out: options.priceOut },
    });
    for (const name of options.names ?? ["alpha", "beta"]) await addContender({ ctx: t.system, input: { name, endpoint: "local", system: `persona ${name}` } });
    return makeProject(t);
  }

  it("lets only admins manage endpoints and contenders, audits each change, and versions an edit", async () => {
    const annotator = await makeUser(t, "annotator");
    const manager = await makeUser(t, "manager");
    const admin = await makeUser(t, "admin");
    for (const who of [annotator, manager]) {
      expect(await errorCodeAsync(() => addEndpoint({ ctx: who.ctx, input: { name: "x", base_url: server.baseUrl, model: "m" } }))).toBe("forbidden");
      expect(await errorCodeAsync(() => listEndpoints({ ctx: who.ctx }))).toBe("forbidden");
      expect(await errorCodeAsync(() => listContenders({ ctx: who.ctx }))).toBe("forbidden");
      expect(await errorCodeAsync(() => startGeneration({ ctx: who.ctx, input: { slug: "x", prompts: ["hi"], contenders: ["a", "b"] } }))).toBe("forbidden");
    }
    await addEndpoint({ ctx: admin.ctx, input: { name: "local", base_url: server.baseUrl + "/", model: "m", max_concurrency: 2 } });
    expect(await errorCodeAsync(() => addEndpoint({ ctx: admin.ctx, input: { name: "local", base_url: server.baseUrl, model: "m" } }))).toBe("conflict");
    expect(await errorCodeAsync(() => addEndpoint({ ctx: admin.ctx, input: { name: "bad", base_url: "ftp://x", model: "m" } }))).toBe("bad_request");
    expect(await errorCodeAsync(() => addContender({ ctx: admin.ctx, input: { name: "c", endpoint: "nowhere" } }))).toBe("not_found");
    expect(await errorCodeAsync(() => addContender({ ctx: admin.ctx, input: { name: "c", endpoint: "local", template: "no placeholder" } }))).toBe("bad_request");
    const v1 = await addContender({ ctx: admin.ctx, input: { name: "c", endpoint: "local", system: "Be brief.", template: "Q: {prompt}", temperature: 0.2 } });
    expect(v1).toMatchObject({ name: "c", version: 1, endpoint: "local", system: "Be brief.", template: "Q: {prompt}", temperature: 0.2, max_tokens: null });
    const v2 = await editContender({ ctx: admin.ctx, input: { name: "c", system: "Be thorough.", max_tokens: 100 } });
    expect(v2).toMatchObject({ name: "c", version: 2, system: "Be thorough.", template: "Q: {prompt}", temperature: 0.2, max_tokens: 100 });
    expect(await listContenders({ ctx: admin.ctx })).toEqual([v2]);
    // The admin page's history: every version, newest first, each with its own settings.
    const history = (await contenderVersions({ ctx: admin.ctx })).get("c")!;
    expect(history.map((v) => [v.version, v.system, v.max_tokens])).toEqual([
      [2, "Be thorough.", 100],
      [1, "Be brief.", null],
    ]);
    expect(await errorCodeAsync(() => contenderVersions({ ctx: manager.ctx }))).toBe("forbidden");
    expect((await listEndpoints({ ctx: admin.ctx }))[0]).toMatchObject({ name: "local", base_url: server.baseUrl, api_key: "none", max_concurrency: 2 });
    const actions = (await listAudit({ ctx: admin.ctx, input: {} })).entries.map((e) => e.action);
    expect(actions).toEqual(["contender.edit", "contender.create", "endpoint.create"]);
    // The template and the system prompt shape the request.
    expect(messagesFor({ systemPrompt: "S", template: "Q: {prompt} / {prompt}" }, [{ role: "system", content: "own" }, { role: "user", content: "hi" }])).toEqual([
      { role: "system", content: "S" },
      { role: "system", content: "own" },
      { role: "user", content: "Q: hi / hi" },
    ]);
    const ping = await testEndpoint({ ctx: admin.ctx, input: { name: "local" } });
    expect(ping.ok).toBe(true);
    expect(ping.reply).toBe(answerFor(null, "Reply with one short sentence: are you there?"));
  });

  it("never has more requests in flight than the endpoint allows, and stores figures that match the server's", async () => {
    const project = await setup({ maxConcurrency: 3, priceIn: 2, priceOut: 10 });
    const { run } = await startGeneration({ ctx: t.system, input: { slug: project.slug, prompts: prompts(15), contenders: "alpha,beta" } });
    const seen: number[] = [];
    const summary = await runGeneration({ ctx: t.system, input: { id: run.id, retry: FAST_RETRY, onProgress: (p) => seen.push(p.done) } });
    expect(summary).toMatchObject({ prompts: 15, responses: 30, failed: [], items: 15, status: "done" });
    expect(seen.at(-1)).toBe(30);
    expect(server.totalRequests()).toBe(30);
    expect(server.maxInFlight()).toBeLessThanOrEqual(3);
    expect(server.maxInFlight()).toBeGreaterThan(1);

    const stored = await candidates(t);
    expect(stored).toHaveLength(30);
    for (const c of stored) {
      const served = server.served.find((s) => s.text === c.content)!;
      expect(served, c.content).toBeDefined();
      expect(c.model).toBe(c.metadata.contender);
      expect(c.content).toBe(answerFor(`persona ${c.model}`, served.prompt));
      expect(c.metadata).toMatchObject({ contender_version: 1, prompt_tokens: served.usage.prompt_tokens, completion_tokens: served.usage.completion_tokens, finish_reason: "stop" });
      expect(c.metadata.tokens_counted).toBeUndefined();
      expect(c.metadata.cost_usd).toBeCloseTo((2 * served.usage.prompt_tokens + 10 * served.usage.completion_tokens) / 1e6, 12);
      // The client's clock starts before the server's and stops after it: its figures are never smaller.
      expect(c.metadata.ttft_ms as number).toBeGreaterThanOrEqual(Math.floor(served.firstChunkMs));
      expect(c.metadata.latency_ms as number).toBeGreaterThanOrEqual(Math.floor(served.lastChunkMs));
      expect(c.metadata.latency_ms as number).toBeGreaterThanOrEqual(c.metadata.ttft_ms as number);
    }
    // Blind and randomised: each item has one candidate per contender, and both orders occur.
    const firsts = stored.filter((c) => c.position === 0).map((c) => c.model);
    expect(new Set(firsts)).toEqual(new Set(["alpha", "beta"]));
    const view = await getGeneration({ ctx: t.system, input: { id: run.id } });
    expect(view).toMatchObject({ status: "done", total: 30, responses: 30, failed: 0, items: 15, contenders: [{ name: "alpha", version: 1 }, { name: "beta", version: 1 }] });
    expect(await listGenerations({ ctx: t.system, input: { slug: project.slug } })).toEqual([view]);
  });

  it("counts tokens with a tokenizer when the server sends no usage, and marks them counted", async () => {
    const quiet = await startModelServer({ usage: false });
    try {
      await addEndpoint({ ctx: t.system, input: { name: "quiet", base_url: quiet.baseUrl, model: "m" } });
      for (const name of ["alpha", "beta"]) await addContender({ ctx: t.system, input: { name, endpoint: "quiet", system: `persona ${name}` } });
      const project = await makeProject(t);
      const { run } = await startGeneration({ ctx: t.system, input: { slug: project.slug, prompts: prompts(2), contenders: ["alpha", "beta"] } });
      await runGeneration({ ctx: t.system, input: { id: run.id, retry: FAST_RETRY } });
      for (const c of await candidates(t)) {
        expect(c.metadata.tokens_counted).toBe(true);
        expect(c.metadata.completion_tokens).toBe(countTokens(c.content));
        const prompt = quiet.served.find((s) => s.text === c.content)!.prompt;
        expect(c.metadata.prompt_tokens).toBe(countTokens(`persona ${c.model}`) + countTokens(prompt));
        expect(c.metadata.cost_usd).toBeNull();
      }
    } finally {
      await quiet.close();
    }
  });

  it("reads events whose lines end in CRLF, with comments and event names between them", async () => {
    const verbose = await startModelServer({ events: "verbose" });
    try {
      await addEndpoint({ ctx: t.system, input: { name: "verbose", base_url: verbose.baseUrl, model: "m" } });
      for (const name of ["alpha", "beta"]) await addContender({ ctx: t.system, input: { name, endpoint: "verbose", system: `persona ${name}` } });
      const project = await makeProject(t);
      const { run } = await startGeneration({ ctx: t.system, input: { slug: project.slug, prompts: prompts(3), contenders: ["alpha", "beta"] } });
      expect(await runGeneration({ ctx: t.system, input: { id: run.id, retry: FAST_RETRY } })).toMatchObject({ responses: 6, failed: [], items: 3 });
      const stored = await candidates(t);
      expect(stored).toHaveLength(6);
      for (const c of stored) {
        const served = verbose.served.find((s) => s.text === c.content)!;
        expect(served, c.content).toBeDefined();
        expect(c.metadata).toMatchObject({ prompt_tokens: served.usage.prompt_tokens, completion_tokens: served.usage.completion_tokens, finish_reason: "stop" });
      }
    } finally {
      await verbose.close();
    }
  });

  it("retries a 429 (after its Retry-After), a 500 and a stall past the timeout, and reports a malformed chunk and what never recovers", async () => {
    const project = await setup({ timeoutS: 1 });
    const list = prompts(7);
    const p = (i: number) => list[i].prompt;
    server.inject({ kind: "429", retryAfterS: 1 }, 1, p(0));
    server.inject({ kind: "500" }, 1, p(1));
    server.inject({ kind: "stall" }, 1, p(2));
    server.inject({ kind: "malformed" }, 1, p(3));
    server.inject({ kind: "500" }, 10, p(4));
    server.inject({ kind: "429", retryAfterS: 600 }, 1, p(5));
    const { run } = await startGeneration({ ctx: t.system, input: { slug: project.slug, prompts: list, contenders: ["alpha", "beta"] } });
    const started = Date.now();
    const summary = await runGeneration({ ctx: t.system, input: { id: run.id, retry: FAST_RETRY } });
    // Two contenders ask each prompt: one of the two requests met the fault.
    expect(server.requests.get(p(0))).toBe(3);
    expect(server.requests.get(p(1))).toBe(3);
    expect(server.requests.get(p(2))).toBe(3);
    expect(server.requests.get(p(3))).toBe(2);
    expect(server.requests.get(p(4))).toBe(2 * FAST_RETRY.maxAttempts);
    expect(server.requests.get(p(5))).toBe(2);
    expect(server.requests.get(p(6))).toBe(2);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
    const reasons = summary.failed.map((f) => `${f.prompt}: ${f.error}`).sort();
    expect(reasons).toHaveLength(4);
    expect(reasons[0]).toMatch(/^prompt-4: malformed chunk \(not JSON\)/);
    expect(reasons[1]).toMatch(/^prompt-5: HTTP 500: .*internal error \(injected\).*gave up after 3 attempts/);
    expect(reasons[2]).toMatch(/^prompt-5: HTTP 500: .*gave up after 3 attempts/);
    expect(reasons[3]).toMatch(/^prompt-6: rate limited \(HTTP 429\).*Retry-After asks for 600 s, more than the 5 s allowed/);
    expect(summary.responses).toBe(10);
    // The admin page lists the same failures from the stored run, first prompts first.
    const listed = await generationFailures({ ctx: t.system, input: { id: run.id } });
    expect(listed.map((f) => `${f.prompt}: ${f.error}`).sort()).toEqual([...reasons]);
    expect(listed.map((f) => f.prompt)).toEqual(["prompt-4", "prompt-5", "prompt-5", "prompt-6"]);
    // Failures never become items: prompts 4, 5 and 6 lack a response, so they have no item.
    expect(summary.items).toBe(4);
    const items = new Set((await candidates(t)).map((c) => c.itemExternalId.split(":")[1]));
    expect([...items].sort()).toEqual(["prompt-1", "prompt-2", "prompt-3", "prompt-7"]);
    // A finished run is not resumed: the same command starts a new run.
    const again = await startGeneration({ ctx: t.system, input: { slug: project.slug, prompts: list, contenders: ["alpha", "beta"] } });
    expect(again.resumed).toBe(false);
  });

  it("pairs adaptively: most new items go to the pair the project's judgments have not yet told apart", async () => {
    const project = await setup({ names: ["alpha", "beta", "gamma"] });
    // Judged items from earlier: alpha beat beta and gamma 30 times each; beta and gamma split two.
    const meta = (contender: string) => ({ contender, contender_version: 1 });
    const judged = [
      ...Array.from({ length: 30 }, (_, i) => ["alpha", "beta", "A", `ab${i}`]),
      ...Array.from({ length: 30 }, (_, i) => ["alpha", "gamma", "A", `ag${i}`]),
      ["beta", "gamma", "A", "bg1"],
      ["beta", "gamma", "B", "bg2"],
    ];
    const text = judged
      .map(([a, b, choice, id]) => JSON.stringify({ id, prompt: `earlier ${id}`, responses: [a, b].map((c) => ({ content: `${c} says ${id}`, model: c, metadata: meta(c) })), annotations: [{ annotator: "ada", choice }] }) + "\n")
      .join("");
    expect(await importItems({ ctx: t.system, input: { slug: project.slug, source: () => Readable.from([text]) } })).toMatchObject({ inserted: 62, annotations: 62 });

    const { run } = await startGeneration({ ctx: t.system, input: { slug: project.slug, prompts: prompts(20, "adaptive"), contenders: ["alpha", "beta", "gamma"], pairs: "adaptive" } });
    expect(run.pairs).toBe("adaptive:1");
    expect((await runGeneration({ ctx: t.system, input: { id: run.id, retry: FAST_RETRY } })).items).toBe(20);
    const generated = (await candidates(t)).filter((c) => c.itemExternalId.startsWith("gen-"));
    const pairs = new Map<string, number>();
    for (const id of new Set(generated.map((c) => c.itemExternalId))) {
      const pair = id.split(":").pop()!;
      pairs.set(pair, (pairs.get(pair) ?? 0) + 1);
    }
    // pairWeights gives beta–gamma about 0.95 of the draws here; one pair per prompt.
    expect(pairs.get("beta~gamma") ?? 0).toBeGreaterThanOrEqual(15);
    expect([...pairs.values()].reduce((a, b) => a + b, 0)).toBe(20);
  });

  it("makes items by each pairing rule", async () => {
    const project = await setup({ names: ["alpha", "beta", "gamma"] });
    const counts: Record<string, number> = {};
    for (const pairs of ["all", "baseline:beta", "random:1"]) {
      const other = await makeProject(t);
      const { run } = await startGeneration({ ctx: t.system, input: { slug: other.slug, prompts: prompts(4, pairs.replace(/\W/g, "")), contenders: ["alpha", "beta", "gamma"], pairs } });
      counts[pairs] = (await runGeneration({ ctx: t.system, input: { id: run.id, retry: FAST_RETRY } })).items;
    }
    expect(counts).toEqual({ all: 12, "baseline:beta": 8, "random:1": 4 });
    const baseline = (await candidates(t)).filter((c) => c.itemExternalId.includes("baselinebeta"));
    expect(baseline).toHaveLength(16);
    for (const c of baseline) expect(baseline.filter((o) => o.itemExternalId === c.itemExternalId).map((o) => o.model)).toContain("beta");
    expect(await errorCodeAsync(() => startGeneration({ ctx: t.system, input: { slug: project.slug, prompts: ["x"], contenders: ["alpha", "beta"], pairs: "baseline:gamma" } }))).toBe("bad_request");
    expect(await errorCodeAsync(() => startGeneration({ ctx: t.system, input: { slug: project.slug, prompts: ["x"], contenders: ["alpha", "beta"], pairs: "random:0" } }))).toBe("bad_request");
    expect(await errorCodeAsync(() => startGeneration({ ctx: t.system, input: { slug: project.slug, prompts: ["x"], contenders: ["alpha"] } }))).toBe("bad_request");
    expect(await errorCodeAsync(() => startGeneration({ ctx: t.system, input: { slug: project.slug, prompts: [{ prompt: [] }], contenders: ["alpha", "beta"] } }))).toBe("bad_request");
  });

  it("cancels a run: calling stops and no items are made", async () => {
    const slow = await startModelServer({ chunkDelayMs: 50 });
    try {
      await addEndpoint({ ctx: t.system, input: { name: "slow", base_url: slow.baseUrl, model: "m", max_concurrency: 1 } });
      for (const name of ["alpha", "beta"]) await addContender({ ctx: t.system, input: { name, endpoint: "slow", system: `persona ${name}` } });
      const project = await makeProject(t);
      const { run } = await startGeneration({ ctx: t.system, input: { slug: project.slug, prompts: prompts(20), contenders: ["alpha", "beta"] } });
      let cancelled = false;
      const summary: GenerationSummary = await runGeneration({
        ctx: t.system,
        input: {
          id: run.id,
          onProgress: (p) => {
            if (p.done >= 2 && !cancelled) {
              cancelled = true;
              void cancelGeneration({ ctx: t.system, input: { id: run.id } });
            }
          },
        },
      });
      expect(summary.status).toBe("cancelled");
      expect(summary.items).toBe(0);
      expect(slow.totalRequests()).toBeLessThan(40);
      expect((await getGeneration({ ctx: t.system, input: { id: run.id } })).status).toBe("cancelled");
      expect(await errorCodeAsync(() => cancelGeneration({ ctx: t.system, input: { id: run.id } }))).toBe("conflict");
    } finally {
      await slow.close();
    }
  });

  it("keeps an API key entered directly out of every plain column, log line, listing, audit row and export, and still sends it", async () => {
    const key = "sk-test-7f3a9c2e1b4d-SECRET";
    const logs: string[] = [];
    const spies = (["log", "info", "warn", "error", "debug"] as const).map((level) => vi.spyOn(console, level).mockImplementation((...args: unknown[]) => void logs.push(args.map(String).join(" "))));
    try {
      await addEndpoint({ ctx: t.system, input: { name: "keyed", base_url: server.baseUrl, model: "m", api_key: key } });
      for (const name of ["alpha", "beta"]) await addContender({ ctx: t.system, input: { name, endpoint: "keyed", system: `persona ${name}` } });
      const project = await makeProject(t);
      const { run } = await startGeneration({ ctx: t.system, input: { slug: project.slug, prompts: prompts(2), contenders: ["alpha", "beta"] } });
      const summary = await runGeneration({ ctx: t.system, input: { id: run.id, retry: FAST_RETRY } });
      expect(summary.items).toBe(2);
      expect(server.served.every((s) => s.authorization === `Bearer ${key}`)).toBe(true);
      const listed = await listEndpoints({ ctx: t.system });
      expect(listed[0].api_key).toBe("stored");
      // A generated item judged and exported, in the raw and the DPO format.
      const annotator = await makeUser(t, "annotator");
      const claimed = (await claimNext({ ctx: annotator.ctx, input: { slug: project.slug } }))!;
      await submitJudgment({ ctx: annotator.ctx, input: { assignment_id: claimed.assignment.id, choice: "A", duration_ms: 1000 } });
      const exported: string[] = [];
      for (const format of ["raw", "trl-dpo"] as const) {
        const exp = await openExport({ ctx: t.system, input: { slug: project.slug, format } });
        if (!("lines" in exp)) throw new Error("a JSONL export streams lines");
        for await (const line of exp.lines) exported.push(line);
      }
      expect(exported.join("\n")).toMatch(/"models":\["(alpha|beta)","(alpha|beta)"\]/);
      const readable = [exported.join("\n"), JSON.stringify(listed), JSON.stringify(await listAudit({ ctx: t.system, input: {} })), JSON.stringify(summary), JSON.stringify(await listGenerations({ ctx: t.system, input: { slug: project.slug } })), logs.join("\n")];
      for (const table of TABLES) {
        const rows = await t.db.many(dynamicQuery(`select * from ${table.name}`));
        readable.push(JSON.stringify(rows, (_k, v: unknown) => (typeof v === "bigint" ? String(v) : v)));
      }
      for (const text of readable) {
        expect(text).not.toContain(key);
        expect(text).not.toContain("7f3a9c2e1b4d");
      }
      // The sealed form is there, and only there.
      const sealed = await t.db.first(dynamicQuery("select api_key_sealed from endpoints", (r) => str(r.api_key_sealed)));
      expect(sealed).toMatch(/^v1\./);
    } finally {
      for (const s of spies) s.mockRestore();
    }
  });

  it("reads prompts files in the import format's prompt shapes, naming the bad lines", async () => {
    const good = ['{"id": "a", "prompt": "hello"}', '{"prompt": [{"role": "system", "content": "s"}, {"role": "user", "content": "hi"}], "topic": "x"}'].join("\n");
    expect(await readPromptFile(Readable.from([good]))).toEqual([
      { id: "a", prompt: "hello" },
      { prompt: [{ role: "system", content: "s" }, { role: "user", content: "hi" }], metadata: { topic: "x" } },
    ]);
    expect(await readPromptFile(Readable.from(['[{"prompt": "one"}, {"prompt": "two"}]']))).toEqual([{ prompt: "one" }, { prompt: "two" }]);
    await expect(readPromptFile(Readable.from(['{"prompt": "ok"}\n{"prompt": ""}\nnot json\n']))).rejects.toThrow(/2 invalid prompt row\(s\): line 2: prompt: must not be empty; line 3: invalid JSON/);
  });
});
