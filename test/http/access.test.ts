// The route × role matrix against the production server: every /api/v1 route (routes.ts, checked
// complete by api.test.ts) called with the token of each role and of a deactivated user. A role the
// route does not serve is refused with 403, a deactivated user with 401; a role it serves is never
// refused (it may still get 400 or 404 for the empty body and the ids used here).
import { beforeAll, describe, expect, it } from "vitest";
import { createProject } from "@/lib/services/projects";
import { createToken } from "@/lib/services/tokens";
import { createUser, setUserStatus } from "@/lib/services/users";
import { api, JSON_TYPE, serverInfo, systemCtx } from "../helpers/server";
import { routeAccess, type RoleName } from "./routes";

const SLUG = "access-suite";
const ROLES: readonly RoleName[] = ["annotator", "manager", "admin"];
let deactivatedToken = "";

beforeAll(async () => {
  const ctx = systemCtx();
  await createProject({ ctx, input: { status: "active", slug: SLUG, name: "Access suite" } });
  await createUser({ ctx, input: { email: "gone@test.local", role: "admin", password: "password-123" } });
  deactivatedToken = (await createToken({ ctx, input: { email: "gone@test.local" } })).token;
  await setUserStatus({ ctx, input: { email: "gone@test.local", status: "deactivated" } });
  await ctx.db.close();
});

function call(method: string, path: string, token: string) {
  return api(path, { method, token, headers: JSON_TYPE, body: method === "GET" ? undefined : "{}" });
}

describe("route × role", () => {
  const cases = routeAccess(SLUG).flatMap((r) => ROLES.map((role) => [r.method, r.path, role, r.roles.includes(role)] as const));

  it.each(cases)("%s %s as %s (served: %s)", async (method, path, role, served) => {
    const res = await call(method, path, serverInfo().users[role].token);
    if (served) expect([401, 403], `${role} is served by ${method} ${path}`).not.toContain(res.status);
    else {
      expect(res.status).toBe(403);
      expect((await res.json()).error.code).toBe("forbidden");
    }
  });

  it.each(routeAccess(SLUG).map((r) => [r.method, r.path] as const))("%s %s refuses a deactivated user's token with 401", async (method, path) => {
    const res = await call(method, path, deactivatedToken);
    expect(res.status).toBe(401);
    expect((await res.json()).error.code).toBe("unauthorized");
  });
});
