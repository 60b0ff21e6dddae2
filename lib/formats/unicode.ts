// Text Arbiter stores must be valid Unicode: a lone UTF-16 surrogate (from a JSON escape such as
// "\ud800") cannot be written as UTF-8, so an export would silently change it. And it must hold no
// NUL character (U+0000): PostgreSQL stores none in text or JSON, so no engine takes one and a file
// imports the same everywhere. Inputs are checked with these before anything is stored.

/** The path (`rationale`, `responses.0.content`, "" for the value itself) of the first string or key `bad` refuses. */
function firstTextPath(value: unknown, bad: (text: string) => boolean, show: (key: string) => string, path = ""): string | undefined {
  if (typeof value === "string") return bad(value) ? path : undefined;
  if (typeof value !== "object" || value === null) return undefined;
  const join = (key: string | number) => (path ? `${path}.${key}` : String(key));
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = firstTextPath(value[i], bad, show, join(i));
      if (found !== undefined) return found;
    }
    return undefined;
  }
  for (const [key, v] of Object.entries(value)) {
    if (bad(key)) return join(show(key));
    const found = firstTextPath(v, bad, show, join(key));
    if (found !== undefined) return found;
  }
  return undefined;
}

/** The path (`rationale`, `responses.0.content`, "" for the value itself) of the first string or key holding a lone surrogate. */
export function illFormedTextPath(value: unknown): string | undefined {
  return firstTextPath(value, (s) => !s.isWellFormed(), (key) => key.toWellFormed());
}

export const ILL_FORMED_TEXT = "contains an unpaired surrogate (\\ud800–\\udfff); text must be valid Unicode";

/** The path of the first string or key holding a NUL character (a key's NUL shown as `\u0000`). */
export function nulTextPath(value: unknown): string | undefined {
  return firstTextPath(value, (s) => s.includes("\u0000"), (key) => key.replaceAll("\u0000", "\\u0000"));
}

export const NUL_TEXT = "contains a NUL character (\\u0000), which cannot be stored";
