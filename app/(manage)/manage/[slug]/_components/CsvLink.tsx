// A link that downloads one dashboard table as CSV from the stats.csv route.
export function CsvLink({ slug, table, by }: { slug: string; table: string; by?: string }) {
  const query = new URLSearchParams({ table, ...(by ? { by } : {}) });
  return (
    <a className="button csv" href={`/api/v1/projects/${slug}/stats.csv?${query}`} download data-testid={`csv-${table}`}>
      Download CSV
    </a>
  );
}
