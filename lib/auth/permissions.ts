// Permissions are data: a map from role to scopes. The services refuse with it, the UI hides
// controls with it; nothing else decides who may do what.
import type { RoleName } from "@/db/schema/constants";

export const SCOPES = [
  "project:read", // see every project with its progress
  "project:write", // create and edit projects
  "item:import",
  "export:read",
  "user:manage",
  "token:manage",
  "assignment:work", // claim items and record judgments
  "judgment:read_all", // read other people's judgments
  "audit:read", // read the audit log
  "model:manage", // endpoints, contenders and generation runs (models in the loop)
] as const;
export type Scope = (typeof SCOPES)[number];

export const ROLE_SCOPES: Record<RoleName, readonly Scope[]> = {
  admin: SCOPES,
  manager: ["project:read", "judgment:read_all"],
  annotator: ["assignment:work"],
};

export function can(role: RoleName, scope: Scope): boolean {
  return ROLE_SCOPES[role].includes(scope);
}
