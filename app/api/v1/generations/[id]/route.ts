import { contextFor } from "@/lib/auth/session";
import { apiRoute, json } from "@/lib/http/respond";
import { cancelGeneration, getGeneration } from "@/lib/services/generation";

// A generation run's progress (admins); DELETE cancels it: calling stops and no items are made.
export const GET = apiRoute<{ id: string }>(async ({ params, caller }) => json({ generation: await getGeneration({ ctx: contextFor(caller), input: { id: params.id } }) }));

export const DELETE = apiRoute<{ id: string }>(async ({ params, caller }) => json({ generation: await cancelGeneration({ ctx: contextFor(caller), input: { id: params.id } }) }));
