import { contextFor } from "@/lib/auth/session";
import { jsonObject } from "@/lib/http/guard";
import { apiRoute, json } from "@/lib/http/respond";
import { addContender, listContenders } from "@/lib/services/contenders";

// Contenders (admins): GET lists each one's current version; POST adds one (version 1):
// {"name", "endpoint", "system"?, "template"? (with {prompt}), "temperature"?, "max_tokens"?, "seed"?}.
export const GET = apiRoute(async ({ caller }) => json({ contenders: await listContenders({ ctx: contextFor(caller) }) }));

export const POST = apiRoute(async ({ caller, readJson }) => {
  const body = jsonObject(await readJson());
  return json({ contender: await addContender({ ctx: contextFor(caller), input: body }) }, 201);
});
