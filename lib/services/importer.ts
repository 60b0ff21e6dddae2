// Imports items (and judgments made elsewhere) into a project. Two passes over the source: the
// first validates every row, so an invalid file writes nothing; the second inserts in batches.
// A failure during the second pass removes what this import inserted, so a file lands whole or not at all.
import { and, eq, inArray } from "drizzle-orm";
import { createHash } from "node:crypto";
import { Readable } from "node:stream";
import { candidates, items, judgments, users } from "@/db/schema";
import { readRecords, type ReadOptions } from "@/lib/formats/import/read";
import type { ImportRecord, RecordError } from "@/lib/formats/record";
import { audit } from "./audit";
import { nowOf, requireScope, type Ctx } from "./context";
import { getProject } from "./projects";

export type ImportSource = () => AsyncIterable<Uint8Array | string> | Iterable<Uint8Array | string>;

function asAsync(source: ReturnType<ImportSource>): AsyncIterable<Uint8Array | string> {
  return Symbol.asyncIterator in source ? source : Readable.from(source);
}

export interface ImportInput {
  slug: string;
  source: ImportSource;
  skipInvalid?: boolean;
  format?: ReadOptions["format"];
  map?: ReadOptions["map"];
  /** Errors listed in full; past this only the count goes on. */
  maxErrors?: number;
  onProgress?: (rowsRead: number) => void;
}

export interface ImportSummary {
  inserted: number;
  duplicates: number;
  /** Judgments carried by the records (made elsewhere) that were stored. */
  annotations: number;
  errors: RecordError[];
  error_count: number;
  /** True when the file was rejected as a whole because of invalid rows. */
  rejected: boolean;
}

const BATCH = 500;

/** A record's identity inside its project: its own id, or a hash of its content when it has none. */
export function externalIdOf(record: ImportRecord): string {
  if (record.id != null && record.id !== "") return String(record.id);
  const h = createHash("sha256");
  h.update(JSON.stringify(record.prompt));
  for (const r of record.responses) h.update("\u0000" + r.content);
  return "sha256:" + h.digest("hex").slice(0, 32);
}

export async function importItems({ ctx, input }: { ctx: Ctx; input: ImportInput }): Promise<ImportSummary> {
  requireScope(ctx, "item:import");
  const project = getProject({ ctx, input: { slug: input.slug } });
  const maxErrors = input.maxErrors ?? 100;
  const readOptions: ReadOptions = { format: input.format, map: input.map };

  const errors: RecordError[] = [];
  let errorCount = 0;
  let rows = 0;
  for await (const result of readRecords(asAsync(input.source()), readOptions)) {
    rows++;
    if ("error" in result) {
      errorCount++;
      if (errors.length < maxErrors) errors.push(result.error);
    }
    if (rows % 5000 === 0) input.onProgress?.(rows);
  }
  const summary: ImportSummary = { inserted: 0, duplicates: 0, annotations: 0, errors, error_count: errorCount, rejected: false };
  if (errorCount > 0 && !input.skipInvalid) {
    summary.rejected = true;
    return summary;
  }

  const insertedIds: number[] = [];
  const externalUsers = new Map<string, number>();
  const now = nowOf(ctx);

  const insertBatch = (batch: ImportRecord[]) =>
    ctx.db.transaction((tx) => {
      for (const record of batch) {
        const row = tx
          .insert(items)
          .values({ projectId: project.id, externalId: externalIdOf(record), prompt: record.prompt, metadata: record.metadata ?? null, createdAt: now })
          .onConflictDoNothing()
          .returning({ id: items.id })
          .get();
        if (!row) {
          summary.duplicates++;
          continue;
        }
        insertedIds.push(row.id);
        summary.inserted++;
        const candidateIds = record.responses.map(
          (r, position) =>
            tx
              .insert(candidates)
              .values({ itemId: row.id, position, content: r.content, model: r.model ?? null, metadata: r.metadata ?? null })
              .returning({ id: candidates.id })
              .get().id,
        );
        let stored = 0;
        for (const a of record.annotations ?? []) {
          if (!a.choice) continue;
          const userId = externalUser(tx, a.annotator);
          const slot = a.choice === "A" ? 0 : a.choice === "B" ? 1 : -1;
          tx.insert(judgments)
            .values({
              projectId: project.id,
              itemId: row.id,
              userId,
              choice: a.choice,
              winnerCandidateId: slot >= 0 ? candidateIds[slot] : null,
              slotOrder: candidateIds,
              source: "import",
              createdAt: now,
            })
            .onConflictDoNothing()
            .run();
          stored++;
        }
        if (stored) {
          tx.update(items).set({ judgmentCount: stored }).where(eq(items.id, row.id)).run();
          summary.annotations += stored;
        }
      }
    });

  // External annotators are accounts that cannot sign in; one per name across projects.
  function externalUser(tx: Parameters<Parameters<Ctx["db"]["transaction"]>[0]>[0], name: string): number {
    const cached = externalUsers.get(name);
    if (cached) return cached;
    const email = `${name.toLowerCase().replace(/[^a-z0-9._-]+/g, "-")}@external.invalid`;
    const existing = tx.select({ id: users.id }).from(users).where(and(eq(users.email, email), eq(users.external, true))).get();
    const id =
      existing?.id ??
      tx.insert(users).values({ email, name, role: "annotator", external: true, passwordHash: null }).returning({ id: users.id }).get().id;
    externalUsers.set(name, id);
    return id;
  }

  try {
    let batch: ImportRecord[] = [];
    let done = 0;
    for await (const result of readRecords(asAsync(input.source()), readOptions)) {
      if (!("record" in result)) continue;
      batch.push(result.record);
      if (batch.length >= BATCH) {
        insertBatch(batch);
        done += batch.length;
        batch = [];
        input.onProgress?.(done);
      }
    }
    if (batch.length) insertBatch(batch);
  } catch (err) {
    removeItems(ctx, insertedIds);
    throw err;
  }

  ctx.db.transaction((tx) =>
    audit(tx, ctx, {
      action: "items.import",
      targetType: "project",
      targetId: project.id,
      detail: { inserted: summary.inserted, duplicates: summary.duplicates, annotations: summary.annotations, skipped_invalid: errorCount },
    }),
  );
  return summary;
}

function removeItems(ctx: Ctx, ids: number[]): void {
  ctx.db.transaction((tx) => {
    for (let i = 0; i < ids.length; i += 500) tx.delete(items).where(inArray(items.id, ids.slice(i, i + 500))).run();
  });
}
