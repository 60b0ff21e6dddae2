// The network path to one Arbiter instance, for test/http/instances.pg.test.ts: an HTTP proxy that
// passes requests through and, once told to, keeps the answers of chosen requests instead of
// delivering them. The instance has done the work (a judgment is committed) but the client never
// hears of it; `cut()` then drops every client connection and stops listening, as the instance's
// death does. Killing a process alone leaves that window to chance (a few microseconds between the
// commit and the answer); the proxy makes it certain.
import http from "node:http";
import type net from "node:net";
import { freePort } from "./net";

export interface HeldAnswer {
  method: string;
  path: string;
  status: number;
  body: string;
}

export interface HoldingProxy {
  baseUrl: string;
  /** From now on, answers to requests `which` selects are kept, not delivered. */
  hold(which: (method: string, path: string) => boolean): void;
  /** The answers kept so far. */
  held(): HeldAnswer[];
  /** Drops every client connection (held answers are never delivered) and stops listening. */
  cut(): Promise<void>;
}

// Hop-by-hop headers, and the length, which the proxy sets itself for the body it read whole.
const NOT_FORWARDED = new Set(["connection", "keep-alive", "transfer-encoding", "content-length"]);

export async function startHoldingProxy(target: string): Promise<HoldingProxy> {
  const upstream = new URL(target);
  const agent = new http.Agent({ keepAlive: true });
  const sockets = new Set<net.Socket>();
  const held: HeldAnswer[] = [];
  let holding: ((method: string, path: string) => boolean) | null = null;

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      // Asked for uncompressed, so a kept answer reads as text.
      const { "accept-encoding": _encodings, ...rest } = req.headers;
      const headers = { ...rest, host: upstream.host };
      const out = http.request({ host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers, agent }, (answer) => {
        const body: Buffer[] = [];
        answer.on("data", (c: Buffer) => body.push(c));
        answer.on("end", () => {
          const whole = Buffer.concat(body);
          if (holding?.(req.method!, req.url!)) {
            held.push({ method: req.method!, path: req.url!, status: answer.statusCode!, body: whole.toString("utf8") });
            return;
          }
          const forwarded = Object.fromEntries(Object.entries(answer.headers).filter(([k]) => !NOT_FORWARDED.has(k)));
          res.writeHead(answer.statusCode!, { ...forwarded, "content-length": whole.length });
          res.end(whole);
        });
        // The instance died mid-answer: the client gets no answer either.
        answer.on("error", () => req.socket.destroy());
      });
      // The instance is gone: the client's connection is reset, as it would be without the proxy.
      out.on("error", () => req.socket.destroy());
      out.end(Buffer.concat(chunks));
    });
  });
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  const port = await freePort();
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", resolve);
  });

  return {
    baseUrl: `http://127.0.0.1:${port}`,
    hold(which) {
      holding = which;
    },
    held: () => held.slice(),
    async cut() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const socket of sockets) socket.destroy();
      agent.destroy();
      await closed;
    },
  };
}
