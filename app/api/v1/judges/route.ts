import { contextFor } from "@/lib/auth/session";
import { jsonObject } from "@/lib/http/guard";
import { apiRoute, json } from "@/lib/http/respond";
import { addJudge, listJudges } from "@/lib/services/judges";

// AI judges (admins): GET lists them; POST adds one: {"name", "endpoint", "prompt"?} (a pairwise
// judging prompt with {prompt}, {response_a} and {response_b}; the built-in one when left out).
export const GET = apiRoute(async ({ caller }) => json({ judges: await listJudges({ ctx: contextFor(caller) }) }));

export const POST = apiRoute(async ({ caller, readJson }) => {
  const body = jsonObject(await readJson());
  return json({ judge: await addJudge({ ctx: contextFor(caller), input: body }) }, 201);
});
