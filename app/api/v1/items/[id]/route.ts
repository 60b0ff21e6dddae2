import { contextFor } from "@/lib/auth/session";
import { apiRoute, json, readJson } from "@/lib/http/respond";
import { badRequest } from "@/lib/services/errors";
import { updateItem } from "@/lib/services/items";

// Sets an item's priority and/or gold answer (admins): {"priority"?: int, "gold"?: "A"|"B"|"tie"|
// "both_bad"|null}, A being the item's first response. Answers the item as the list shows it.
export const PATCH = apiRoute<{ id: string }>(async ({ request, params, caller }) => {
  const body = await readJson(request);
  if (!body || typeof body !== "object" || Array.isArray(body)) throw badRequest("The body must be a JSON object.");
  return json({ item: updateItem({ ctx: contextFor(caller), input: { ...(body as object), itemId: params.id } as never }) });
});
