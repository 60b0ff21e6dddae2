// The project's own OpenAI-compatible model server for tests and benchmarks, on 127.0.0.1 (no other
// network): `POST /v1/chat/completions` streamed as server-sent events, with `usage` in the last
// chunk when the request asks for it (`stream_options.include_usage`). The answer follows from the
// system prompt and the last user turn, so contenders with different system prompts differ and the
// same request always gets the same answer (a test may answer some requests itself: `answer`). Failures are injected per prompt (429 with Retry-After,
// 500, a stall past any timeout, a malformed chunk); the server records how many requests were in
// flight at once, how many each prompt got, and what each one measured on its side.
import http from "node:http";
import type { AddressInfo, Socket } from "node:net";

export type Fault = { kind: "429"; retryAfterS?: number } | { kind: "500" } | { kind: "stall" } | { kind: "malformed" };

export interface ServedRequest {
  prompt: string;
  system: string | null;
  authorization: string | null;
  /** What the server sent as usage (also when the request did not ask for it and none was sent). */
  usage: { prompt_tokens: number; completion_tokens: number };
  /** Milliseconds from the request's arrival to its first and last content chunk, as the server saw them. */
  firstChunkMs: number;
  lastChunkMs: number;
  text: string;
}

export interface ModelServerOptions {
  /** Milliseconds between streamed chunks (default 0: as fast as it can). */
  chunkDelayMs?: number;
  /** Milliseconds before the first chunk (default 0). */
  firstChunkDelayMs?: number;
  /** False: never send usage, even when asked (a server that does not report it). */
  usage?: boolean;
  /** "verbose": each event as some servers write it (sse-starlette): lines ending in \r\n, a comment and an `event:` line before the data. */
  events?: "plain" | "verbose";
  /** Answers of its own for some requests (an AI judge's verdicts); undefined falls back to answerFor. */
  answer?: (request: { system: string | null; prompt: string }) => string | undefined;
}

export interface ModelServer {
  /** `http://127.0.0.1:PORT/v1`, an endpoint's base URL. */
  baseUrl: string;
  /** Requests received per prompt (the last user turn), failed ones included. */
  requests: Map<string, number>;
  /** Every request answered in full. */
  served: ServedRequest[];
  /** The most requests in flight at once so far. */
  maxInFlight(): number;
  totalRequests(): number;
  /** The next `times` requests for `prompt` (any prompt when omitted) get `fault`. */
  inject(fault: Fault, times?: number, prompt?: string): void;
  /** Forgets the counts and the faults. */
  reset(): void;
  close(): Promise<void>;
}

/** The deterministic answer: which "persona" (the system prompt's first line) answers, then the prompt's words reversed. */
export function answerFor(system: string | null, prompt: string): string {
  const persona = system ? system.split("\n")[0].slice(0, 40) : "plain";
  return `[${persona}] ${prompt.split(/\s+/).filter(Boolean).reverse().join(" ")}`;
}

/** The server's own token count: words (whitespace-separated pieces). */
function words(text: string): number {
  return text.split(/\s+/).filter(Boolean).length;
}

export async function startModelServer(options: ModelServerOptions = {}): Promise<ModelServer> {
  const requests = new Map<string, number>();
  const served: ServedRequest[] = [];
  let faults: { fault: Fault; times: number; prompt?: string }[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  let total = 0;
  const sockets = new Set<Socket>();
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

  const server = http.createServer((req, res) => {
    void handle(req, res);
  });
  server.on("connection", (s) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    if (req.method !== "POST" || req.url !== "/v1/chat/completions") {
      res.writeHead(404, { "content-type": "application/json" }).end(JSON.stringify({ error: { message: "not found" } }));
      return;
    }
    const arrived = performance.now();
    inFlight++;
    total++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    let released = false;
    const release = () => {
      if (!released) {
        released = true;
        inFlight--;
      }
    };
    res.on("close", release);
    try {
      const chunks: Buffer[] = [];
      for await (const c of req) chunks.push(c as Buffer);
      const body = JSON.parse(Buffer.concat(chunks).toString("utf8")) as {
        messages: { role: string; content: string }[];
        stream_options?: { include_usage?: boolean };
      };
      const system = body.messages.find((m) => m.role === "system")?.content ?? null;
      const prompt = [...body.messages].reverse().find((m) => m.role === "user")?.content ?? "";
      requests.set(prompt, (requests.get(prompt) ?? 0) + 1);
      const rule = faults.find((f) => f.times > 0 && (f.prompt === undefined || f.prompt === prompt));
      if (rule) rule.times--;
      const fault = rule?.fault;
      if (fault?.kind === "429") {
        res.writeHead(429, { "content-type": "application/json", "retry-after": String(fault.retryAfterS ?? 1) }).end(JSON.stringify({ error: { message: "rate limited" } }));
        return;
      }
      if (fault?.kind === "500") {
        res.writeHead(500, { "content-type": "application/json" }).end(JSON.stringify({ error: { message: "internal error (injected)" } }));
        return;
      }
      res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" });
      if (fault?.kind === "stall") {
        // Headers sent, then nothing: the client's timeout must end it. The socket closes with the server.
        res.write(": stalled\n\n");
        return;
      }
      const text = options.answer?.({ system, prompt }) ?? answerFor(system, prompt);
      const pieces = text.split(/(?<= )/);
      const event = (data: string) => (options.events === "verbose" ? `: chunk\r\nevent: message\r\ndata: ${data}\r\n\r\n` : `data: ${data}\n\n`);
      const send = (obj: unknown) => res.write(event(JSON.stringify(obj)));
      const id = `chatcmpl-${total}`;
      if (options.firstChunkDelayMs) await sleep(options.firstChunkDelayMs);
      let firstChunkMs = 0;
      let lastChunkMs = 0;
      for (let i = 0; i < pieces.length; i++) {
        if (i > 0 && options.chunkDelayMs) await sleep(options.chunkDelayMs);
        if (fault?.kind === "malformed" && i === 1) {
          res.write("data: {\"choices\": [{\"delta\": {\"content\": \"broken\n\n");
          res.end();
          return;
        }
        send({ id, object: "chat.completion.chunk", choices: [{ index: 0, delta: i === 0 ? { role: "assistant", content: pieces[i] } : { content: pieces[i] }, finish_reason: null }] });
        const now = performance.now() - arrived;
        if (i === 0) firstChunkMs = now;
        lastChunkMs = now;
      }
      send({ id, object: "chat.completion.chunk", choices: [{ index: 0, delta: {}, finish_reason: "stop" }] });
      const usage = { prompt_tokens: body.messages.reduce((n, m) => n + words(m.content), 0), completion_tokens: pieces.length };
      if (body.stream_options?.include_usage && options.usage !== false) send({ id, object: "chat.completion.chunk", choices: [], usage: { ...usage, total_tokens: usage.prompt_tokens + usage.completion_tokens } });
      res.write(event("[DONE]"));
      res.end();
      served.push({ prompt, system, authorization: req.headers.authorization ?? null, usage, firstChunkMs, lastChunkMs, text });
    } catch (error) {
      if (!res.headersSent) res.writeHead(400, { "content-type": "application/json" }).end(JSON.stringify({ error: { message: (error as Error).message } }));
      else res.end();
    } finally {
      if (res.writableEnded) release();
    }
  }

  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    requests,
    served,
    maxInFlight: () => maxInFlight,
    totalRequests: () => total,
    inject(fault, times = 1, prompt) {
      faults.push({ fault, times, prompt });
    },
    reset() {
      requests.clear();
      served.length = 0;
      faults = [];
      maxInFlight = inFlight;
      total = 0;
    },
    close() {
      for (const s of sockets) s.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
