// Runs a TypeScript module's exported `run(args)` in its own process (for concurrency tests):
//   node test/helpers/run-ts.mjs test/helpers/annotator-worker.ts arg1 arg2 …
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
process.env.TSX_TSCONFIG_PATH ??= path.join(root, "tsconfig.json");
const require = createRequire(import.meta.url);
require("tsx/cjs/api").register();
const [modulePath, ...args] = process.argv.slice(2);
const mod = require(path.resolve(root, modulePath));
Promise.resolve(mod.run(args)).then(
  (result) => {
    process.stdout.write(JSON.stringify(result ?? null) + "\n");
  },
  (err) => {
    console.error(err?.stack ?? err);
    process.exitCode = 1;
  },
);
