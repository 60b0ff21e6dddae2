import { contextFor } from "@/lib/auth/session";
import { apiRoute, json } from "@/lib/http/respond";
import { streamBytes, streamLines } from "@/lib/http/stream";
import { dryRunExport, openExport, type ExportInput } from "@/lib/services/exporter";

// Query parameters mirror the CLI flags in snake_case (format, file_format, policy, min_votes, …);
// `dry_run=1` answers with the counts instead of the rows.
export const GET = apiRoute<{ slug: string }>(({ request, params, caller }) => {
  const q = new URL(request.url).searchParams;
  const get = (name: string) => (q.get(name) === null || q.get(name) === "" ? undefined : q.get(name)!);
  const input: ExportInput = {
    slug: params.slug,
    format: (get("format") ?? "trl-dpo") as never,
    fileFormat: get("file_format") as never,
    policy: get("policy") as never,
    minVotes: get("min_votes"),
    minAgreement: get("min_agreement"),
    ties: get("ties") as never,
    bothBad: get("both_bad") as never,
    ratingPairs: get("rating_pairs") as never,
    rankingPairs: get("ranking_pairs") as never,
    sftWinners: get("sft_winners") as never,
    conversational: get("conversational") as never,
    includeGold: get("include_gold") as never,
    revealAnnotators: get("reveal_annotators") as never,
    split: get("split"),
    seed: get("seed"),
    part: get("part"),
  };
  const ctx = contextFor(caller);
  if (["1", "true", "on"].includes(q.get("dry_run") ?? "")) return json(dryRunExport({ ctx, input }));
  const exp = openExport({ ctx, input });
  return new Response("lines" in exp ? streamLines(exp.lines) : streamBytes(exp.chunks), {
    headers: { "content-type": exp.contentType, "content-disposition": `attachment; filename="${exp.filename}"` },
  });
});
