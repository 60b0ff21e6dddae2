// What an import file is, from its first bytes: gzip (read through), a known binary or document
// format (an image, a PDF, a spreadsheet, an archive …), other binary data, or text. A small table
// of magic numbers rather than a library: the importer only needs to name what it refuses, and the
// table works the same in the Next server, the CLI and the unit tests.

/** How many leading bytes sniffContent looks at (and the reader peeks before deciding). */
export const SNIFF_BYTES = 4096;

export type Sniffed =
  | { kind: "gzip" }
  /** Not data Arbiter reads; `name` is what it looks like ("a PNG image"). */
  | { kind: "other"; name: string }
  | { kind: "text" };

interface Magic {
  /** Bytes at `offset`; null matches any byte. */
  bytes: readonly (number | null)[];
  offset?: number;
  name: string | ((head: Uint8Array) => string);
}

const ascii = (text: string): number[] => [...text].map((c) => c.charCodeAt(0));

/** A ZIP file: an Office Open XML document says so in its first entry names. */
function zipName(head: Uint8Array): string {
  const text = latin1(head);
  if (text.includes("xl/")) return "an Excel workbook (XLSX); save it as CSV";
  if (text.includes("word/")) return "a Word document (DOCX)";
  if (text.includes("ppt/")) return "a PowerPoint presentation (PPTX)";
  if (text.includes("mimetypeapplication/vnd.oasis.opendocument.spreadsheet")) return "an OpenDocument spreadsheet (ODS); save it as CSV";
  return "a ZIP archive";
}

const MAGICS: readonly Magic[] = [
  { bytes: [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], name: "a PNG image" },
  { bytes: [0xff, 0xd8, 0xff], name: "a JPEG image" },
  { bytes: ascii("GIF87a"), name: "a GIF image" },
  { bytes: ascii("GIF89a"), name: "a GIF image" },
  { bytes: [...ascii("RIFF"), null, null, null, null, ...ascii("WEBP")], name: "a WebP image" },
  { bytes: ascii("%PDF-"), name: "a PDF document" },
  { bytes: [0x50, 0x4b, 0x03, 0x04], name: zipName },
  { bytes: [0x50, 0x4b, 0x05, 0x06], name: "an empty ZIP archive" },
  { bytes: [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1], name: "an old Microsoft Office file (XLS or DOC); save it as CSV" },
  { bytes: ascii("PAR1"), name: "a Parquet file" },
  { bytes: ascii("SQLite format 3\u0000"), name: "an SQLite database" },
  { bytes: ascii("BZh"), name: "a bzip2 archive" },
  { bytes: [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00], name: "an xz archive" },
  { bytes: [0x28, 0xb5, 0x2f, 0xfd], name: "a Zstandard archive" },
  { bytes: [0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c], name: "a 7-Zip archive" },
  { bytes: ascii("Rar!\u001a\u0007"), name: "a RAR archive" },
  { bytes: ascii("ustar"), offset: 257, name: "a tar archive" },
  { bytes: [0x7f, 0x45, 0x4c, 0x46], name: "a program (ELF)" },
  { bytes: [0xff, 0xfe], name: "UTF-16 text; save it as UTF-8" },
  { bytes: [0xfe, 0xff], name: "UTF-16 text; save it as UTF-8" },
];

/** Text formats that are not data either, recognised by how they start (after a BOM and blanks). */
const TEXT_STARTS: readonly [RegExp, string][] = [
  [/^<!doctype html|^<html/i, "an HTML page"],
  [/^<\?xml|^<svg/i, "an XML document"],
  [/^\{\\rtf/, "an RTF document"],
];

function matches(head: Uint8Array, magic: Magic): boolean {
  const offset = magic.offset ?? 0;
  if (head.length < offset + magic.bytes.length) return false;
  return magic.bytes.every((b, i) => b === null || head[offset + i] === b);
}

function latin1(bytes: Uint8Array): string {
  let text = "";
  for (let i = 0; i < bytes.length; i++) text += String.fromCharCode(bytes[i]);
  return text;
}

/**
 * The share of characters in the sample that no text file has: replacement characters (bytes that
 * are not UTF-8) and control characters other than tab, newline, carriage return and form feed.
 * A character cut off at the end of a partial head is not counted.
 */
function oddShare(sample: Uint8Array, complete: boolean): number {
  // A decoder of its own: one in streaming mode keeps a cut-off character for the next call.
  const text = new TextDecoder("utf-8").decode(sample, { stream: !complete });
  if (text.length === 0) return 0;
  let odd = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0xfffd || (c < 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d && c !== 0x0c) || c === 0x7f) odd++;
  }
  return odd / text.length;
}

/** Above this share of odd characters a file is binary; below it, its bad rows report "invalid UTF-8" themselves. */
const BINARY_SHARE = 0.1;

/**
 * What the first bytes of a file say it is. `complete` says the head is the whole file (so a
 * character cut at its end is not excused). A text file with a few bytes that are not UTF-8 is
 * still text: its rows report their own "invalid UTF-8".
 */
export function sniffContent(head: Uint8Array, complete = false): Sniffed {
  if (head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b) return { kind: "gzip" };
  for (const magic of MAGICS) {
    if (matches(head, magic)) return { kind: "other", name: typeof magic.name === "string" ? magic.name : magic.name(head) };
  }
  const sample = head.subarray(0, SNIFF_BYTES);
  if (sample.includes(0) || oddShare(sample, complete && head.length <= SNIFF_BYTES) > BINARY_SHARE) return { kind: "other", name: "binary data" };
  const start = latin1(sample.subarray(0, 64)).replace(/^\u00ef\u00bb\u00bf/, "").trimStart();
  for (const [pattern, name] of TEXT_STARTS) if (pattern.test(start)) return { kind: "other", name };
  return { kind: "text" };
}

/** The one sentence every surface shows for a file that is not data. */
export function notDataMessage(looksLike: string): string {
  return `not a JSON, JSONL or CSV file (looks like ${looksLike})`;
}
