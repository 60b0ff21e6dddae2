import { contextFor } from "@/lib/auth/session";
import { apiRoute, json, readJson } from "@/lib/http/respond";
import { claimNext } from "@/lib/services/assignment";

// Body (optional): {"exclude": [assignmentId, …]} — leases the client is already showing, so that
// the workspace can prefetch the next item while the current one is on screen.
export const POST = apiRoute<{ slug: string }>(async ({ request, params, caller }) => {
  const body = (await readJson(request)) as { exclude?: unknown };
  const claimed = claimNext({ ctx: contextFor(caller), input: { slug: params.slug, exclude: body.exclude as number[] | undefined } });
  return claimed ? json(claimed) : new Response(null, { status: 204 });
});
