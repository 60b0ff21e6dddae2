import { z } from "zod";
import { contextFor } from "@/lib/auth/session";
import { apiRoute, json } from "@/lib/http/respond";
import { jsonObject } from "@/lib/http/guard";
import { claimNext } from "@/lib/services/assignment";
import { parseInput } from "@/lib/services/errors";

// Body (optional): {"exclude": [assignmentId, …]} — leases the client is already showing, so that
// the workspace can prefetch the next item while the current one is on screen.
const body = z.object({ exclude: z.array(z.number().int().positive()).max(5, "at most 5 assignments").optional() });

export const POST = apiRoute<{ slug: string }>(async ({ params, caller, readJson }) => {
  const { exclude } = parseInput(body, jsonObject(await readJson()));
  const claimed = claimNext({ ctx: contextFor(caller), input: { slug: params.slug, exclude } });
  return claimed ? json(claimed) : new Response(null, { status: 204 });
});
