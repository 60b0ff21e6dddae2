import { contextFor } from "@/lib/auth/session";
import { jsonObject } from "@/lib/http/guard";
import { apiRoute, json } from "@/lib/http/respond";
import { addEndpoint, listEndpoints } from "@/lib/services/endpoints";

// Model endpoints (admins): GET lists them (where each key comes from, never the key); POST adds one:
// {"name", "base_url", "model", "api_key_env"? | "api_key"?, "max_concurrency"?, "timeout_s"?, "price_in"?, "price_out"?}.
export const GET = apiRoute(async ({ caller }) => json({ endpoints: await listEndpoints({ ctx: contextFor(caller) }) }));

export const POST = apiRoute(async ({ caller, readJson }) => {
  const body = jsonObject(await readJson());
  return json({ endpoint: await addEndpoint({ ctx: contextFor(caller), input: body }) }, 201);
});
