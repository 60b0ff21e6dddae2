import { contextFor } from "@/lib/auth/session";
import { apiRoute, json } from "@/lib/http/respond";
import { timeReport } from "@/lib/services/reports";

// The time report as JSON (README "Time and pay report"): ?from=&to= (YYYY-MM-DD), &by=day|week, &tz=ZONE.
export const GET = apiRoute<{ slug: string }>(async ({ request, params, caller }) => {
  const url = new URL(request.url);
  const q = (name: string) => url.searchParams.get(name) ?? undefined;
  return json(await timeReport({ ctx: contextFor(caller), input: { slug: params.slug, from: q("from"), to: q("to"), by: q("by"), tz: q("tz") } }));
});
