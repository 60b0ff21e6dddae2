import { contextFor } from "@/lib/auth/session";
import { apiRoute, json } from "@/lib/http/respond";
import { jsonObject } from "@/lib/http/guard";
import { undoJudgment } from "@/lib/services/judgments";

// Takes back the caller's last judgment while its lease lasts; the item is leased to them again.
// The body is empty or `{}`.
export const POST = apiRoute<{ id: string }>(async ({ params, caller, readJson }) => {
  jsonObject(await readJson());
  return json(await undoJudgment({ ctx: contextFor(caller), input: { assignmentId: params.id } }));
});
