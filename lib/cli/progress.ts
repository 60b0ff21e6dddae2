// A one-line progress indicator for long imports on a terminal (stderr only, never in --json output):
// the phase (checking every row, then inserting), rows, rate and how far through the file it is.
import type { ImportProgress } from "@/lib/services/importer";

export function progressBar(totalBytes: number, write: (s: string) => void = (s) => process.stderr.write(s)) {
  let started = Date.now();
  let phase: ImportProgress["phase"] | undefined;
  let last = 0;
  return {
    update(p: ImportProgress) {
      const now = Date.now();
      if (p.phase !== phase) {
        phase = p.phase;
        started = now;
      } else if (now - last < 200) return;
      last = now;
      const secs = Math.max((now - started) / 1000, 0.001);
      const share = totalBytes > 0 ? Math.min(1, p.bytes / totalBytes) : p.total ? p.rows / p.total : 0;
      const width = 24;
      const filled = Math.round(share * width);
      const label = p.phase === "validating" ? "checking " : "inserting";
      const of = p.total ? `/${p.total.toLocaleString("en")}` : "";
      write(
        `\r\x1b[K  ${label} [${"#".repeat(filled)}${"-".repeat(width - filled)}] ${Math.round(share * 100)}% · ` +
          `${p.rows.toLocaleString("en")}${of} rows · ${Math.round(p.rows / secs).toLocaleString("en")}/s`,
      );
    },
    done() {
      write("\r\x1b[K");
    },
  };
}

/** A one-line bar for work counted in units (a generation's responses), on stderr; never in --json output. */
export function countBar(label: string, write: (s: string) => void = (s) => process.stderr.write(s)) {
  const started = Date.now();
  let last = 0;
  return {
    update(p: { total: number; done: number; failed: number }) {
      const now = Date.now();
      if (now - last < 200 && p.done < p.total) return;
      last = now;
      const share = p.total > 0 ? Math.min(1, p.done / p.total) : 1;
      const width = 24;
      const filled = Math.round(share * width);
      const secs = Math.max((now - started) / 1000, 0.001);
      write(
        `\r\x1b[K  ${label} [${"#".repeat(filled)}${"-".repeat(width - filled)}] ${Math.round(share * 100)}% · ` +
          `${p.done.toLocaleString("en")}/${p.total.toLocaleString("en")}${p.failed ? ` · ${p.failed} failed` : ""} · ${(p.done / secs).toFixed(1)}/s`,
      );
    },
    done() {
      write("\r\x1b[K");
    },
  };
}
