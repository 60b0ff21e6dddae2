// A one-line progress indicator for long imports on a terminal (stderr only, never in --json output).
export function progressBar(totalBytes: number) {
  const started = Date.now();
  let last = 0;
  return {
    update(rows: number) {
      const now = Date.now();
      if (now - last < 200) return;
      last = now;
      const secs = (now - started) / 1000;
      process.stderr.write(`\r  ${rows.toLocaleString()} rows · ${Math.round(rows / Math.max(secs, 0.001)).toLocaleString()}/s · ${(totalBytes / 1e6).toFixed(1)} MB file`);
    },
    done() {
      process.stderr.write("\r\x1b[K");
    },
  };
}
