import { contextFor } from "@/lib/auth/session";
import { apiRoute, json } from "@/lib/http/respond";
import { myJudgments } from "@/lib/services/judgments";

// The caller's own judgments in a project, newest first: `?limit=50&offset=0&q=words` (q searches the prompts).
export const GET = apiRoute<{ slug: string }>(async ({ request, params, caller }) => {
  const url = new URL(request.url);
  const page = { limit: url.searchParams.get("limit") ?? undefined, offset: url.searchParams.get("offset") ?? undefined, q: url.searchParams.get("q") ?? undefined };
  return json(await myJudgments({ ctx: contextFor(caller), input: { slug: params.slug, ...page } }));
});
