// Uploads are spooled to a temporary file so the importer can read them twice (validate, then insert)
// without holding the whole body in memory; the byte count stops the upload at its limit.
import type { ReadableStream as NodeReadableStream } from "node:stream/web";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { tooLarge } from "./guard";
import { uploadLimit } from "./limits";

/**
 * The media types a signed-in browser may upload an import as (README "Security"): the admin
 * page's import form sends `application/octet-stream`; each of these needs a CORS preflight
 * from another origin, so no other site can send one with the admin's cookie.
 */
export const UPLOAD_TYPES = [
  "application/octet-stream",
  "application/json",
  "application/x-ndjson",
  "application/jsonl",
  "application/gzip",
  "application/x-gzip",
  "text/csv",
] as const;

export async function spoolBody(request: Request | { body: ReadableStream<Uint8Array> | null }, limit = uploadLimit()) {
  const file = path.join(os.tmpdir(), `arbiter-upload-${process.pid}-${Date.now()}-${Math.random().toString(36).slice(2)}`);
  let size = 0;
  const counter = async function* (source: AsyncIterable<Uint8Array>) {
    for await (const chunk of source) {
      size += chunk.byteLength;
      if (size > limit) throw tooLarge(limit);
      yield chunk;
    }
  };
  try {
    // No body is an empty file: the importer answers "No records found: the file is empty" as for any empty upload.
    if (!request.body) await fs.promises.writeFile(file, "");
    else await pipeline(Readable.fromWeb(request.body as NodeReadableStream<Uint8Array>), counter, fs.createWriteStream(file));
  } catch (err) {
    await fs.promises.rm(file, { force: true });
    throw err;
  }
  return {
    size,
    open: () => fs.createReadStream(file),
    remove: () => fs.promises.rm(file, { force: true }),
  };
}
