// vitest globalSetup of the `server-pg` project: the HTTP suites against a server on a fresh
// PostgreSQL database (vitest.config.mts leaves the project out when no PostgreSQL answers).
import type { TestProject } from "vitest/node";
import { setupServer } from "./server-setup";

export default function setup(project: TestProject) {
  return setupServer(project, "postgres");
}
