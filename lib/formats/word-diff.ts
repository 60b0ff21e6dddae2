// A word-level diff between two texts, for the workspace's side-by-side view of near-duplicate
// responses. Pure; no DOM. The diffing is jsdiff's (Myers' O(ND) algorithm: fast when the texts
// differ in a few places, however long they are).
import { diffLines, diffWordsWithSpace, type ChangeObject } from "diff";

export type DiffPart = { kind: "same" | "removed" | "added"; text: string };

/**
 * Past this many inserted or removed tokens the two texts are not near-duplicates and a word diff
 * would only cost time: the diff falls back to whole lines, then to "all removed, all added".
 */
const MAX_EDITS = 2_000;

export function wordDiff(before: string, after: string): DiffPart[] {
  const changes = diffWordsWithSpace(before, after, { maxEditLength: MAX_EDITS }) ?? diffLines(before, after, { maxEditLength: MAX_EDITS });
  if (changes) return partsOf(changes);
  return ([{ kind: "removed", text: before }, { kind: "added", text: after }] as DiffPart[]).filter((p) => p.text);
}

/** jsdiff's change objects as parts; neighbours of one kind merge, so each change is one part. */
function partsOf(changes: ChangeObject<string>[]): DiffPart[] {
  const parts: DiffPart[] = [];
  for (const c of changes) {
    if (!c.value) continue;
    const kind = c.added ? "added" : c.removed ? "removed" : "same";
    const prev = parts[parts.length - 1];
    if (prev && prev.kind === kind) prev.text += c.value;
    else parts.push({ kind, text: c.value });
  }
  return parts;
}
