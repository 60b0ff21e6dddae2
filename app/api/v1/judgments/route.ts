import { contextFor } from "@/lib/auth/session";
import { apiRoute, json, readJson } from "@/lib/http/respond";
import { badRequest } from "@/lib/services/errors";
import { submitJudgment } from "@/lib/services/judgments";

// Records a judgment on one of the caller's assignments: {"assignment_id", …payload}.
export const POST = apiRoute(async ({ request, caller }) => {
  const body = await readJson(request);
  if (!body || typeof body !== "object" || Array.isArray(body)) throw badRequest("The judgment must be a JSON object.");
  const { assignment_id, ...rest } = body as Record<string, unknown>;
  if (assignment_id === undefined) throw badRequest("assignment_id: required");
  const { judgment, created } = submitJudgment({ ctx: contextFor(caller), input: { ...rest, assignment_id: assignment_id } as never });
  return json({ judgment }, created ? 201 : 200);
});
