// The import-boundary check (`npm run lint:deps`, part of `npm test`): a layer imports only layers
// below it, and nothing imports in a circle. From top to bottom:
//
//   app/                                  routes, pages, server actions
//   lib/cli/, lib/http/                   the adapters: the arbiter command; HTTP, session, forms
//   lib/services/                         domain logic and authorization
//   lib/auth/, db/                        permissions, passwords, secret; schema, connection, queries
//   lib/stats/, lib/formats/              pure code: each other's modules and npm packages only
//
// Routes in app/ also never open the database or write SQL themselves: they call services.
//
// lib/auth/session.ts and lib/auth/options.ts are next-auth adapters that call the users and tokens
// services to learn who is calling; they are checked as part of the adapter layer (lib/http), not
// with the rest of lib/auth. Type-only imports count: a type from a higher layer couples the same way.
// test/ may import anything and is not checked. Violations that predate this check and belong to
// code being rewritten elsewhere are listed in .dependency-cruiser-known-violations.json; remove an
// entry once its import is fixed (`npm run lint:deps:baseline` rewrites the file).

const APP = "^app/";
const ADAPTERS = "^(lib/cli/|lib/http/|lib/auth/(session|options)\\.ts$)";
const SERVICES = "^lib/services/";
const PURE = "^lib/(stats|formats)/";

/** A rule forbidding `from` to import any of `to`. */
function forbid(name, comment, from, to, fromNot) {
  return {
    name,
    comment,
    severity: "error",
    from: fromNot ? { path: from, pathNot: fromNot } : { path: from },
    to: { path: to },
  };
}

module.exports = {
  forbidden: [
    {
      name: "no-circular",
      comment: "Modules that import each other in a circle cannot be read (or loaded) one at a time.",
      severity: "error",
      from: {},
      to: { circular: true },
    },
    forbid("adapters-not-app", "lib/cli and lib/http are used by app/, never the other way round.", ADAPTERS, APP),
    forbid("services-not-above", "Services know nothing of routes, the CLI, HTTP or sessions: they take a Ctx.", SERVICES, `${APP}|${ADAPTERS}`),
    forbid(
      "auth-db-not-above",
      "lib/auth (but its next-auth adapters) and db/ sit under the services: they call none of them, nor anything above.",
      "^(lib/auth/|db/)",
      `${APP}|${ADAPTERS}|${SERVICES}`,
      "^lib/auth/(session|options)\\.ts$",
    ),
    forbid(
      "routes-call-services",
      "Routes, pages and actions reach the database through the services: no connection, query module or SQL driver in app/.",
      APP,
      "^db/(client|migrate|queries/)|node_modules/(drizzle-orm|better-sqlite3)/",
    ),
    {
      name: "pure-stays-pure",
      comment: "lib/stats and lib/formats are pure: they import each other and npm packages, nothing else of Arbiter's.",
      severity: "error",
      from: { path: PURE },
      to: { pathNot: `${PURE}|node_modules`, dependencyTypesNot: ["core", "npm", "npm-dev", "npm-optional", "npm-peer", "npm-no-pkg", "npm-unknown"] },
    },
    {
      name: "not-to-unresolvable",
      comment: "An import the checker cannot resolve would escape every rule above.",
      severity: "error",
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    exclude: { path: "^(\\.next|test/|db/migrations/)" },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    combinedDependencies: false,
    enhancedResolveOptions: {
      exportsFields: ["exports"],
      conditionNames: ["import", "require", "node", "default", "types"],
      extensions: [".ts", ".tsx", ".mts", ".cts", ".js", ".mjs", ".cjs", ".d.ts", ".json"],
      mainFields: ["module", "main", "types", "typings"],
    },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
