// File-type detection for imports: the magic numbers of the formats people upload by mistake, and
// the line between text (read as data, with per-row errors) and binary (refused as a whole).
import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { notDataMessage, sniffContent } from "@/lib/formats/import/sniff";

const bytes = (...parts: (string | number[])[]) => Buffer.concat(parts.map((p) => (typeof p === "string" ? Buffer.from(p, "latin1") : Buffer.from(p))));
const looksLike = (head: Uint8Array, complete = true) => {
  const s = sniffContent(head, complete);
  return s.kind === "other" ? s.name : s.kind;
};

describe("sniffContent", () => {
  it("names images, documents, spreadsheets and archives from their first bytes", () => {
    expect(looksLike(bytes([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13], "IHDR"))).toBe("a PNG image");
    expect(looksLike(bytes([0xff, 0xd8, 0xff, 0xe0, 0, 0x10], "JFIF"))).toBe("a JPEG image");
    expect(looksLike(bytes("GIF89a", [1, 0, 1, 0]))).toBe("a GIF image");
    expect(looksLike(bytes("RIFF", [0x24, 0, 0, 0], "WEBPVP8 "))).toBe("a WebP image");
    expect(looksLike(bytes("%PDF-1.7\n%\xe2\xe3\xcf\xd3\n"))).toBe("a PDF document");
    expect(looksLike(bytes([0x50, 0x4b, 0x03, 0x04, 20, 0, 6, 0], "[Content_Types].xml", [0, 0], "xl/workbook.xml"))).toMatch(/^an Excel workbook \(XLSX\)/);
    expect(looksLike(bytes([0x50, 0x4b, 0x03, 0x04, 20, 0], "word/document.xml"))).toBe("a Word document (DOCX)");
    expect(looksLike(bytes([0x50, 0x4b, 0x03, 0x04, 20, 0], "data.jsonl"))).toBe("a ZIP archive");
    expect(looksLike(bytes([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]))).toMatch(/^an old Microsoft Office file/);
    expect(looksLike(bytes("PAR1", [0x15, 0x04]))).toBe("a Parquet file");
    expect(looksLike(bytes("SQLite format 3\0", [0x10, 0]))).toBe("an SQLite database");
    expect(looksLike(bytes([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]))).toBe("an xz archive");
    expect(looksLike(bytes([0xff, 0xfe], "{\0"))).toMatch(/^UTF-16 text/);
  });

  it("calls other bytes binary: NUL bytes, or many bytes that are neither UTF-8 nor printable", () => {
    expect(looksLike(bytes("ab", [0], "cd"))).toBe("binary data");
    expect(looksLike(Buffer.from(Array.from({ length: 200 }, (_, i) => (i * 37 + 128) % 256 || 1)))).toBe("binary data");
  });

  it("keeps text as text: JSON, JSONL, CSV, a few bad bytes (reported per row), a character cut at the end of a partial head", () => {
    expect(looksLike(bytes('{"prompt": "q", "responses": ["a", "b"]}\n'))).toBe("text");
    expect(looksLike(bytes("\xef\xbb\xbfprompt,response_a,response_b\n"))).toBe("text");
    expect(looksLike(bytes('{"prompt": "caf', [0xc3, 0x28], '", "responses": ["a", "b"]}\n{"prompt": "ok"}\n'))).toBe("text");
    expect(looksLike(bytes("caf\xc3"), false)).toBe("text");
    expect(looksLike(bytes(""))).toBe("text");
    expect(looksLike(bytes("just one line of plain text\n"))).toBe("text");
  });

  it("recognises gzip (read through), and HTML and XML as text that is not data", () => {
    expect(sniffContent(gzipSync("{}\n"))).toEqual({ kind: "gzip" });
    expect(looksLike(bytes("  <!DOCTYPE html>\n<html>"))).toBe("an HTML page");
    expect(looksLike(bytes('<?xml version="1.0"?>'))).toBe("an XML document");
  });

  it("words the refusal the same everywhere", () => {
    expect(notDataMessage("a PNG image")).toBe("not a JSON, JSONL or CSV file (looks like a PNG image)");
  });
});
