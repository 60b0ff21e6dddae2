import { contextFor } from "@/lib/auth/session";
import { jsonObject } from "@/lib/http/guard";
import { apiRoute, json } from "@/lib/http/respond";
import { launchJudgeRun, listJudgeRuns } from "@/lib/services/judges";

// The project's judge runs with their progress, newest first (admins).
export const GET = apiRoute<{ slug: string }>(async ({ params, caller }) => json({ judge_runs: await listJudgeRuns({ ctx: contextFor(caller), input: { slug: params.slug } }) }));

// Starts a judge run in the background (admins): {"judge": NAME, "limit"?: N}. Answers 202 with the
// run (`running: true` when this server already works one of that judge on the project); poll
// GET /api/v1/judge-runs/{id} for progress.
export const POST = apiRoute<{ slug: string }>(async ({ params, caller, readJson }) => {
  const body = jsonObject(await readJson());
  const { run, running } = await launchJudgeRun({ ctx: contextFor(caller), input: { ...body, slug: params.slug } });
  return json({ judge_run: run, running }, 202);
});
