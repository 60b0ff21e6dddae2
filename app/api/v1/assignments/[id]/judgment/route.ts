import { contextFor } from "@/lib/auth/session";
import { apiRoute, json, readJson } from "@/lib/http/respond";
import { submitJudgment } from "@/lib/services/judgments";

export const POST = apiRoute<{ id: string }>(async ({ request, params, caller }) => {
  const body = (await readJson(request)) as Record<string, unknown>;
  const { judgment, created } = submitJudgment({ ctx: contextFor(caller), input: { ...body, assignmentId: params.id } as never });
  return json({ judgment }, created ? 201 : 200);
});
