import { contextFor } from "@/lib/auth/session";
import { csvLine } from "@/lib/formats/csv-cell";
import { apiRoute } from "@/lib/http/respond";
import { streamLines } from "@/lib/http/stream";
import { AUDIT_CSV_COLUMNS, auditEntries } from "@/lib/services/audit";

// The audit log as CSV, with the audit page's filters (?user=&action=&project=&from=&to=), streamed.
export const GET = apiRoute(({ request, caller }) => {
  const query = Object.fromEntries(new URL(request.url).searchParams);
  const entries = auditEntries({ ctx: contextFor(caller), input: { ...query, page: undefined } });
  async function* lines() {
    yield csvLine(AUDIT_CSV_COLUMNS);
    for await (const e of entries) yield csvLine(AUDIT_CSV_COLUMNS.map((c) => e[c]));
  }
  return new Response(streamLines(lines()), {
    headers: { "content-type": "text/csv; charset=utf-8", "content-disposition": `attachment; filename="arbiter-audit.csv"` },
  });
});
