// Writes a preference dataset from a project's judgments. Streams: it reads through its own
// read-only connection (a consistent snapshot that never blocks writers) and yields one line at a time.
import Database from "better-sqlite3";
import { z } from "zod";
import { formatPair } from "@/lib/formats/export";
import type { Prompt } from "@/lib/formats/record";
import { majorityWinner } from "@/lib/stats/aggregate";
import { audit } from "./audit";
import { requireScope, type Ctx } from "./context";
import { parseInput } from "./errors";
import { getProject } from "./projects";

export const EXPORT_FORMAT_NAMES = ["trl-dpo"] as const;

export const exportInput = z.object({
  slug: z.string().min(1),
  format: z.enum(EXPORT_FORMAT_NAMES, { message: `must be one of ${EXPORT_FORMAT_NAMES.join(", ")}` }),
  minVotes: z.coerce.number().int().min(1, "must be at least 1").max(1000).default(1),
  conversational: z.boolean().default(false),
});
export type ExportInput = z.input<typeof exportInput>;

export interface ExportStream {
  filename: string;
  contentType: string;
  /** One JSON line at a time; iterating to the end (or returning early) closes the connection. */
  lines: Generator<string, void, undefined>;
}

export function openExport({ ctx, input }: { ctx: Ctx; input: ExportInput }): ExportStream {
  requireScope(ctx, "export:read");
  const data = parseInput(exportInput, input);
  const project = getProject({ ctx, input: { slug: data.slug } });
  ctx.db.transaction((tx) =>
    audit(tx, ctx, { action: "export", targetType: "project", targetId: project.id, detail: { format: data.format, minVotes: data.minVotes } }),
  );
  const file = ctx.db.$client.name;
  return {
    filename: `${project.slug}-${data.format}.jsonl`,
    contentType: "application/x-ndjson; charset=utf-8",
    lines: exportLines(file, project.id, data),
  };
}

function* exportLines(file: string, projectId: number, options: z.output<typeof exportInput>): Generator<string, void, undefined> {
  const conn = new Database(file, { readonly: true, fileMustExist: true });
  try {
    const votes = conn
      .prepare("select item_id, winner_candidate_id from judgments where project_id = ? order by item_id")
      .raw()
      .iterate(projectId) as IterableIterator<[number, number | null]>;
    const itemStmt = conn.prepare("select prompt from items where id = ?").pluck();
    const candStmt = conn.prepare("select id, content, model from candidates where item_id = ? order by position");

    let current = -1;
    let bucket: (number | null)[] = [];
    const decide = function* (itemId: number, itemVotes: (number | null)[]) {
      const decision = majorityWinner(itemVotes, { minVotes: options.minVotes });
      if (!decision) return;
      const prompt = JSON.parse(itemStmt.get(itemId) as string) as Prompt;
      const cands = candStmt.all(itemId) as { id: number; content: string; model: string | null }[];
      const chosen = cands.find((c) => c.id === decision.winner);
      const rejected = cands.find((c) => c.id !== decision.winner);
      if (!chosen || !rejected) return;
      yield JSON.stringify(
        formatPair(options.format, {
          itemId: String(itemId),
          prompt,
          chosen: chosen.content,
          rejected: rejected.content,
        }, { conversational: options.conversational }),
      ) + "\n";
    };
    for (const [itemId, winner] of votes) {
      if (itemId !== current) {
        if (current !== -1) yield* decide(current, bucket);
        current = itemId;
        bucket = [];
      }
      bucket.push(winner);
    }
    if (current !== -1) yield* decide(current, bucket);
  } finally {
    conn.close();
  }
}
