import { contextFor } from "@/lib/auth/session";
import { apiRoute, json } from "@/lib/http/respond";
import { cancelGeneration, generationFailures, getGeneration } from "@/lib/services/generation";

// A generation run's progress (admins), with its failures so far (prompt, contender, error; the first
// 50); DELETE cancels it: calling stops and no items are made.
export const GET = apiRoute<{ id: string }>(async ({ params, caller }) => {
  const ctx = contextFor(caller);
  const generation = await getGeneration({ ctx, input: { id: params.id } });
  return json({ generation, failures: generation.failed ? await generationFailures({ ctx, input: { id: generation.id } }) : [] });
});

export const DELETE = apiRoute<{ id: string }>(async ({ params, caller }) => json({ generation: await cancelGeneration({ ctx: contextFor(caller), input: { id: params.id } }) }));
