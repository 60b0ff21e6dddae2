import { contextFor } from "@/lib/auth/session";
import { apiRoute, json, readJson } from "@/lib/http/respond";
import { requeueItem } from "@/lib/services/adjudication";

/** Sends an item back for more judgments: {"extra": k} raises its overlap by k (default 1). */
export const POST = apiRoute<{ id: string }>(async ({ request, params, caller }) => {
  const body = (await readJson(request)) as Record<string, unknown>;
  return json(requeueItem({ ctx: contextFor(caller), input: { ...body, itemId: params.id } as never }));
});
