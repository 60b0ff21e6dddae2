// Turns a generator of text lines into a pull-based response body: memory stays flat because the
// next lines are produced only when the client has taken the previous chunk.
const CHUNK_BYTES = 64 * 1024;

export function streamLines(lines: Generator<string, void, undefined>): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      let buffer = "";
      while (buffer.length < CHUNK_BYTES) {
        const next = lines.next();
        if (next.done) {
          if (buffer) controller.enqueue(encoder.encode(buffer));
          controller.close();
          return;
        }
        buffer += next.value;
      }
      controller.enqueue(encoder.encode(buffer));
    },
    cancel() {
      lines.return();
    },
  });
}
