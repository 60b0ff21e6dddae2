import { contextFor } from "@/lib/auth/session";
import { apiRoute, json } from "@/lib/http/respond";
import { jsonObject } from "@/lib/http/guard";
import { updateItem } from "@/lib/services/items";

// Sets an item's priority and/or gold answer (admins): {"priority"?: int, "gold"?: "A"|"B"|"tie"|
// "both_bad"|null}, A being the item's first response. Answers the item as the list shows it.
export const PATCH = apiRoute<{ id: string }>(async ({ params, caller, readJson }) => {
  const body = jsonObject(await readJson());
  return json({ item: await updateItem({ ctx: contextFor(caller), input: { ...body, itemId: params.id } }) });
});
