// Number formatting shared by the dashboard widgets (server and client).
export const fixed = (x: number | null | undefined, digits = 3): string => (x == null ? "–" : x.toFixed(digits));
export const pct = (x: number | null | undefined): string => (x == null ? "–" : `${(100 * x).toFixed(1)}%`);
export const range = (low: number | null | undefined, high: number | null | undefined, f: (x: number | null) => string): string =>
  low == null || high == null ? "" : `${f(low)} – ${f(high)}`;
/** Milliseconds, rounded, with thousands separators: `1,234 ms`. */
export const ms = (x: number | null | undefined): string => (x == null ? "–" : `${Math.round(x).toLocaleString("en-US")} ms`);
const USD4 = new Intl.NumberFormat("en-US", { style: "currency", currency: "USD", minimumSignificantDigits: 4, maximumSignificantDigits: 4 });
/** US dollars to 4 significant digits: `$0.2000`, `$1.100`, `$12,350`. */
export const usd = (x: number | null | undefined): string => (x == null ? "–" : USD4.format(x));
