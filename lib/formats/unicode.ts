// Text Arbiter stores must be valid Unicode: a lone UTF-16 surrogate (from a JSON escape such as
// "\ud800") cannot be written as UTF-8, so an export would silently change it. Inputs are checked
// with this before anything is stored.

/** The path (`rationale`, `responses.0.content`, "" for the value itself) of the first string or key holding a lone surrogate. */
export function illFormedTextPath(value: unknown, path = ""): string | undefined {
  if (typeof value === "string") return value.isWellFormed() ? undefined : path;
  if (typeof value !== "object" || value === null) return undefined;
  const join = (key: string | number) => (path ? `${path}.${key}` : String(key));
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = illFormedTextPath(value[i], join(i));
      if (found !== undefined) return found;
    }
    return undefined;
  }
  for (const [key, v] of Object.entries(value)) {
    if (!key.isWellFormed()) return join(key.toWellFormed());
    const found = illFormedTextPath(v, join(key));
    if (found !== undefined) return found;
  }
  return undefined;
}

export const ILL_FORMED_TEXT = "contains an unpaired surrogate (\\ud800–\\udfff); text must be valid Unicode";
