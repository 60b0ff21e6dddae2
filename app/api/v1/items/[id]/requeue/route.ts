import { contextFor } from "@/lib/auth/session";
import { apiRoute, json } from "@/lib/http/respond";
import { jsonObject } from "@/lib/http/guard";
import { requeueItem } from "@/lib/services/adjudication";

/** Sends an item back for more judgments: {"extra": k} raises its overlap by k (1–20). */
export const POST = apiRoute<{ id: string }>(async ({ params, caller, readJson }) => {
  const { extra } = jsonObject(await readJson());
  return json(await requeueItem({ ctx: contextFor(caller), input: { itemId: params.id, extra: extra as number } }));
});
