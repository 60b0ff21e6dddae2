// How the history page writes a row: the prompt's opening words and how long ago. Pure, so the
// unit tests check them without a browser.
import type { Prompt } from "@/lib/formats/record";

/** The prompt's opening words (a conversation's first user turn): enough to recognise the item. */
export function openingWords(prompt: Prompt, words = 14): string {
  const text = typeof prompt === "string" ? prompt : (prompt.find((t) => t.role === "user") ?? prompt[0])?.content ?? "";
  const all = text.replace(/\s+/g, " ").trim().split(" ");
  return all.length > words ? all.slice(0, words).join(" ") + " …" : all.join(" ");
}

const UNITS: [Intl.RelativeTimeFormatUnit, number][] = [
  ["year", 365 * 86_400_000],
  ["month", 30 * 86_400_000],
  ["week", 7 * 86_400_000],
  ["day", 86_400_000],
  ["hour", 3_600_000],
  ["minute", 60_000],
];

/** "5 minutes ago", "yesterday", "just now". */
export function relativeTime(at: number, now: number): string {
  const ago = now - at;
  if (ago < 60_000) return "just now";
  const [unit, size] = UNITS.find(([, size]) => ago >= size)!;
  return new Intl.RelativeTimeFormat("en", { numeric: "auto" }).format(-Math.floor(ago / size), unit);
}

