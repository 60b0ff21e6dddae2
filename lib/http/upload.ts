// Uploads are spooled to a temporary file so the importer can read them twice (validate, then insert)
// without holding the whole body in memory.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { AppError } from "@/lib/services/errors";

export const MAX_UPLOAD_BYTES = 1024 * 1024 * 1024;

export async function spoolBody(request: Request | { body: ReadableStream<Uint8Array> | null }) {
  if (!request.body) throw new AppError("bad_request", "The request has no body: send JSONL or a JSON array.");
  const file = path.join(os.tmpdir(), `arbiter-upload-${process.pid}-${Date.now()}-${Math.random().toString(36).slice(2)}`);
  let size = 0;
  const counter = async function* (source: AsyncIterable<Uint8Array>) {
    for await (const chunk of source) {
      size += chunk.byteLength;
      if (size > MAX_UPLOAD_BYTES) throw new AppError("payload_too_large", `Upload is larger than ${MAX_UPLOAD_BYTES} bytes.`);
      yield chunk;
    }
  };
  try {
    await pipeline(Readable.fromWeb(request.body as never), counter, fs.createWriteStream(file));
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
