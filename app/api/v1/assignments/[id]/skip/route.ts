import { z } from "zod";
import { contextFor } from "@/lib/auth/session";
import { apiRoute, json } from "@/lib/http/respond";
import { jsonObject } from "@/lib/http/guard";
import { skipAssignment } from "@/lib/services/assignment";
import { parseInput } from "@/lib/services/errors";

const body = z.object({ reason: z.string().max(500).optional() });
const path = z.object({ id: z.coerce.number().int("must be a whole number").positive() });

export const POST = apiRoute<{ id: string }>(async ({ params, caller, readJson }) => {
  const { reason } = parseInput(body, jsonObject(await readJson()));
  return json(await skipAssignment({ ctx: contextFor(caller), input: { id: parseInput(path, params).id, reason } }));
}, { provisionalCaller: true });
