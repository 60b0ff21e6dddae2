import { contextFor } from "@/lib/auth/session";
import { timeReportCsv } from "@/lib/formats/time-report";
import { apiRoute } from "@/lib/http/respond";
import { streamLines } from "@/lib/http/stream";
import { timeReport } from "@/lib/services/reports";

// The time report as CSV (README "Time and pay report"): ?from=&to= (YYYY-MM-DD), &by=day|week, &tz=ZONE.
export const GET = apiRoute<{ slug: string }>(async ({ request, params, caller }) => {
  const url = new URL(request.url);
  const q = (name: string) => url.searchParams.get(name) ?? undefined;
  const report = await timeReport({ ctx: contextFor(caller), input: { slug: params.slug, from: q("from"), to: q("to"), by: q("by"), tz: q("tz") } });
  const name = `${params.slug}-report-${report.from}-${report.to}-${report.by}.csv`;
  return new Response(streamLines(timeReportCsv(report)), {
    headers: { "content-type": "text/csv; charset=utf-8", "content-disposition": `attachment; filename="${name}"` },
  });
});
