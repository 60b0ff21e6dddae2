import { contextFor } from "@/lib/auth/session";
import { apiRoute, errorBody, json } from "@/lib/http/respond";
import { spoolBody, UPLOAD_TYPES } from "@/lib/http/upload";
import { uploadLimit } from "@/lib/http/limits";
import { importFormatOf, importItems, importMapOf, type ImportInput, type ImportProgress } from "@/lib/services/importer";
import { listItems } from "@/lib/services/items";
import { requireScope, type Caller } from "@/lib/services/context";

// The project's items with their models, progress, priority and gold answer (admins), in import
// order: `?q=` (external id, prompt text or item id), `?filter=all|gold|priority`, `?page=`, `?page_size=`.
export const GET = apiRoute<{ slug: string }>(async ({ request, params, caller }) => {
  const q = new URL(request.url).searchParams;
  const get = (name: string) => q.get(name) || undefined;
  const input = { slug: params.slug, q: get("q"), filter: get("filter"), page: get("page"), page_size: get("page_size") };
  return json(await listItems({ ctx: contextFor(caller), input }));
});

// Body: JSONL, a JSON array or CSV (optionally gzipped) of import records. Query: `skip_invalid=1`
// imports the valid rows of a file that has invalid ones (otherwise such a file is rejected whole,
// 400 with the line-numbered errors); `format=` and `map=` as in the CLI; `progress=1` answers with
// NDJSON: `{"progress": …}` lines while the import runs, then one `{"summary": …}` or `{"error": …}`;
// `source=` names the file on the import batch.
export const POST = apiRoute<{ slug: string }>(importRoute, { body: { maxBytes: uploadLimit, contentTypes: UPLOAD_TYPES } });

async function importRoute({ request, params, caller }: { request: Request; params: { slug: string }; caller: Caller }): Promise<Response> {
  const ctx = contextFor(caller);
  requireScope(ctx, "item:import");
  const q = new URL(request.url).searchParams;
  const format = importFormatOf(q.get("format") || undefined);
  const map = importMapOf(q.get("map") || undefined);
  const upload = await spoolBody(request);
  const input: ImportInput = {
    slug: params.slug,
    source: upload.open,
    skipInvalid: ["1", "true", "on"].includes(q.get("skip_invalid") ?? ""),
    format,
    map,
    sourceName: q.get("source")?.slice(0, 200) || undefined,
  };

  if (["1", "true"].includes(q.get("progress") ?? "")) {
    const encoder = new TextEncoder();
    const body = new ReadableStream<Uint8Array>({
      async start(controller) {
        const send = (line: object) => controller.enqueue(encoder.encode(JSON.stringify(line) + "\n"));
        let last = 0;
        const onProgress = (p: ImportProgress) => {
          const now = Date.now();
          if (now - last < 250 && p.total === undefined) return;
          last = now;
          send({ progress: { ...p, size: upload.size } });
        };
        try {
          send({ progress: { phase: "validating", rows: 0, bytes: 0, size: upload.size } });
          send({ summary: await importItems({ ctx, input: { ...input, onProgress } }) });
        } catch (err) {
          send({ error: errorBody(err, "The import failed; nothing was imported.") });
        } finally {
          await upload.remove();
          controller.close();
        }
      },
    });
    return new Response(body, { headers: { "content-type": "application/x-ndjson; charset=utf-8", "cache-control": "no-store" } });
  }

  try {
    const summary = await importItems({ ctx, input });
    if (summary.rejected) {
      const message = `${summary.error_count} invalid record(s); nothing was imported. Fix them or pass skip_invalid=1.`;
      return json({ error: { code: "bad_request", message }, ...summary }, 400);
    }
    return json(summary);
  } finally {
    await upload.remove();
  }
}

