import { contextFor } from "@/lib/auth/session";
import { JSON_TYPES, jsonObject } from "@/lib/http/guard";
import { apiRoute, json } from "@/lib/http/respond";
import { GENERATION_BODY_LIMIT, launchGeneration, listGenerations } from "@/lib/services/generation";

// The project's generation runs with their progress, newest first (admins).
export const GET = apiRoute<{ slug: string }>(async ({ params, caller }) => json({ generations: await listGenerations({ ctx: contextFor(caller), input: { slug: params.slug } }) }));

// Starts a run in the background (admins), or resumes the unfinished run with the same prompts,
// contenders and pairing: {"prompts": [{"prompt", "id"?, "metadata"?}…], "contenders": ["a", "b"], "pairs"?}.
// Answers 202 with the run; poll GET /api/v1/generations/{id} for progress.
export const POST = apiRoute<{ slug: string }>(
  async ({ params, caller, readJson }) => {
    const body = jsonObject(await readJson());
    const { run, resumed } = await launchGeneration({ ctx: contextFor(caller), input: { ...body, slug: params.slug } });
    return json({ generation: run, resumed }, 202);
  },
  { body: { maxBytes: () => GENERATION_BODY_LIMIT, contentTypes: JSON_TYPES } },
);
