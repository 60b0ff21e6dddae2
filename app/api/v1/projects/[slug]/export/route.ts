import { contextFor } from "@/lib/auth/session";
import { exportOptionsFromQuery } from "@/lib/formats/export/options";
import { apiRoute, json } from "@/lib/http/respond";
import { streamBytes, streamLines } from "@/lib/http/stream";
import { dryRunExport, openExport, readExportOptions } from "@/lib/services/exporter";

// Query parameters are the export options' query names (lib/formats/export/options.ts); a bad one
// answers 400 naming that parameter. `dry_run=1` answers with the counts instead of the rows.
export const GET = apiRoute<{ slug: string }>(async ({ request, params, caller }) => {
  const q = new URL(request.url).searchParams;
  const input = { slug: params.slug, ...readExportOptions(exportOptionsFromQuery(q), "query") };
  const ctx = contextFor(caller);
  if (["1", "true", "on"].includes(q.get("dry_run") ?? "")) return json(await dryRunExport({ ctx, input }));
  const exp = await openExport({ ctx, input });
  return new Response("lines" in exp ? streamLines(exp.lines) : streamBytes(exp.chunks), {
    headers: { "content-type": exp.contentType, "content-disposition": `attachment; filename="${exp.filename}"` },
  });
});
