import { contextFor } from "@/lib/auth/session";
import { apiRoute, json } from "@/lib/http/respond";
import { claimNext } from "@/lib/services/assignment";

export const POST = apiRoute<{ slug: string }>(({ params, caller }) => {
  const task = claimNext({ ctx: contextFor(caller), input: { slug: params.slug } });
  return task ? json(task) : new Response(null, { status: 204 });
});
