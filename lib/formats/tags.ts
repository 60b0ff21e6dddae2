// Skills and tags: what an annotator knows and what an item needs, as short lowercase words
// (`code`, `medical`, `lang:de`). Routing matches an item's tags against an annotator's skills
// through the item's tag key: its tags sorted and joined with "|", "" for an untagged item.
// Pure, so the importer, the services, the CLI and the forms share one rule.

import { FormatError } from "./errors";

/** A skill or tag: lowercase letters, digits and `:-_.`, 1–40 characters. */
export const TAG_PATTERN = /^[a-z0-9:._-]{1,40}$/;
export const TAG_RULE = "lowercase letters, digits and : - _ . (1–40 characters)";
/** Most skills one annotator holds, and most tags one item carries. */
export const MAX_SKILLS = 50;
export const MAX_TAGS = 50;
/** Joins the tags of a tag key; not a character a tag may hold. */
const KEY_SEPARATOR = "|";

/** Splits a text list on `;` or `|` (CSV cells, import fields, the CLI's `--set a,b` uses `,` too). */
export function splitTagList(text: string, separators: RegExp = /[;|]/): string[] {
  return text
    .split(separators)
    .map((t) => t.trim())
    .filter((t) => t !== "");
}

/**
 * Reads tags from an array of strings or a `;`/`|`-separated string: trimmed, lowercased, checked,
 * duplicates dropped, sorted. Throws a FormatError at `field` naming the offending tag.
 */
export function readTags(value: unknown, field: string, max = MAX_TAGS): string[] {
  if (value === undefined || value === null || value === "") return [];
  let raw: unknown[];
  if (typeof value === "string") raw = splitTagList(value);
  else if (Array.isArray(value)) raw = value;
  else throw new FormatError(`expected a list of tags or a ";"-separated string, got ${typeof value}`, { field });
  const tags = new Set<string>();
  raw.forEach((t, i) => {
    if (typeof t !== "string") throw new FormatError(`expected text, got ${t === null ? "null" : typeof t}`, { field: Array.isArray(value) ? `${field}[${i}]` : field });
    const tag = t.trim().toLowerCase();
    if (!TAG_PATTERN.test(tag)) throw new FormatError(`"${t}" is not a valid tag: use ${TAG_RULE}`, { field });
    tags.add(tag);
  });
  if (tags.size > max) throw new FormatError(`at most ${max} allowed, got ${tags.size}`, { field });
  return [...tags].sort();
}

/** The tag key of a set of tags (sorted, joined; "" for none): what claims compare. */
export function tagKey(tags: readonly string[]): string {
  return [...new Set(tags)].sort().join(KEY_SEPARATOR);
}

/** The tags of a tag key. */
export function tagsOfKey(key: string): string[] {
  return key === "" ? [] : key.split(KEY_SEPARATOR);
}

/** How a project routes items to annotators by their skills. */
export const ROUTING_RULES = ["open", "required", "preferred"] as const;
export type RoutingRule = (typeof ROUTING_RULES)[number];

/**
 * Which of a project's tag keys an annotator may be served, in one pass of the claim.
 * - `required`: keys whose tags the annotator holds all of (untagged items included);
 * - `preferred`: first pass the tagged keys they hold all of, then (second pass) every key;
 * - `open`: every key.
 * Narrowing (`chosen`, a subset of the skills) keeps only keys sharing a tag with it.
 * Returns null for "every key, no restriction" (the unrouted claim).
 */
export function servableKeys(input: { keys: readonly string[]; rule: RoutingRule; skills: readonly string[]; chosen: readonly string[] | null; pass: "first" | "rest" }): string[] | null {
  const skills = new Set(input.skills);
  const chosen = input.chosen && input.chosen.length ? new Set(input.chosen) : null;
  const holdsAll = (tags: string[]) => tags.every((t) => skills.has(t));
  const keep = (key: string): boolean => {
    const tags = tagsOfKey(key);
    if (chosen && !tags.some((t) => chosen.has(t))) return false;
    if (input.rule === "required") return holdsAll(tags);
    if (input.rule === "preferred" && input.pass === "first") return tags.length > 0 && holdsAll(tags);
    return true;
  };
  if (!chosen && (input.rule === "open" || (input.rule === "preferred" && input.pass === "rest"))) return null;
  return input.keys.filter(keep);
}
