// The shared public data sets these tests read (see test/helpers/shared-data.ts), and small
// helpers to feed bytes to the readers the way a file stream would.
import { readFileSync } from "node:fs";
import { gunzipSync } from "node:zlib";
import { readRecords, type ReadOptions } from "@/lib/formats/import/read";
import type { ReadResult } from "@/lib/formats/record";
import { HH_RLHF_TEST, PANDALM_TEST, sharedDataFile } from "../../helpers/shared-data";

export const HH_FILE = sharedDataFile(HH_RLHF_TEST);
export const PANDALM_FILE = sharedDataFile(PANDALM_TEST);

/** The HH-RLHF rows as parsed JSON, read independently of our reader. */
export function hhRows(): { chosen: string; rejected: string }[] {
  return gunzipSync(readFileSync(HH_FILE))
    .toString("utf8")
    .split("\n")
    .filter((l) => l.trim() !== "")
    .map((l) => JSON.parse(l));
}

/** Yields `data` in chunks of `size` bytes, like a stream with a small buffer. */
export async function* chunked(data: Uint8Array | string, size = 64 * 1024): AsyncGenerator<Uint8Array> {
  const bytes = typeof data === "string" ? Buffer.from(data, "utf8") : data;
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}

export async function readAll(data: Uint8Array | string, options?: ReadOptions, size?: number): Promise<ReadResult[]> {
  const out: ReadResult[] = [];
  for await (const result of readRecords(chunked(data, size), options)) out.push(result);
  return out;
}
