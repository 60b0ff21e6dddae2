import { contextFor } from "@/lib/auth/session";
import { apiRoute, json } from "@/lib/http/respond";
import { jsonObject } from "@/lib/http/guard";
import { submitJudgment, type JudgmentInput } from "@/lib/services/judgments";

// Records a judgment on one of the caller's assignments: {"assignment_id", …payload}; answers
// {judgment} and, after a gold item whose answer the project shows, {feedback}. The service
// checks the body's shape and the assignment_id.
export const POST = apiRoute(
  async ({ caller, readJson }) => {
    const body = jsonObject(await readJson());
    const { judgment, created, feedback } = await submitJudgment({ ctx: contextFor(caller), input: body as JudgmentInput });
    return json(feedback ? { judgment, feedback } : { judgment }, created ? 201 : 200);
  },
  // (The service's first statement is its write, which confirms a token this process knew.)
  { body: "judgment", provisionalCaller: true },
);
