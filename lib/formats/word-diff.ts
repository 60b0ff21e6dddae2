// A word-level diff between two texts (longest common subsequence over words and whitespace), for
// the workspace's side-by-side view of near-duplicate responses. Pure; no DOM.

export type DiffPart = { kind: "same" | "removed" | "added"; text: string };

/** Splits into words and the whitespace between them, so joining the parts gives the text back. */
function tokens(text: string): string[] {
  return text.match(/\s+|[^\s]+/g) ?? [];
}

/** Above this many token pairs the quadratic table is too big: the diff falls back to whole lines. */
const MAX_CELLS = 4_000_000;

export function wordDiff(before: string, after: string): DiffPart[] {
  const words = diffTokens(tokens(before), tokens(after));
  if (words) return words;
  const lines = diffTokens(before.split(/(?<=\n)/), after.split(/(?<=\n)/));
  return lines ?? [{ kind: "removed", text: before }, { kind: "added", text: after }].filter((p) => p.text) as DiffPart[];
}

/** Diffs two token lists; null when what is left after trimming the common ends is too big. */
function diffTokens(a: string[], b: string[]): DiffPart[] | null {
  // Trim the common head and tail first: near-duplicates differ in a few places.
  let head = 0;
  while (head < a.length && head < b.length && a[head] === b[head]) head++;
  let tail = 0;
  while (tail < a.length - head && tail < b.length - head && a[a.length - 1 - tail] === b[b.length - 1 - tail]) tail++;
  const A = a.slice(head, a.length - tail);
  const B = b.slice(head, b.length - tail);
  const n = A.length;
  const m = B.length;
  if (n * m > MAX_CELLS) return null;
  const w = m + 1;
  const lcs = new Uint32Array((n + 1) * w);
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      lcs[i * w + j] = A[i] === B[j] ? lcs[(i + 1) * w + j + 1] + 1 : Math.max(lcs[(i + 1) * w + j], lcs[i * w + j + 1]);
    }
  }
  const parts: DiffPart[] = [];
  const push = (kind: DiffPart["kind"], text: string) => {
    if (!text) return;
    const prev = parts[parts.length - 1];
    if (prev && prev.kind === kind) prev.text += text;
    else parts.push({ kind, text });
  };
  push("same", a.slice(0, head).join(""));
  let i = 0;
  let j = 0;
  while (i < n && j < m) {
    if (A[i] === B[j]) {
      push("same", A[i++]);
      j++;
    } else if (lcs[(i + 1) * w + j] >= lcs[i * w + j + 1]) push("removed", A[i++]);
    else push("added", B[j++]);
  }
  while (i < n) push("removed", A[i++]);
  while (j < m) push("added", B[j++]);
  push("same", a.slice(a.length - tail).join(""));
  return parts;
}
