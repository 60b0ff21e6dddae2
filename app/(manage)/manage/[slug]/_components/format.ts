// Number formatting shared by the dashboard widgets (server and client).
export const fixed = (x: number | null | undefined, digits = 3): string => (x == null ? "–" : x.toFixed(digits));
export const pct = (x: number | null | undefined): string => (x == null ? "–" : `${(100 * x).toFixed(1)}%`);
export const range = (low: number | null | undefined, high: number | null | undefined, f: (x: number | null) => string): string =>
  low == null || high == null ? "" : `${f(low)} – ${f(high)}`;
