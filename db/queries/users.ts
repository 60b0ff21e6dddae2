// Statements on accounts (the users table): creating and reading users, their credentials, role,
// status, skills and the session version that ends every session of a user at once.
import { bool, defineQuery, json, num, numOrNull, str, strOrNull, type Row } from "../engine";
import type { RoleName, UserStatus } from "../schema/constants";

/** A user as the services show it (never the password hash). */
export interface UserRow {
  id: number;
  email: string;
  name: string;
  role: RoleName;
  external: boolean;
  status: UserStatus;
  lastSignInAt: number | null;
  createdAt: number;
  /** What the user knows: sorted, lowercase tags that routing matches to items' tags. */
  skills: string[];
}

const USER_COLUMNS = "id, email, name, role, external, status, last_sign_in_at, created_at, skills";

function userRow(r: Row): UserRow {
  return {
    id: num(r.id),
    email: str(r.email),
    name: str(r.name),
    role: str(r.role) as RoleName,
    external: bool(r.external),
    status: str(r.status) as UserStatus,
    lastSignInAt: numOrNull(r.last_sign_in_at),
    createdAt: num(r.created_at),
    skills: json<string[]>(r.skills),
  };
}

export const USER_BY_ID = defineQuery("users.byId", `select ${USER_COLUMNS} from users where id = ?`, userRow);

/** By normalised (trimmed, lower-case) email. */
export const USER_BY_EMAIL = defineQuery("users.byEmail", `select ${USER_COLUMNS} from users where email = ?`, userRow);

export const USERS_ALL = defineQuery("users.all", `select ${USER_COLUMNS} from users order by id`, userRow);

export const USER_EMAILS = defineQuery("users.emails", "select email from users", (r) => str(r.email));

export const USER_COUNT = defineQuery("users.count", "select count(*) as n from users", (r) => num(r.n));

/** Params: email, name, role, password hash (null for none), skills (jsonText). */
export const USER_INSERT = defineQuery(
  "users.insert",
  `insert into users (email, name, role, password_hash, skills) values (?, ?, ?, ?, ?) returning ${USER_COLUMNS}`,
  userRow,
);

/** Active admins who can sign in, other than the user given. */
export const OTHER_ACTIVE_ADMINS = defineQuery(
  "users.otherActiveAdmins",
  "select count(*) as n from users where role = 'admin' and status = 'active' and external = false and id <> ?",
  (r) => num(r.n),
);

/** A new password hash; every session of the user ends. Params: hash, user id. */
export const USER_SET_PASSWORD = defineQuery("users.setPassword", "update users set password_hash = ?, session_version = session_version + 1 where id = ?");

/** A new status; every session of the user ends. Params: status, user id. */
export const USER_SET_STATUS = defineQuery(
  "users.setStatus",
  `update users set status = ?, session_version = session_version + 1 where id = ? returning ${USER_COLUMNS}`,
  userRow,
);

/** A new role; every session of the user ends. Params: role, user id. */
export const USER_SET_ROLE = defineQuery(
  "users.setRole",
  `update users set role = ?, session_version = session_version + 1 where id = ? returning ${USER_COLUMNS}`,
  userRow,
);

/** Params: skills (jsonText), user id. */
export const USER_SET_SKILLS = defineQuery("users.setSkills", `update users set skills = ? where id = ? returning ${USER_COLUMNS}`, userRow);

/** An import's update of an existing user. Params: skills (jsonText), name (null keeps it), user id. */
export const USER_SET_SKILLS_AND_NAME = defineQuery("users.setSkillsAndName", "update users set skills = ?, name = coalesce(?, name) where id = ?");

export const USER_SKILLS = defineQuery("users.skills", "select skills from users where id = ?", (r) => json<string[]>(r.skills));

export const USER_PASSWORD_HASH = defineQuery("users.passwordHash", "select password_hash from users where id = ?", (r) => strOrNull(r.password_hash));

export interface CredentialsRow {
  id: number;
  email: string;
  role: RoleName;
  status: UserStatus;
  passwordHash: string | null;
  sessionVersion: number;
}

/** What a sign-in checks, by normalised email. */
export const USER_CREDENTIALS = defineQuery(
  "users.credentials",
  "select id, email, role, status, password_hash, session_version from users where email = ?",
  (r): CredentialsRow => ({
    id: num(r.id),
    email: str(r.email),
    role: str(r.role) as RoleName,
    status: str(r.status) as UserStatus,
    passwordHash: strOrNull(r.password_hash),
    sessionVersion: num(r.session_version),
  }),
);

/** A successful sign-in: when, and the upgraded hash (null keeps the stored one). Params: at, hash, user id. */
export const USER_RECORD_SIGN_IN = defineQuery("users.recordSignIn", "update users set last_sign_in_at = ?, password_hash = coalesce(?, password_hash) where id = ?");

export interface SessionUserRow {
  id: number;
  email: string;
  role: RoleName;
  external: boolean;
  status: UserStatus;
  sessionVersion: number;
}

/** What a request checks against its session (one primary-key read). */
export const SESSION_USER = defineQuery(
  "users.session",
  "select id, email, role, external, status, session_version from users where id = ?",
  (r): SessionUserRow => ({
    id: num(r.id),
    email: str(r.email),
    role: str(r.role) as RoleName,
    external: bool(r.external),
    status: str(r.status) as UserStatus,
    sessionVersion: num(r.session_version),
  }),
);

/** Moves the session version on, only from the version given (a current session). Params: user id, version. */
export const END_SESSIONS = defineQuery(
  "users.endSessions",
  "update users set session_version = session_version + 1 where id = ? and session_version = ? returning email, role",
  (r) => ({ email: str(r.email), role: str(r.role) as RoleName }),
);
