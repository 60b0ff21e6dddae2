import { contextFor } from "@/lib/auth/session";
import { apiRoute, json } from "@/lib/http/respond";
import { cancelJudgeRun, getJudgeRun } from "@/lib/services/judges";

// A judge run's progress (admins); DELETE cancels it: no new item is taken, stored verdicts stay.
export const GET = apiRoute<{ id: string }>(async ({ params, caller }) => json({ judge_run: await getJudgeRun({ ctx: contextFor(caller), input: { id: params.id } }) }));

export const DELETE = apiRoute<{ id: string }>(async ({ params, caller }) => json({ judge_run: await cancelJudgeRun({ ctx: contextFor(caller), input: { id: params.id } }) }));
