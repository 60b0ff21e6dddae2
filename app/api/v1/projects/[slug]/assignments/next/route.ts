import { z } from "zod";
import { contextFor } from "@/lib/auth/session";
import { apiRoute, json } from "@/lib/http/respond";
import { jsonObject } from "@/lib/http/guard";
import { claimNext } from "@/lib/services/assignment";
import { parseInput } from "@/lib/services/errors";

// Body (optional): {"exclude": [assignmentId, …]} — leases the client is already showing, so that
// the workspace can prefetch the next item while the current one is on screen; "skills": [skill, …]
// narrows the stream to items sharing a tag with those of the caller's skills (checked by the service).
const body = z.object({
  exclude: z.array(z.number().int().positive()).max(5, "at most 5 assignments").optional(),
  skills: z.array(z.string().max(40, "each at most 40 characters")).max(50, "at most 50 skills").optional(),
});

export const POST = apiRoute<{ slug: string }>(async ({ params, caller, readJson }) => {
  const { exclude, skills } = parseInput(body, jsonObject(await readJson()));
  const claimed = await claimNext({ ctx: contextFor(caller), input: { slug: params.slug, exclude, skills } });
  return claimed ? json(claimed) : new Response(null, { status: 204 });
}, { provisionalCaller: true });
