import { contextFor } from "@/lib/auth/session";
import { apiRoute, json } from "@/lib/http/respond";
import { spoolBody } from "@/lib/http/upload";
import { importItems } from "@/lib/services/importer";
import { requireScope } from "@/lib/services/context";

// Body: JSONL or a JSON array of import records. `?skip_invalid=1` imports the valid rows of a file
// that has invalid ones; otherwise such a file is rejected whole (400 with the line-numbered errors).
export const POST = apiRoute<{ slug: string }>(async ({ request, params, caller }) => {
  const ctx = contextFor(caller);
  requireScope(ctx, "item:import");
  const url = new URL(request.url);
  const upload = await spoolBody(request);
  try {
    const summary = await importItems({
      ctx,
      input: { slug: params.slug, source: upload.open, skipInvalid: ["1", "true"].includes(url.searchParams.get("skip_invalid") ?? "") },
    });
    if (summary.rejected) {
      const message = `${summary.error_count} invalid record(s); nothing was imported. Fix them or pass skip_invalid=1.`;
      return json({ error: { code: "bad_request", message }, ...summary }, 400);
    }
    return json(summary);
  } finally {
    await upload.remove();
  }
});
