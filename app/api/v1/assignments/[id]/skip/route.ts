import { z } from "zod";
import { contextFor } from "@/lib/auth/session";
import { apiRoute, json, readJson } from "@/lib/http/respond";
import { skipAssignment } from "@/lib/services/assignment";
import { parseInput } from "@/lib/services/errors";

const body = z.object({ reason: z.string().max(500).optional() });

export const POST = apiRoute<{ id: string }>(async ({ request, params, caller }) => {
  const { reason } = parseInput(body, await readJson(request));
  return json(skipAssignment({ ctx: contextFor(caller), input: { id: Number(params.id), reason } }));
});
