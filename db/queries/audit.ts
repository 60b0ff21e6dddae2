// The audit log's statements: the row every mutation writes, and the filtered, newest-first reading
// of the log for the admin page and its CSV download.
import { defineQuery, jsonOrNull, num, str, strOrNull } from "../engine";

/** Params: actor_id, action, target_type, target_id, project_id, detail (jsonText or null), created_at (at). */
export const AUDIT_INSERT = defineQuery(
  "audit.insert",
  "insert into audit_log (actor_id, action, target_type, target_id, project_id, detail, created_at) values (?, ?, ?, ?, ?, ?, ?)",
);

export interface AuditEntryRow {
  id: number;
  createdAt: number;
  actor: string | null;
  action: string;
  targetType: string;
  targetId: string | null;
  project: string | null;
  detail: Record<string, unknown> | null;
}

/**
 * Entries matching the filters, newest first: every filter param is null for "any". Params: user
 * email (twice: what they did, and what was done to their account), exact action (twice), action
 * prefix as a `like` pattern (twice), project slug (twice), from and to (timestamps, or null), the
 * id to start below (keyset paging for the CSV download; a huge number for the first batch), limit,
 * offset. Actions are matched case-insensitively by prefix, as SQLite's `like` always did.
 */
export const AUDIT_ENTRIES = defineQuery(
  "audit.entries",
  (d) => `select a.id, a.created_at, u.email as actor, a.action, a.target_type, a.target_id, p.slug as project, a.detail
    from audit_log a
    left join users u on u.id = a.actor_id
    left join projects p on p.id = a.project_id
    where (cast(? as text) is null or u.email = ?
           or (a.target_type = 'user' and a.target_id = (select cast(x.id as text) from users x where x.email = ?)))
      and (cast(? as text) is null or a.action = ?)
      and (cast(? as text) is null or a.action ${d.ilike} ? escape '!')
      and (cast(? as text) is null or p.slug = ?)
      and a.created_at >= coalesce(?, a.created_at)
      and a.created_at <= coalesce(?, a.created_at)
      and a.id < cast(? as bigint)
    order by a.id desc
    limit ? offset ?`,
  (r): AuditEntryRow => ({
    id: num(r.id),
    createdAt: num(r.created_at),
    actor: strOrNull(r.actor),
    action: str(r.action),
    targetType: str(r.target_type),
    targetId: strOrNull(r.target_id),
    project: strOrNull(r.project),
    detail: jsonOrNull<Record<string, unknown>>(r.detail),
  }),
);
