import { contextFor } from "@/lib/auth/session";
import { apiRoute, json, readJson } from "@/lib/http/respond";
import { recordAdjudication } from "@/lib/services/adjudication";

/** Records a manager's final label: {"choice": "A"|"B"|"tie"|"both_bad", "note"}; A is the item's first response. */
export const POST = apiRoute<{ id: string }>(async ({ request, params, caller }) => {
  const body = (await readJson(request)) as Record<string, unknown>;
  const adjudication = recordAdjudication({ ctx: contextFor(caller), input: { ...body, itemId: params.id } as never });
  return json({ adjudication }, 201);
});
