import { apiRoute } from "@/lib/http/respond";
import { contextFor } from "@/lib/auth/session";
import { STATS_CSV_TABLES, statsCsv, type StatsCsvTable } from "@/lib/formats/stats-csv";
import { AppError } from "@/lib/services/errors";
import { projectStats } from "@/lib/services/stats";

// One dashboard table as CSV: ?table=annotators|leaderboard|kappa|breakdown|progress|contenders|judges (breakdown needs &by=KEY; judges has a row per slice with it).
export const GET = apiRoute<{ slug: string }>(async ({ request, params, caller }) => {
  const url = new URL(request.url);
  const table = url.searchParams.get("table") ?? "";
  if (!(STATS_CSV_TABLES as readonly string[]).includes(table)) {
    throw new AppError("bad_request", `table: must be one of ${STATS_CSV_TABLES.join(", ")}`);
  }
  const by = url.searchParams.get("by") ?? undefined;
  if (table === "breakdown" && !by) throw new AppError("bad_request", "by: the breakdown table needs a metadata key (by=KEY)");
  const stats = await projectStats({ ctx: contextFor(caller), input: { slug: params.slug, by } });
  const name = `${params.slug}-${table}${table === "breakdown" ? `-${by}` : ""}.csv`;
  return new Response(statsCsv(stats, table as StatsCsvTable), {
    headers: { "content-type": "text/csv; charset=utf-8", "content-disposition": `attachment; filename="${name}"` },
  });
});
