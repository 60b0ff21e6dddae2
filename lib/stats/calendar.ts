// Calendar days in an IANA time zone: which local day an instant (UTC milliseconds) falls on,
// Monday-start weeks, and date arithmetic on `YYYY-MM-DD` keys. Built on Intl.DateTimeFormat, so
// offsets and daylight-saving changes come from the runtime's time zone data.

/** A local calendar date, `YYYY-MM-DD`. Such keys sort as the dates do. */
export type DateKey = string;

const DATE_KEY = /^(\d{4})-(\d{2})-(\d{2})$/;
const DAY_MS = 86_400_000;

/** Whether `text` is a real calendar date written `YYYY-MM-DD` (2026-02-30 is not). */
export function isDateKey(text: string): boolean {
  const m = DATE_KEY.exec(text);
  if (!m) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.getUTCFullYear() === Number(m[1]) && d.getUTCMonth() === Number(m[2]) - 1 && d.getUTCDate() === Number(m[3]);
}

/** Midnight UTC of a date key: a day number for arithmetic, not an instant in any zone. */
function utcDay(key: DateKey): number {
  const m = DATE_KEY.exec(key);
  if (!m) throw new RangeError(`not a date key: ${key}`);
  return Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
}

const keyOfUtcDay = (ms: number): DateKey => new Date(ms).toISOString().slice(0, 10);

/** The date `days` days after `key` (before, when negative). */
export function addDays(key: DateKey, days: number): DateKey {
  return keyOfUtcDay(utcDay(key) + days * DAY_MS);
}

/** Days from `from` to `to` (0 when equal, negative when `to` is earlier). */
export function daysBetween(from: DateKey, to: DateKey): number {
  return Math.round((utcDay(to) - utcDay(from)) / DAY_MS);
}

/** The Monday that starts the week of `key` (weeks run Monday to Sunday, as ISO 8601 has them). */
export function weekStart(key: DateKey): DateKey {
  const day = new Date(utcDay(key)).getUTCDay(); // 0 = Sunday
  return addDays(key, -((day + 6) % 7));
}

/** Whether the runtime knows `zone` as a time zone (`UTC`, `Europe/Berlin`, `Asia/Kolkata` …). */
export function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(zone: string): Intl.DateTimeFormat {
  let f = formatters.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat("en-US", { timeZone: zone, year: "numeric", month: "2-digit", day: "2-digit", hourCycle: "h23" });
    formatters.set(zone, f);
  }
  return f;
}

/** The local date of the instant `ms` in `zone`. */
export function localDate(ms: number, zone: string): DateKey {
  let year = "";
  let month = "";
  let day = "";
  for (const p of formatterFor(zone).formatToParts(ms)) {
    if (p.type === "year") year = p.value;
    else if (p.type === "month") month = p.value;
    else if (p.type === "day") day = p.value;
  }
  return `${year.padStart(4, "0")}-${month}-${day}`;
}

const QUARTER_HOUR = 15 * 60_000;

/**
 * `localDate` for many instants in one zone, remembered per quarter hour of UTC: every offset and
 * every offset change in today's time zone data falls on a whole quarter hour (Nepal's +05:45,
 * Chatham's +12:45 included), so all instants of one UTC quarter hour share their local date.
 */
export function localDater(zone: string): (ms: number) => DateKey {
  const seen = new Map<number, DateKey>();
  return (ms) => {
    const block = Math.floor(ms / QUARTER_HOUR);
    let key = seen.get(block);
    if (key === undefined) {
      key = localDate(block * QUARTER_HOUR, zone);
      seen.set(block, key);
    }
    return key;
  };
}

/**
 * UTC instants that surely hold every instant of the local days `from`…`to` in any zone (offsets run
 * from −12:00 to +14:00): a coarse filter for a query, whose rows are then bucketed exactly.
 */
export function utcWindow(from: DateKey, to: DateKey): { start: number; end: number } {
  return { start: utcDay(from) - DAY_MS, end: utcDay(to) + 2 * DAY_MS };
}
