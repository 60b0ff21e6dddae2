import { contextFor } from "@/lib/auth/session";
import { apiRoute, json } from "@/lib/http/respond";
import { projectStats } from "@/lib/services/stats";

// Project statistics for managers and admins (README "Project statistics"): ?by=KEY adds a
// breakdown by a candidate metadata key; ?rounds=N and ?seed=N set the bootstrap.
export const GET = apiRoute<{ slug: string }>(async ({ request, params, caller }) => {
  const url = new URL(request.url);
  const q = (name: string) => url.searchParams.get(name) ?? undefined;
  return json(await projectStats({ ctx: contextFor(caller), input: { slug: params.slug, by: q("by"), rounds: q("rounds"), seed: q("seed") } }));
});
