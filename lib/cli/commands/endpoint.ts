// `arbiter endpoint add|list|test`: the OpenAI-compatible servers contenders call. The API key is
// read from the environment variable named with --api-key-env when a request is made; never printed.
import { addEndpoint, endpointInput, listEndpoints, testEndpoint } from "@/lib/services/endpoints";
import { systemCtx, verb, type Command } from "../command";
import { checked, need } from "../flags";

const FLAG_OF = { base_url: "base-url", api_key_env: "api-key-env", max_concurrency: "max-concurrency", timeout_s: "timeout-s", price_in: "price-in", price_out: "price-out" };

export const endpoint: Command = {
  name: "endpoint",
  summary: "add, list and test model endpoints (OpenAI-compatible servers)",
  verbs: [
    verb({
      name: "add",
      usage: "--name N --base-url URL --model M [--api-key-env VAR] [--max-concurrency K] [--timeout-s S] [--price-in P] [--price-out P]",
      summary: "add an endpoint",
      flags: {
        name: { type: "string", value: "N", help: "what contenders call it by" },
        "base-url": { type: "string", value: "URL", help: "up to and including /v1, e.g. http://127.0.0.1:8000/v1" },
        model: { type: "string", value: "M", help: "the model name sent with each request" },
        "api-key-env": { type: "string", value: "VAR", help: "the environment variable holding the API key (read when a request is made)" },
        "max-concurrency": { type: "string", value: "K", help: "most requests in flight at once (default 4)" },
        "timeout-s": { type: "string", value: "S", help: "seconds before a request that has not finished is abandoned and retried (default 120)" },
        "price-in": { type: "string", value: "P", help: "USD per million prompt tokens (for cost_usd)" },
        "price-out": { type: "string", value: "P", help: "USD per million completion tokens" },
      },
      async run({ values, print }) {
        const input = checked(
          endpointInput,
          {
            name: need(values, "name"),
            base_url: need(values, "base-url"),
            model: need(values, "model"),
            api_key_env: values["api-key-env"],
            max_concurrency: values["max-concurrency"],
            timeout_s: values["timeout-s"],
            price_in: values["price-in"],
            price_out: values["price-out"],
          },
          FLAG_OF,
        );
        const view = await addEndpoint({ ctx: await systemCtx(values), input });
        print(`Endpoint ${view.name} added: ${view.model} at ${view.base_url} (key: ${view.api_key}, at most ${view.max_concurrency} at once)`, { endpoint: view });
        return 0;
      },
    }),
    verb({
      name: "list",
      usage: "",
      summary: "list endpoints (never their keys)",
      flags: {},
      async run({ values, print }) {
        const list = await listEndpoints({ ctx: await systemCtx(values) });
        const price = (p: number | null) => (p == null ? "-" : `$${p}/M`);
        print(
          list.map((e) => `${e.name}\t${e.model}\t${e.base_url}\tkey ${e.api_key}\tconcurrency ${e.max_concurrency}\ttimeout ${e.timeout_s}s\tin ${price(e.price_in)}\tout ${price(e.price_out)}`).join("\n") ||
            "No endpoints.",
          { endpoints: list },
        );
        return 0;
      },
    }),
    verb({
      name: "test",
      usage: "--name N",
      summary: "send one short request: prints the latency and the model's reply",
      flags: { name: { type: "string", value: "N", help: "the endpoint" } },
      async run({ values, print, io, json }) {
        const result = await testEndpoint({ ctx: await systemCtx(values), input: { name: need(values, "name") } });
        if (!result.ok) {
          io.err(`arbiter: endpoint ${values.name} failed: ${result.error}\n`);
          if (json) io.out(JSON.stringify(result) + "\n");
          return 1;
        }
        print(`${result.latency_ms} ms (first token after ${result.ttft_ms ?? "-"} ms): ${result.reply}`, result);
        return 0;
      },
    }),
  ],
};
