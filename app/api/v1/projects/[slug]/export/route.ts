import { contextFor } from "@/lib/auth/session";
import { apiRoute } from "@/lib/http/respond";
import { streamLines } from "@/lib/http/stream";
import { openExport } from "@/lib/services/exporter";

export const GET = apiRoute<{ slug: string }>(({ request, params, caller }) => {
  const q = new URL(request.url).searchParams;
  const exp = openExport({
    ctx: contextFor(caller),
    input: {
      slug: params.slug,
      format: (q.get("format") ?? "trl-dpo") as never,
      minVotes: q.get("min_votes") ?? undefined,
      conversational: ["1", "true"].includes(q.get("conversational") ?? ""),
    },
  });
  return new Response(streamLines(exp.lines), {
    headers: { "content-type": exp.contentType, "content-disposition": `attachment; filename="${exp.filename}"` },
  });
});
