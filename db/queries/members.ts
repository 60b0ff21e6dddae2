// Statements on project membership: who works on a members-only project, and the leases that end
// when a member is removed.
import { defineQuery, num, str } from "../engine";
import type { ProjectVisibility, RoleName } from "../schema/constants";

export const MEMBERSHIP_PROJECT = defineQuery(
  "members.project",
  "select id, visibility from projects where slug = ?",
  (r) => ({ id: num(r.id), visibility: str(r.visibility) as ProjectVisibility }),
);

/** Params: project id, user id. Changes nothing for a member already there. */
export const MEMBER_ADD = defineQuery("members.add", "insert into project_members (project_id, user_id) values (?, ?) on conflict do nothing");

export const PROJECT_MEMBERS_ONLY = defineQuery("members.membersOnly", "update projects set visibility = 'members' where id = ?");

/** Params: project id, user id. */
export const MEMBER_REMOVE = defineQuery("members.remove", "delete from project_members where project_id = ? and user_id = ?");

/** Ends a user's open leases in a project now. Params: now, project id, user id, now. */
export const MEMBER_END_LEASES = defineQuery(
  "members.endLeases",
  "update assignments set expires_at = ? where project_id = ? and user_id = ? and status = 'leased' and expires_at > ?",
);

export interface MemberRow {
  id: number;
  email: string;
  name: string;
  role: RoleName;
}

export const MEMBERS_OF_PROJECT = defineQuery(
  "members.ofProject",
  "select u.id, u.email, u.name, u.role from project_members m join users u on u.id = m.user_id where m.project_id = ? order by u.email, u.id",
  (r): MemberRow => ({ id: num(r.id), email: str(r.email), name: str(r.name), role: str(r.role) as RoleName }),
);
