// Every /api/v1 route as data, shared by the suites that must cover them all (authentication and
// roles in api.test.ts, the malformed-input corpus in security.test.ts). A new route must be added
// here: api.test.ts checks the list against app/api/v1.

/** Routes an annotator's role may not call at all (manager- or admin-only). */
export function notForAnnotators(slug: string): [string, string][] {
  return [
    ["POST", `/api/v1/projects/${slug}/items`],
    ["GET", `/api/v1/projects/${slug}/items`],
    ["PATCH", "/api/v1/items/1"],
    ["GET", `/api/v1/projects/${slug}/export?format=trl-dpo`],
    ["GET", `/api/v1/projects/${slug}/adjudication`],
    ["POST", "/api/v1/items/1/adjudication"],
    ["POST", "/api/v1/items/1/requeue"],
    ["GET", `/api/v1/projects/${slug}/stats`],
    ["GET", `/api/v1/projects/${slug}/stats.csv?table=annotators`],
    ["GET", "/api/v1/audit.csv"],
  ];
}

/** Every /api/v1 route, with a URL that reaches it. */
export function apiRoutes(slug: string): [string, string][] {
  return [
    ["POST", `/api/v1/projects/${slug}/assignments/next`],
    ["POST", "/api/v1/judgments"],
    ["POST", "/api/v1/assignments/1/skip"],
    ["POST", "/api/v1/assignments/1/undo"],
    ["PUT", "/api/v1/judgments/1"],
    ["GET", `/api/v1/projects/${slug}/judgments/mine`],
    ...notForAnnotators(slug),
  ];
}
