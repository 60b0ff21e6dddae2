#!/usr/bin/env node
// Entry of the `arbiter` command: loads the TypeScript CLI (lib/cli/main.ts) through tsx.
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
process.env.TSX_TSCONFIG_PATH ??= path.join(root, "tsconfig.json");
const require = createRequire(import.meta.url);
require("tsx/cjs/api").register();
const { main } = require("./main.ts");
const { closeDatabases } = require("../../db/client.ts");
main(process.argv.slice(2))
  .then(
    (code) => {
      process.exitCode = code;
    },
    (err) => {
      console.error(err instanceof Error ? err.stack : err);
      process.exitCode = 1;
    },
  )
  // The command is done: close its database (a PostgreSQL pool would keep the process alive for a while).
  .then(() => closeDatabases());
