import { contextFor } from "@/lib/auth/session";
import { apiRoute, json } from "@/lib/http/respond";
import { jsonObject } from "@/lib/http/guard";
import { recordAdjudication } from "@/lib/services/adjudication";

/** Records a manager's final label: {"choice": "A"|"B"|"tie"|"both_bad", "note"}; A is the item's first response. */
export const POST = apiRoute<{ id: string }>(async ({ params, caller, readJson }) => {
  const { choice, note } = jsonObject(await readJson());
  const adjudication = await recordAdjudication({ ctx: contextFor(caller), input: { itemId: params.id, choice, note } });
  return json({ adjudication }, 201);
});
