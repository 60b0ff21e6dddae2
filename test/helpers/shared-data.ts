// The published data sets some tests read (PandaLM, HH-RLHF) live outside the repository, in
// ../shared/data (or wherever ARBITER_SHARED_DATA points). A test that needs one asks here: when the
// file is there it runs; when it is missing it is skipped with one message saying where the file is
// expected, and under CI=true it fails with that message instead, so CI never passes without them.
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, it } from "vitest";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

/** The folder holding the shared data sets: ARBITER_SHARED_DATA, else ../shared/data from the repository root. */
export const SHARED_DATA_DIR = path.resolve(ROOT, process.env.ARBITER_SHARED_DATA ?? "../shared/data");

export const PANDALM_TEST = "pandalm-testset-v1.json";
export const HH_RLHF_TEST = "hh-rlhf-harmless-base-test.jsonl.gz";

/** The absolute path of a shared data file (whether or not it is there). */
export function sharedDataFile(name: string): string {
  return path.join(SHARED_DATA_DIR, name);
}

type Body = () => void | Promise<void>;

export interface SharedData {
  /** The absolute paths of the requested files, in the order asked. */
  files: string[];
  /** Why the tests below cannot run, or undefined when every file is there. */
  missing?: string;
  /** `describe` that runs, skips (file missing) or fails (file missing under CI=true). */
  describe: (name: string, body: () => void) => void;
  /** `it` that runs, skips or fails the same way, for a single test in an otherwise self-contained block. */
  it: (name: string, body: Body, timeout?: number) => void;
}

/**
 * Declares that the tests built with the returned `describe`/`it` read these shared files. Read the
 * files inside the tests or their hooks, never at module load, so a missing file skips cleanly.
 */
export function needsSharedData(...names: string[]): SharedData {
  const files = names.map(sharedDataFile);
  const absent = files.filter((f) => !fs.existsSync(f));
  if (absent.length === 0) return { files, describe: (name, body) => describe(name, body), it: (name, body, timeout) => it(name, body, timeout) };

  const missing =
    `${absent.join(" and ")} ${absent.length === 1 ? "is" : "are"} missing: put the shared data sets in ${SHARED_DATA_DIR} ` +
    `(or set ARBITER_SHARED_DATA to their folder)`;
  if (process.env.CI === "true") {
    return {
      files,
      missing,
      describe: (name, body) =>
        describe(name, () => {
          beforeAll(() => {
            throw new Error(missing);
          });
          body();
        }),
      it: (name) =>
        it(name, () => {
          throw new Error(missing);
        }),
    };
  }
  warnOnce(missing);
  return {
    files,
    missing,
    describe: (name, body) => describe.skip(name, body),
    it: (name, body, timeout) => it.skip(name, body, timeout),
  };
}

const warned = new Set<string>();
function warnOnce(message: string): void {
  if (warned.has(message)) return;
  warned.add(message);
  console.warn(`Skipped: ${message}`);
}
