// Async iterables (export lines and chunks) read to the end, for assertions on the whole output.

/** Every value of `values`, in order (Array.fromAsync is not in Node 20). */
export async function collect<T>(values: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const value of values) out.push(value);
  return out;
}
