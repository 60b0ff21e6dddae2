import { contextFor } from "@/lib/auth/session";
import { apiRoute, json } from "@/lib/http/respond";
import { adjudicationQueue } from "@/lib/services/adjudication";

/** The project's disputed items, with model names and every judgment (managers and admins). */
export const GET = apiRoute<{ slug: string }>(async ({ request, params, caller }) => {
  const q = new URL(request.url).searchParams;
  const queue = await adjudicationQueue({
    ctx: contextFor(caller),
    input: { slug: params.slug, resolved: q.get("resolved") === "1" || q.get("resolved") === "true", limit: q.get("limit") ?? undefined, offset: q.get("offset") ?? undefined },
  });
  return json(queue);
});
