// A plain GET form: the browser downloads the export with its session cookie, no script needed.
import { EXPORT_FORMAT_NAMES } from "@/lib/services/exporter";

export function ExportForm({ slug }: { slug: string }) {
  return (
    <form method="get" action={`/api/v1/projects/${encodeURIComponent(slug)}/export`} aria-label="Export">
      <div className="row">
        <div className="field">
          <label htmlFor="export-format">Format</label>
          <select id="export-format" name="format" defaultValue="trl-dpo" data-testid="export-format">
            {EXPORT_FORMAT_NAMES.map((name) => (
              <option key={name} value={name}>{name}</option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="export-min-votes">Minimum votes per item</label>
          <input id="export-min-votes" name="min_votes" type="number" min={1} max={1000} defaultValue={1} required data-testid="export-min-votes" />
        </div>
        <button className="primary" type="submit" data-testid="export-download">Download</button>
      </div>
    </form>
  );
}
