import { contextFor } from "@/lib/auth/session";
import { apiRoute, json, readJson } from "@/lib/http/respond";
import { badRequest } from "@/lib/services/errors";
import { reviseJudgment } from "@/lib/services/judgments";

// Revises one of the caller's judgments: the body is a whole new payload (same shape as a submit).
export const PUT = apiRoute<{ id: string }>(async ({ request, params, caller }) => {
  const body = await readJson(request);
  if (!body || typeof body !== "object" || Array.isArray(body)) throw badRequest("The judgment must be a JSON object.");
  return json({ judgment: reviseJudgment({ ctx: contextFor(caller), input: { ...(body as object), id: params.id } }) });
});
