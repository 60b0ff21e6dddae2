// When a project will be complete, from how fast items have been completing lately, and the rule
// for when that guess is worth showing: not before the project has a day of history and a minimum
// of judgments (a ten-minute-old project with three judgments would otherwise "finish" in 2027).

export const DAY_MS = 86_400_000;
/** The rate is measured over at most the last week. */
export const PROJECTION_WINDOW_DAYS = 7;
/** No projection before the first judgment is this old … */
export const PROJECTION_MIN_HISTORY_DAYS = 1;
/** … nor before the project has this many judgments. */
export const PROJECTION_MIN_JUDGMENTS = 10;

export interface ProjectionInput {
  /** Now, in ms. */
  now: number;
  /** The first judgment's time (ms), or null when there is none. */
  firstJudgmentAt: number | null;
  judgments: number;
  remainingItems: number;
  /** When each complete item got its last wanted judgment (ms), in any order. */
  completedAt: ArrayLike<number>;
}

export interface Projection {
  /**
   * done: nothing remains; not_enough_data: less than a day of history or too few judgments;
   * no_recent_progress: no item completed in the window; projected: `date` is the guess.
   */
  status: "done" | "not_enough_data" | "no_recent_progress" | "projected";
  remaining_items: number;
  /** Items completed per day over the window; 0 unless measured (projected or no_recent_progress). */
  recent_rate_per_day: number;
  /** The window the rate is measured over: the last 7 days, or the whole history when shorter. */
  window_days: number;
  /** Projected completion day (UTC, YYYY-MM-DD) at that rate; null unless projected. */
  date: string | null;
  /** Days since the first judgment. */
  history_days: number;
  /** The rule's thresholds, so a surface can say what is missing. */
  min_history_days: number;
  min_judgments: number;
}

/** The projection rule: see Projection.status. Pure; the tally calls it with the project's rows. */
export function completionProjection(input: ProjectionInput): Projection {
  const history = input.firstJudgmentAt === null ? 0 : Math.max(0, (input.now - input.firstJudgmentAt) / DAY_MS);
  const base = {
    remaining_items: Math.max(0, input.remainingItems),
    recent_rate_per_day: 0,
    window_days: Math.min(PROJECTION_WINDOW_DAYS, history),
    date: null,
    history_days: history,
    min_history_days: PROJECTION_MIN_HISTORY_DAYS,
    min_judgments: PROJECTION_MIN_JUDGMENTS,
  };
  if (base.remaining_items === 0) return { ...base, status: "done" };
  if (history < PROJECTION_MIN_HISTORY_DAYS || input.judgments < PROJECTION_MIN_JUDGMENTS) return { ...base, status: "not_enough_data" };
  const since = input.now - base.window_days * DAY_MS;
  let recent = 0;
  for (let i = 0; i < input.completedAt.length; i++) if (input.completedAt[i] > since && input.completedAt[i] <= input.now) recent++;
  const rate = recent / base.window_days;
  if (rate === 0) return { ...base, status: "no_recent_progress" };
  const date = new Date(Math.floor((input.now + Math.ceil(base.remaining_items / rate) * DAY_MS) / DAY_MS) * DAY_MS).toISOString().slice(0, 10);
  return { ...base, status: "projected", recent_rate_per_day: rate, date };
}

/** The projection in words, the same on the dashboard and in `arbiter stats`. */
export function projectionText(p: Projection): string {
  switch (p.status) {
    case "done":
      return "every item is complete.";
    case "not_enough_data":
      return `${p.remaining_items} item(s) to go; not enough data yet for a projection (it needs a day of history and ${p.min_judgments} judgments).`;
    case "no_recent_progress":
      return `${p.remaining_items} item(s) to go; no item completed in the last ${days(p.window_days)}, so no projection.`;
    case "projected":
      return `${p.remaining_items} item(s) to go at ${p.recent_rate_per_day.toFixed(1)}/day over the last ${days(p.window_days)}; projected completion ${p.date}.`;
  }
}

function days(n: number): string {
  const rounded = Number.isInteger(n) ? String(n) : n.toFixed(1);
  return `${rounded} day${rounded === "1" ? "" : "s"}`;
}
