// Every /api/v1 route as data, with the roles that may call it, shared by the suites that must
// cover them all (authentication in api.test.ts, the role × route matrix in access.test.ts, the
// malformed-input corpus in security.test.ts). A new route must be added here: api.test.ts checks
// the list against app/api/v1.

export type RoleName = "annotator" | "manager" | "admin";

export interface RouteAccess {
  method: string;
  path: string;
  /** The roles the route serves; every other role is refused with 403, a deactivated user with 401. */
  roles: readonly RoleName[];
}

const WORK: readonly RoleName[] = ["annotator", "admin"];
const READ_ALL: readonly RoleName[] = ["manager", "admin"];
const ADMIN: readonly RoleName[] = ["admin"];

/** Every /api/v1 route, with a URL that reaches it and who may call it. */
export function routeAccess(slug: string): RouteAccess[] {
  return [
    { method: "POST", path: `/api/v1/projects/${slug}/assignments/next`, roles: WORK },
    { method: "POST", path: "/api/v1/judgments", roles: WORK },
    { method: "POST", path: "/api/v1/assignments/1/skip", roles: WORK },
    { method: "POST", path: "/api/v1/assignments/1/undo", roles: WORK },
    { method: "PUT", path: "/api/v1/judgments/1", roles: WORK },
    { method: "GET", path: `/api/v1/projects/${slug}/judgments/mine`, roles: WORK },
    { method: "POST", path: `/api/v1/projects/${slug}/items`, roles: ADMIN },
    { method: "GET", path: `/api/v1/projects/${slug}/items`, roles: ADMIN },
    { method: "PATCH", path: "/api/v1/items/1", roles: ADMIN },
    { method: "GET", path: `/api/v1/projects/${slug}/export?format=trl-dpo`, roles: ADMIN },
    { method: "GET", path: `/api/v1/projects/${slug}/adjudication`, roles: READ_ALL },
    { method: "POST", path: "/api/v1/items/1/adjudication", roles: READ_ALL },
    { method: "POST", path: "/api/v1/items/1/requeue", roles: READ_ALL },
    { method: "GET", path: `/api/v1/projects/${slug}/stats`, roles: READ_ALL },
    { method: "GET", path: `/api/v1/projects/${slug}/stats.csv?table=annotators`, roles: READ_ALL },
    { method: "GET", path: `/api/v1/projects/${slug}/report?tz=UTC`, roles: READ_ALL },
    { method: "GET", path: `/api/v1/projects/${slug}/report.csv?tz=UTC`, roles: READ_ALL },
    { method: "GET", path: `/api/v1/projects/${slug}/qualifications`, roles: READ_ALL },
    { method: "POST", path: `/api/v1/projects/${slug}/qualifications/reset`, roles: READ_ALL },
    { method: "GET", path: "/api/v1/audit.csv", roles: ADMIN },
    { method: "GET", path: "/api/v1/endpoints", roles: ADMIN },
    { method: "POST", path: "/api/v1/endpoints", roles: ADMIN },
    { method: "POST", path: "/api/v1/endpoints/local/test", roles: ADMIN },
    { method: "GET", path: "/api/v1/contenders", roles: ADMIN },
    { method: "POST", path: "/api/v1/contenders", roles: ADMIN },
    { method: "PATCH", path: "/api/v1/contenders/alpha", roles: ADMIN },
    { method: "GET", path: "/api/v1/judges", roles: ADMIN },
    { method: "POST", path: "/api/v1/judges", roles: ADMIN },
    { method: "GET", path: `/api/v1/projects/${slug}/generations`, roles: ADMIN },
    { method: "POST", path: `/api/v1/projects/${slug}/generations`, roles: ADMIN },
    { method: "GET", path: "/api/v1/generations/1", roles: ADMIN },
    { method: "DELETE", path: "/api/v1/generations/1", roles: ADMIN },
    { method: "GET", path: `/api/v1/projects/${slug}/judge-runs`, roles: ADMIN },
    { method: "POST", path: `/api/v1/projects/${slug}/judge-runs`, roles: ADMIN },
    { method: "GET", path: "/api/v1/judge-runs/1", roles: ADMIN },
    { method: "DELETE", path: "/api/v1/judge-runs/1", roles: ADMIN },
  ];
}

/** Routes an annotator's role may not call at all (manager- or admin-only). */
export function notForAnnotators(slug: string): [string, string][] {
  return routeAccess(slug)
    .filter((r) => !r.roles.includes("annotator"))
    .map((r) => [r.method, r.path]);
}

/** Every /api/v1 route, with a URL that reaches it. */
export function apiRoutes(slug: string): [string, string][] {
  return routeAccess(slug).map((r) => [r.method, r.path]);
}
