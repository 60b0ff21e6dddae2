// Turns generators of text lines or bytes into pull-based response bodies: memory stays flat because
// the next lines or bytes are produced only when the client has taken the previous chunk.
const CHUNK_BYTES = 64 * 1024;

/** Lines from a generator, or from an async one (rows read from the database in batches as the client takes them). */
export function streamLines(lines: Generator<string, void, undefined> | AsyncGenerator<string, void, undefined>): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      let buffer = "";
      while (buffer.length < CHUNK_BYTES) {
        const next = await lines.next();
        if (next.done) {
          if (buffer) controller.enqueue(encoder.encode(buffer));
          controller.close();
          return;
        }
        buffer += next.value;
      }
      controller.enqueue(encoder.encode(buffer));
    },
    async cancel() {
      await lines.return();
    },
  });
}

/** Small chunks (page headers, magic bytes) are joined up to 64 KiB; a large one is passed on as it is. */
export function streamBytes(chunks: Generator<Uint8Array, void, undefined>): ReadableStream<Uint8Array> {
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      const parts: Uint8Array[] = [];
      let size = 0;
      for (;;) {
        const next = chunks.next();
        if (next.done) {
          if (size) controller.enqueue(join(parts, size));
          controller.close();
          return;
        }
        if (next.value.byteLength >= CHUNK_BYTES) {
          if (size) controller.enqueue(join(parts, size));
          controller.enqueue(next.value);
          return;
        }
        parts.push(next.value);
        size += next.value.byteLength;
        if (size >= CHUNK_BYTES) {
          controller.enqueue(join(parts, size));
          return;
        }
      }
    },
    cancel() {
      chunks.return();
    },
  });
}

function join(parts: Uint8Array[], size: number): Uint8Array {
  if (parts.length === 1) return parts[0];
  const out = new Uint8Array(size);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.byteLength;
  }
  return out;
}
