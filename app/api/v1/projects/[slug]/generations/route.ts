import { Readable } from "node:stream";
import { contextFor } from "@/lib/auth/session";
import { jsonObject, readLimited } from "@/lib/http/guard";
import { apiRoute, json } from "@/lib/http/respond";
import { requireScope } from "@/lib/services/context";
import { GENERATION_BODY_LIMIT, launchGeneration, listGenerations, readPromptFile } from "@/lib/services/generation";

// The project's generation runs with their progress, newest first (admins).
export const GET = apiRoute<{ slug: string }>(async ({ params, caller }) => json({ generations: await listGenerations({ ctx: contextFor(caller), input: { slug: params.slug } }) }));

// Starts a run in the background (admins), or resumes the unfinished run with the same prompts,
// contenders and pairing. Body: JSON {"prompts": [{"prompt", "id"?, "metadata"?}…], "contenders": ["a", "b"], "pairs"?};
// or a prompts file (JSONL or a JSON array, as `arbiter generate --prompts`) sent as
// application/octet-stream with `?contenders=a,b&pairs=…`, whose bad rows are named by line (the admin page).
// Answers 202 with the run; poll GET /api/v1/generations/{id} for progress.
export const POST = apiRoute<{ slug: string }>(
  async ({ request, params, caller, readJson }) => {
    const ctx = contextFor(caller);
    // Who may start a run is decided before a byte of the body is read or parsed.
    requireScope(ctx, "model:manage");
    const q = new URL(request.url).searchParams;
    const body = isJson(request)
      ? jsonObject(await readJson())
      : { prompts: await readPromptFile(Readable.from([await readLimited(request, GENERATION_BODY_LIMIT)])), contenders: q.get("contenders") ?? "", pairs: q.get("pairs") || undefined };
    const { run, resumed } = await launchGeneration({ ctx, input: { ...body, slug: params.slug } });
    return json({ generation: run, resumed }, 202);
  },
  { body: { maxBytes: () => GENERATION_BODY_LIMIT, contentTypes: ["application/json", "application/octet-stream"] } },
);

function isJson(request: Request): boolean {
  return (request.headers.get("content-type") ?? "application/json").split(";")[0].trim().toLowerCase() === "application/json";
}
