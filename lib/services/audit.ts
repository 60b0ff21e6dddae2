// The audit log: rows written inside the caller's transaction (so an action and its record commit
// together), and read back, filtered and paged, by admins.
import { z } from "zod";
import { at, jsonText, type Engine } from "@/db/engine";
import { AUDIT_ENTRIES, AUDIT_INSERT, type AuditEntryRow } from "@/db/queries/audit";
import { nowOf, requireScope, type Ctx } from "./context";
import { parseInput } from "./errors";

/** Writes the audit row of an action, in the transaction `tx` that does the action. */
export async function audit(tx: Pick<Engine, "exec">, ctx: Ctx, entry: AuditRecord): Promise<void> {
  const params = [
    ctx.caller?.userId ?? null,
    entry.action,
    entry.targetType,
    entry.targetId == null ? null : String(entry.targetId),
    // An action on a project concerns that project; others name theirs when they know it.
    entry.projectId ?? (entry.targetType === "project" && entry.targetId != null ? Number(entry.targetId) : null),
    entry.detail == null ? null : jsonText(entry.detail),
    at(nowOf(ctx)),
  ] as const;
  await tx.exec(AUDIT_INSERT, params);
}

export interface AuditRecord {
  action: string;
  targetType: string;
  targetId?: string | number | null;
  projectId?: number | null;
  detail?: Record<string, unknown>;
}

// Reading the log: the admin audit page and its CSV download.

export const auditQuery = z.object({
  /** A user's email: what they did, and what was done to their account (failed sign-ins included). */
  user: z.string().trim().toLowerCase().max(320).optional(),
  /** An action (`user.role`) or a family of them (`auth.` matches every sign-in action). */
  action: z.string().trim().max(100).optional(),
  /** A project's slug. */
  project: z.string().trim().max(100).optional(),
  /** Inclusive bounds, as ISO dates or date-times (UTC). */
  from: isoTime("from").optional(),
  to: isoTime("to").optional(),
  page: z.coerce.number({ message: "must be a page number" }).int().min(1).max(100_000).default(1),
});
export type AuditQuery = z.input<typeof auditQuery>;

function isoTime(field: string) {
  return z
    .string()
    .trim()
    .refine((v) => !Number.isNaN(Date.parse(v)), `${field}: must be a date such as 2026-12-03 or 2026-12-03T12:00`)
    .transform((v) => (/^\d{4}-\d{2}-\d{2}$/.test(v) ? v : v.endsWith("Z") || /[+-]\d{2}:\d{2}$/.test(v) ? v : `${v}Z`));
}

export interface AuditEntry {
  id: number;
  at: string;
  actor: string | null;
  action: string;
  target_type: string;
  target_id: string | null;
  project: string | null;
  detail: Record<string, unknown> | null;
}

export const AUDIT_PAGE_SIZE = 50;

/** The filter params of AUDIT_ENTRIES (null for "any"); `before` and the page come after them. */
function filterParams(q: z.output<typeof auditQuery>) {
  const prefix = q.action?.endsWith(".") ? `${q.action.replace(/[!%_]/g, "")}%` : null;
  const exact = q.action && !q.action.endsWith(".") ? q.action : null;
  const user = q.user || null;
  const project = q.project || null;
  const from = q.from ? at(Date.parse(q.from)) : null;
  // A bare date as the upper bound means the whole of that day.
  const to = q.to ? at(Date.parse(q.to) + (/^\d{4}-\d{2}-\d{2}$/.test(q.to) ? 86_400_000 - 1 : 0)) : null;
  return [user, user, user, exact, exact, prefix, prefix, project, project, from, to];
}

function entryOf(r: AuditEntryRow): AuditEntry {
  return {
    id: r.id,
    at: new Date(r.createdAt).toISOString(),
    actor: r.actor,
    action: r.action,
    target_type: r.targetType,
    target_id: r.targetId,
    project: r.project,
    detail: r.detail,
  };
}

/** One page of the audit log, newest first, with the filters applied. */
export async function listAudit({ ctx, input }: { ctx: Ctx; input: AuditQuery }): Promise<{ entries: AuditEntry[]; page: number; hasMore: boolean }> {
  requireScope(ctx, "audit:read");
  const q = parseInput(auditQuery, input);
  const rows = await ctx.db.many(AUDIT_ENTRIES, [...filterParams(q), Number.MAX_SAFE_INTEGER, AUDIT_PAGE_SIZE + 1, (q.page - 1) * AUDIT_PAGE_SIZE]);
  return { entries: rows.slice(0, AUDIT_PAGE_SIZE).map(entryOf), page: q.page, hasMore: rows.length > AUDIT_PAGE_SIZE };
}

export const AUDIT_CSV_COLUMNS = ["id", "at", "actor", "action", "target_type", "target_id", "project", "detail"] as const;

const BATCH = 1000;

/**
 * Every entry matching the filters (the page is ignored), newest first, read in batches below the
 * last id seen, so memory stays flat and no transaction stays open while a client downloads slowly.
 * Authorization happens on the call, before the first line is produced.
 */
export function auditEntries({ ctx, input }: { ctx: Ctx; input: AuditQuery }): AsyncGenerator<AuditEntry, void, undefined> {
  requireScope(ctx, "audit:read");
  const q = parseInput(auditQuery, input);
  const filters = filterParams(q);
  return (async function* () {
    let before = Number.MAX_SAFE_INTEGER;
    for (;;) {
      const rows = await ctx.db.many(AUDIT_ENTRIES, [...filters, before, BATCH, 0]);
      for (const r of rows) yield entryOf(r);
      if (rows.length < BATCH) return;
      before = rows[rows.length - 1].id;
    }
  })();
}
