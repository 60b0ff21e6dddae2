// LaTeX math as models write it — `\( … \)` inline, `\[ … \]` display — rewritten into the dollar
// syntax remark-math parses, so the workspace renders it with KaTeX. Pure, no KaTeX import (the
// workspace calls `hasDollarMath` on every normalized response to decide whether to load KaTeX), linear in the text.
//
// In markdown `\(` is an escaped paren, so without this `\(x^2\)` shows as "(x^2)". The rewrite:
// - `\( x \)` → `$$ x $$`, inline math text (single dollars stay text: responses are full of prices).
//   It must close on the same line.
// - `\[ x \]` that starts a line (after any `>` or list marker) and ends its line → a display block:
//   `$$`, the formula, `$$`, each on its own line and prefixed so it stays in its list or quote.
//   Anywhere else (mid-sentence, in a table cell or heading) → inline `$$\displaystyle x$$`.
// Never touched: fenced code (``` and ~~~, in lists and quotes, unclosed ones to the end), indented
// code, code spans of any backtick length, existing `$$` math, HTML blocks (shown as text here), link
// destinations, autolinks, escaped backslashes (`\\(` is a backslash and a paren), escaped citation
// brackets (`\[1\]`, `\[2, 3\]`), and delimiters without a closer.

/** `$$…$$` anywhere: inline math text or a display block, as remark-math reads them. */
const DOLLAR_MATH = /\$\$[\s\S]+?\$\$/;

/** True when text already passed through normalizeMath has math (every rewrite yields `$$…$$`). */
export function hasDollarMath(normalized: string): boolean {
  return DOLLAR_MATH.test(normalized);
}

interface Line {
  /** The line without its line ending. */
  body: string;
  /** "\n", "\r\n", "\r" or "" for the last line. */
  eol: string;
  /** Blockquote depth: how many `>` markers open the line. */
  quotes: number;
  /** Columns of whitespace after the quote markers (tabs to the next multiple of 4). */
  indent: number;
  /** Where the text starts in `body`: after quote markers and whitespace. */
  start: number;
  /** Where the content starts in `body`: after quote markers, whitespace and list markers. */
  content: number;
}

type LineKind = "text" | "heading" | "break" | "fence" | "html";

interface Fence {
  marker: string;
  length: number;
  /** Column of the list content the fence sits in (0 at top level): a line indented less ends it. */
  container: number;
  quotes: number;
}

/** The text with `\( \)` and `\[ \]` math rewritten to dollars; the same string when there is none. */
export function normalizeMath(text: string): string {
  if (!text.includes("\\(") && !text.includes("\\[")) return text;
  const lines = splitLines(text);
  const closers = text.includes("\\]") ? displayClosers(lines) : null;
  const out: string[] = [];
  let group: Line[] = [];
  const flush = () => {
    if (group.length) out.push(convertGroup(group));
    group = [];
  };
  const raw = (line: Line) => out.push(line.body + line.eol);

  let fence: Fence | null = null;
  let html: { end: RegExp | null } | null = null; // an HTML block, ending at a marker or a blank line
  let lists: number[] = []; // content columns of the open list items, innermost last
  let quotes = 0;
  let paragraph = false; // an open paragraph: a line indented 4+ continues it instead of being code
  let afterBlank = true;

  for (let n = 0; n < lines.length; n++) {
    const line = lines[n];
    const blank = line.start === line.body.length;
    if (fence) {
      const ended = !blank && (line.quotes < fence.quotes || line.indent < fence.container);
      if (!ended) {
        if (!blank && closesFence(fence, line)) fence = null;
        raw(line);
        continue;
      }
      fence = null; // its list item or quote ended, so did the fence: read the line afresh
      afterBlank = true; // and the list items it was in are over
    }
    if (html) {
      if (blank && !html.end) html = null; // and the blank line is read as one below
      else {
        if (html.end?.test(line.body)) html = null;
        raw(line);
        continue;
      }
    }
    if (blank) {
      flush();
      raw(line);
      paragraph = false;
      afterBlank = true;
      continue;
    }
    if (line.quotes !== quotes) {
      flush();
      lists = [];
      quotes = line.quotes;
    }
    const { kind, markers, fenceOpen, htmlEnd } = classify(line);
    if (afterBlank || kind !== "text" || markers.length > 0) {
      while (lists.length && line.indent < lists[lists.length - 1]) lists.pop();
    }
    const base = lists.length ? lists[lists.length - 1] : 0;
    afterBlank = false;
    if (!paragraph && line.indent >= base + 4) {
      flush(); // indented code
      raw(line);
      continue;
    }
    lists.push(...markers);
    if (markers.length) flush(); // a new list item starts a new paragraph
    if (fenceOpen) {
      flush();
      fence = { ...fenceOpen, container: lists.length ? lists[lists.length - 1] : 0, quotes: line.quotes };
      raw(line);
      paragraph = false;
    } else if (htmlEnd !== undefined) {
      flush();
      html = htmlEnd?.test(line.body.slice(line.content + 1)) ? null : { end: htmlEnd };
      raw(line);
      paragraph = false;
    } else if (kind === "heading" || kind === "break") {
      flush();
      group.push(line);
      flush();
      paragraph = false;
    } else {
      // A display block may hold lines that would otherwise start a list or a heading: keep them together.
      const last = closers && line.body.startsWith("\\[", line.content) ? blockEnd(lines, closers, n) : -1;
      if (last >= 0) {
        for (let m = n; m <= last; m++) group.push(lines[m]);
        n = last;
        paragraph = true; // in the source it is still a paragraph, which a code span may cross
      } else {
        group.push(line);
        paragraph = line.content < line.body.length;
      }
    }
  }
  flush();
  const result = out.join("");
  return result === text ? text : result;
}

function splitLines(text: string): Line[] {
  const lines: Line[] = [];
  let start = 0;
  while (start <= text.length) {
    let end = start;
    while (end < text.length && text[end] !== "\n" && text[end] !== "\r") end++;
    const eol = text[end] === "\r" ? (text[end + 1] === "\n" ? "\r\n" : "\r") : text[end] === "\n" ? "\n" : "";
    lines.push(parseLine(text.slice(start, end), eol));
    if (!eol) break;
    start = end + eol.length;
  }
  return lines;
}

function isSpace(ch: string | undefined): boolean {
  return ch === " " || ch === "\t";
}

/** True when `s` holds only spaces and tabs from `from` to `to`. */
function isBlank(s: string, from: number, to = s.length): boolean {
  for (let i = from; i < to; i++) if (!isSpace(s[i])) return false;
  return true;
}

/** Reads the container prefix of a line: blockquote markers, indentation, list markers. */
function parseLine(body: string, eol: string): Line {
  let i = 0;
  let quotes = 0;
  for (;;) {
    let j = i;
    while (j < body.length && isSpace(body[j])) j++;
    if (body[j] !== ">") break;
    quotes++;
    i = j + 1;
    if (isSpace(body[i])) i++; // the optional space belongs to the marker
  }
  let col = 0;
  let start = i;
  for (; start < body.length && isSpace(body[start]); start++) col = body[start] === "\t" ? col + 4 - (col % 4) : col + 1;
  let content = start;
  for (let end = listMarkerEnd(body, content); end > 0; end = listMarkerEnd(body, content)) {
    content = end;
    while (content < body.length && isSpace(body[content])) content++;
  }
  return { body, eol, quotes, indent: col, start, content };
}

/** The index just past a list marker (`-`, `+`, `*`, `1.`, `1)`) at `i`, or -1. */
function listMarkerEnd(body: string, i: number): number {
  let end = -1;
  const ch = body[i];
  if (ch === "-" || ch === "+" || ch === "*") end = i + 1;
  else {
    let d = i;
    while (d < body.length && d - i < 9 && body[d] >= "0" && body[d] <= "9") d++;
    if (d > i && (body[d] === "." || body[d] === ")")) end = d + 1;
  }
  return end > 0 && (end === body.length || isSpace(body[end])) ? end : -1;
}

const BLOCK_TAGS =
  "address|article|aside|base|basefont|blockquote|body|caption|center|col|colgroup|dd|details|dialog|dir|div|dl|dt|" +
  "fieldset|figcaption|figure|footer|form|frame|frameset|h[1-6]|head|header|hr|html|iframe|legend|li|link|main|menu|" +
  "menuitem|nav|noframes|ol|optgroup|option|p|param|search|section|summary|table|tbody|td|tfoot|th|thead|title|tr|track|ul";
/** CommonMark's HTML blocks that can interrupt a paragraph: how each starts, and the marker ending it (null: a blank line). */
const HTML_BLOCKS: [start: RegExp, end: RegExp | null][] = [
  [/^<(?:script|pre|style|textarea)(?:[ \t>]|$)/i, /<\/(?:script|pre|style|textarea)>/i],
  [/^<!--/, /-->/],
  [/^<\?/, /\?>/],
  [/^<![A-Za-z]/, />/],
  [/^<!\[CDATA\[/, /\]\]>/],
  [new RegExp(`^</?(?:${BLOCK_TAGS})(?:[ \t>]|/>|$)`, "i"), null],
];

const THEMATIC_BREAK = /^([-*_])[ \t]*(?:\1[ \t]*){2,}$/;
const HEADING = /^#{1,6}(?:[ \t]|$)/;

interface LineClass {
  kind: LineKind;
  /** The content column each list marker on the line opens. */
  markers: number[];
  fenceOpen?: { marker: string; length: number };
  /** For an HTML block start, what ends it (null: a blank line). */
  htmlEnd?: RegExp | null;
}

function classify(line: Line): LineClass {
  const { body } = line;
  // Walk the list markers again, recording the content column each one opens.
  const markers: number[] = [];
  let i = line.start;
  if (THEMATIC_BREAK.test(body.slice(i))) return { kind: "break", markers };
  let col = line.indent;
  for (let end = listMarkerEnd(body, i); end > 0; end = listMarkerEnd(body, i)) {
    let spaces = 0;
    let k = end;
    for (; k < body.length && isSpace(body[k]); k++) spaces += body[k] === "\t" ? 4 - ((col + end - i + spaces) % 4) : 1;
    const markerCol = col + end - i;
    // More than four spaces after the marker: the content is indented code, one space belongs to the marker.
    markers.push(k === body.length || spaces > 4 ? markerCol + 1 : markerCol + spaces);
    col = markerCol + spaces;
    i = k;
  }
  const at = i;
  const ch = body[at];
  if (ch === "`" || ch === "~" || ch === "$") {
    let run = at;
    while (body[run] === ch) run++;
    const length = run - at;
    const rest = body.slice(run);
    const opens = ch === "$" ? length >= 2 && !rest.includes("$") : length >= 3 && (ch === "~" || !rest.includes("`"));
    if (opens) return { kind: "fence", markers, fenceOpen: { marker: ch, length } };
  }
  if (ch === "<") {
    const head = body.slice(at, at + 16);
    for (const [start, end] of HTML_BLOCKS) if (start.test(head)) return { kind: "html", markers, htmlEnd: end };
  }
  if (HEADING.test(body.slice(at, at + 8))) return { kind: "heading", markers };
  return { kind: "text", markers };
}

/** A closing fence: the same marker, at least as long, nothing after it, indented under 4 columns. */
function closesFence(fence: Fence, line: Line): boolean {
  if (line.indent - fence.container >= 4) return false;
  const { body } = line;
  let i = line.start;
  while (body[i] === fence.marker) i++;
  return i - line.start >= fence.length && isBlank(body, i);
}

/** Index of the first `\]` in `s` from `from` to `to`, reading `\x` pairs as one unit (so `\\]` is not one). */
function findCloser(s: string, from: number, to: number, closer: string): number {
  for (let i = from; i < to - 1; i++) {
    if (s[i] !== "\\") continue;
    if (s[i + 1] === closer) return i;
    i++;
  }
  return -1;
}

interface Closers {
  /** For each line, the nearest line at or after it with a `\]`, not crossing a blank line or a code fence; -1 if none. */
  line: Int32Array;
  /** For each line, where its first `\]` is; -1 if none. */
  at: Int32Array;
}

/** Computed once, so finding where each display block ends stays linear in the text. */
function displayClosers(lines: Line[]): Closers {
  const line = new Int32Array(lines.length + 1).fill(-1);
  const at = new Int32Array(lines.length).fill(-1);
  for (let n = lines.length - 1; n >= 0; n--) {
    const { body, start } = lines[n];
    if (start === body.length || body.startsWith("```", start) || body.startsWith("~~~", start)) continue;
    at[n] = findCloser(body, start, body.length, "]");
    line[n] = at[n] >= 0 ? n : line[n + 1];
  }
  return { line, at };
}

/** The last line of a display block opened by `\[` at the content start of line n, or -1. */
function blockEnd(lines: Line[], closers: Closers, n: number): number {
  const open = lines[n];
  let last = n;
  let at = findCloser(open.body, open.content + 2, open.body.length, "]");
  if (at < 0) {
    last = closers.line[n + 1];
    if (last < 0) return -1;
    at = closers.at[last];
  }
  return isBlank(lines[last].body, at + 2) ? last : -1;
}

/** Runs of one character in a text, by length, each list in text order: finds the closer of a run in O(1) amortised. */
class Runs {
  private byLength = new Map<number, { starts: number[]; next: number }>();
  /** Run lengths present, counting a run after a backslash also one shorter (its first mark may be escaped). */
  readonly lengths = new Set<number>();
  constructor(s: string, ch: string) {
    for (let i = 0; i < s.length; ) {
      if (s[i] !== ch) {
        i++;
        continue;
      }
      let end = i;
      while (s[end] === ch) end++;
      const length = end - i;
      let entry = this.byLength.get(length);
      if (!entry) this.byLength.set(length, (entry = { starts: [], next: 0 }));
      entry.starts.push(i);
      this.lengths.add(length);
      if (s[i - 1] === "\\") this.lengths.add(length - 1);
      i = end;
    }
  }
  /** Start of the first run of exactly `length` beginning at or after `from`; queries must not go backwards. */
  closer(length: number, from: number): number {
    const entry = this.byLength.get(length);
    if (!entry) return -1;
    while (entry.next < entry.starts.length && entry.starts[entry.next] < from) entry.next++;
    return entry.next < entry.starts.length ? entry.starts[entry.next] : -1;
  }
}

const ESCAPABLE = /[!-/:-@[-`{-~]/;
const AUTOLINK = /<[A-Za-z][A-Za-z0-9+.-]{1,31}:[^\s<>]*>/y;
/** `\[1\]`, `\[2, 3\]`, `\[4-6\]`: markdown-escaped citation brackets, not display math. */
const CITATION = /^\s*\d{1,4}(\s*[,\u2013-]\s*\d{1,4})*\s*$/;

/** Rewrites the math delimiters in consecutive prose lines (a paragraph, heading or list item). */
function convertGroup(group: Line[]): string {
  const starts: number[] = [];
  let s = "";
  for (const line of group) {
    starts.push(s.length);
    s += line.body + line.eol;
  }
  if (!s.includes("\\(") && !s.includes("\\[")) return s;
  const ticks = new Runs(s, "`");
  const dollars = new Runs(s, "$");
  // A dollar run length that occurs nowhere in the paragraph, so a new pair cannot close on an old run.
  let width = 2;
  while (dollars.lengths.has(width)) width++;
  const fence = "$".repeat(width);
  const bodyEnd = (l: number) => starts[l] + group[l].body.length;

  const out: string[] = [];
  let copied = 0;
  let l = 0; // the line holding position i
  // Each search for a closer remembers its answer, so that no stretch of text is searched twice: after
  // a `\(` without a `\)` on its line no later `\(` on that line has one, and a `\(` before a found
  // `\)` closes there too (the same for `\[`).
  let inlineDeadOn = -1;
  let inlineClose = -1;
  let displayDead = false;
  let displayClose = -1;
  const emit = (from: number, to: number, replacement: string) => {
    out.push(s.slice(copied, from), replacement);
    copied = to;
  };
  /** The text between two positions with the container prefix of each new line dropped and lines joined. */
  const joined = (from: number, to: number, sep: string, each: (part: string) => string) => {
    const parts: string[] = [];
    let lineOf = l;
    let at = from;
    while (lineOf < group.length - 1 && starts[lineOf + 1] <= to) {
      parts.push(each(s.slice(at, bodyEnd(lineOf))));
      lineOf++;
      at = starts[lineOf] + group[lineOf].start; // a list marker here would be part of the formula
    }
    parts.push(each(s.slice(Math.min(at, to), to)));
    return { text: parts.filter((p) => p !== "").join(sep), lastLine: lineOf };
  };
  const dollarNextTo = (from: number, to: number) => s[from - 1] === "$" || s[to] === "$";

  for (let i = 0; i < s.length; ) {
    while (l < group.length - 1 && starts[l + 1] <= i) l++;
    const ch = s[i];
    if (ch === "\\") {
      const next = s[i + 1];
      if (next === "(" && l !== inlineDeadOn) {
        const close = (inlineClose = i < inlineClose ? inlineClose : findCloser(s, i + 2, bodyEnd(l), ")"));
        if (close < 0) inlineDeadOn = l;
        else if (!dollarNextTo(i, close + 2) && hasText(s, i + 2, close)) {
          emit(i, close + 2, fence + padded(s.slice(i + 2, close)) + fence);
          i = close + 2;
          continue;
        }
      } else if (next === "[" && !displayDead) {
        const close = (displayClose = i < displayClose ? displayClose : findCloser(s, i + 2, s.length, "]"));
        if (close < 0) displayDead = true;
        else if (!dollarNextTo(i, close + 2) && hasText(s, i + 2, close) && !CITATION.test(s.slice(i + 2, close))) {
          const trimmed = joined(i + 2, close, "\n", (p) => p.trim());
          const closeLine = trimmed.lastLine;
          if (i === starts[l] + group[l].content && isBlank(s, close + 2, bodyEnd(closeLine))) {
            const prefix = s.slice(starts[l], i);
            const indent = prefix.replace(/[^\s>]/g, " ");
            const block = "$".repeat(Math.max(2, longestRun(trimmed.text, "$") + 1));
            const body = trimmed.text.split("\n").map((p) => "\n" + indent + p).join("");
            emit(starts[l], bodyEnd(closeLine), prefix + block + body + "\n" + indent + block);
            i = bodyEnd(closeLine);
          } else {
            const formula = joined(i + 2, close, " ", (p) => p).text;
            emit(i, close + 2, fence + "\\displaystyle " + padded(formula).trimStart() + fence);
            i = close + 2;
          }
          continue;
        }
      }
      i += ESCAPABLE.test(next ?? "") ? 2 : 1;
    } else if (ch === "`" || ch === "$") {
      let end = i;
      while (s[end] === ch) end++;
      const length = end - i;
      const runs = ch === "`" ? ticks : dollars;
      // A code span, or `$$` math already there: skip to its closer; an unmatched run is plain text.
      const close = ch === "`" || length >= 2 ? runs.closer(length, end) : -1;
      i = close >= 0 ? close + length : end;
    } else if (ch === "]" && s[i + 1] === "(") {
      i = linkDestinationEnd(s, i + 2);
    } else if (ch === "<") {
      AUTOLINK.lastIndex = i;
      i = AUTOLINK.test(s) ? AUTOLINK.lastIndex : i + 1;
    } else i++;
  }
  out.push(s.slice(copied));
  return out.join("");
}

function hasText(s: string, from: number, to: number): boolean {
  for (let i = from; i < to; i++) if (!/\s/.test(s[i])) return true;
  return false;
}

/** A space against a `$` at either end, so the formula's dollars don't merge with the delimiters. */
function padded(formula: string): string {
  return (formula.startsWith("$") ? " " : "") + formula + (formula.endsWith("$") ? " " : "");
}

function longestRun(s: string, ch: string): number {
  let best = 0;
  for (let i = 0, run = 0; i < s.length; i++) {
    run = s[i] === ch ? run + 1 : 0;
    if (run > best) best = run;
  }
  return best;
}

/** The end of a link destination `(url "title")` whose `(` is just before `from`: `\(` in a URL is a paren. */
function linkDestinationEnd(s: string, from: number): number {
  let i = from;
  while (isSpace(s[i])) i++;
  if (s[i] === "<") {
    while (i < s.length && s[i] !== ">" && s[i] !== "\n") i++;
    return i;
  }
  for (let depth = 0; i < s.length; i++) {
    const ch = s[i];
    if (ch === "\\") i++;
    else if (ch === "(") depth++;
    else if (ch === ")" && depth-- === 0) return i + 1;
    else if (ch === " " || ch === "\t" || ch === "\n" || ch === "\r") return i;
  }
  return i;
}
