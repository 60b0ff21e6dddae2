import { contextFor } from "@/lib/auth/session";
import { apiRoute, json } from "@/lib/http/respond";
import { jsonObject } from "@/lib/http/guard";
import { reviseJudgment } from "@/lib/services/judgments";

// Revises one of the caller's judgments: the body is a whole new payload (same shape as a submit).
export const PUT = apiRoute<{ id: string }>(
  async ({ params, caller, readJson }) => {
    const body = jsonObject(await readJson());
    return json({ judgment: await reviseJudgment({ ctx: contextFor(caller), input: { ...body, id: params.id } }) });
  },
  { body: "judgment" },
);
