// The audit log: rows written inside the caller's transaction (so an action and its record commit
// together), and read back, filtered and paged, by admins.
import { and, desc, eq, gte, like, lt, lte, or, sql, type SQL } from "drizzle-orm";
import { z } from "zod";
import type { Db } from "@/db/client";
import { at, defineQuery, jsonText, type Engine } from "@/db/engine";
import { auditLog, projects, users } from "@/db/schema";
import { prepared } from "./statements";
import { nowOf, requireScope, type Ctx } from "./context";
import { parseInput } from "./errors";

// TRANSITION (issue 11): services moved to the engine interface pass their write's `tx` (an Engine)
// and await the call. On SQLite it is the same connection, which `prepared` reaches; on PostgreSQL
// the row goes through the engine. The "judging" move replaces this with the engine version.
type Tx = Pick<Db, "insert"> | Engine;

const INSERT_THROUGH_ENGINE = defineQuery(
  "audit.insertTransition",
  "insert into audit_log (actor_id, action, target_type, target_id, project_id, detail, created_at) values (?, ?, ?, ?, ?, ?, ?)",
);

export function audit(
  tx: Tx,
  ctx: Ctx,
  entry: { action: string; targetType: string; targetId?: string | number | null; projectId?: number | null; detail?: Record<string, unknown> },
): void | Promise<void> {
  const values = {
    actorId: ctx.caller?.userId ?? null,
    action: entry.action,
    targetType: entry.targetType,
    targetId: entry.targetId == null ? null : String(entry.targetId),
    // An action on a project concerns that project; others name theirs when they know it.
    projectId: entry.projectId ?? (entry.targetType === "project" && entry.targetId != null ? Number(entry.targetId) : null),
    detail: entry.detail ?? null,
    createdAt: nowOf(ctx),
  };
  if ((tx as Engine).kind === "postgres") {
    const { actorId, action, targetType, targetId, projectId, detail, createdAt } = values;
    return (tx as Engine).exec(INSERT_THROUGH_ENGINE, [actorId, action, targetType, targetId, projectId, detail == null ? null : jsonText(detail), at(createdAt)]).then(() => undefined);
  }
  // Busy paths (skips, revisions, undos) write an audit row: a statement prepared once per connection,
  // on the transaction's own connection, costs a fraction of building the insert through drizzle.
  prepared(tx, "insert into audit_log (actor_id, action, target_type, target_id, project_id, detail, created_at) values (?, ?, ?, ?, ?, ?, ?)").run(values.actorId, values.action, values.targetType, values.targetId, values.projectId, values.detail == null ? null : JSON.stringify(values.detail), values.createdAt);
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

function conditions(q: z.output<typeof auditQuery>) {
  const where: SQL[] = [];
  if (q.user) {
    const account = sql`(select cast(${users.id} as text) from ${users} where ${users.email} = ${q.user})`;
    where.push(or(eq(users.email, q.user), and(eq(auditLog.targetType, "user"), eq(auditLog.targetId, account)))!);
  }
  if (q.action) where.push(q.action.endsWith(".") ? like(auditLog.action, `${q.action.replace(/[%_]/g, "")}%`) : eq(auditLog.action, q.action));
  if (q.project) where.push(eq(projects.slug, q.project));
  if (q.from) where.push(gte(auditLog.createdAt, Date.parse(q.from)));
  // A bare date as the upper bound means the whole of that day.
  if (q.to) where.push(lte(auditLog.createdAt, Date.parse(q.to) + (/^\d{4}-\d{2}-\d{2}$/.test(q.to) ? 86_400_000 - 1 : 0)));
  return where.length ? and(...where) : undefined;
}

function selectEntries(ctx: Ctx, q: z.output<typeof auditQuery>) {
  return ctx.db
    .select({
      id: auditLog.id,
      createdAt: auditLog.createdAt,
      actor: users.email,
      action: auditLog.action,
      targetType: auditLog.targetType,
      targetId: auditLog.targetId,
      project: projects.slug,
      detail: auditLog.detail,
    })
    .from(auditLog)
    .leftJoin(users, eq(users.id, auditLog.actorId))
    .leftJoin(projects, eq(projects.id, auditLog.projectId))
    .where(conditions(q))
    .orderBy(desc(auditLog.id))
    .$dynamic();
}

type EntryRow = Awaited<ReturnType<ReturnType<typeof selectEntries>["all"]>>[number];

function entryOf(r: EntryRow): AuditEntry {
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
export function listAudit({ ctx, input }: { ctx: Ctx; input: AuditQuery }): { entries: AuditEntry[]; page: number; hasMore: boolean } {
  requireScope(ctx, "audit:read");
  const q = parseInput(auditQuery, input);
  const rows = selectEntries(ctx, q)
    .limit(AUDIT_PAGE_SIZE + 1)
    .offset((q.page - 1) * AUDIT_PAGE_SIZE)
    .all();
  return { entries: rows.slice(0, AUDIT_PAGE_SIZE).map(entryOf), page: q.page, hasMore: rows.length > AUDIT_PAGE_SIZE };
}

export const AUDIT_CSV_COLUMNS = ["id", "at", "actor", "action", "target_type", "target_id", "project", "detail"] as const;

/**
 * Every entry matching the filters (the page is ignored), newest first, read in batches so memory
 * stays flat. Authorization happens on the call, before the first line is produced.
 */
export function auditEntries({ ctx, input }: { ctx: Ctx; input: AuditQuery }): Generator<AuditEntry, void, undefined> {
  requireScope(ctx, "audit:read");
  const q = parseInput(auditQuery, input);
  return (function* () {
    let before = Number.MAX_SAFE_INTEGER;
    for (;;) {
      const rows = selectEntries(ctx, q).where(and(conditions(q), lt(auditLog.id, before))).limit(1000).all();
      for (const r of rows) yield entryOf(r);
      if (rows.length < 1000) return;
      before = rows[rows.length - 1].id;
    }
  })();
}
