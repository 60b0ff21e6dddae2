// Round axis ticks for the dashboard charts: steps of 1, 2, 2.5 or 5 times a power of ten, from a
// multiple of the step at or below the data's minimum to one at or above its maximum, so an
// Elo axis reads 600, 800, 1000, 1200, 1400 rather than 599, 799, 1383.

const STEPS = [1, 2, 2.5, 5, 10];

/** The round step for a span divided into about `intervals` parts. */
export function niceStep(span: number, intervals: number): number {
  const raw = span / Math.max(1, intervals);
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = STEPS.find((s) => s * power >= raw * (1 - 1e-9)) ?? 10;
  return step * power;
}

/**
 * About `count` (default 5) round ticks covering [min, max]: the first at or below min, the last at
 * or above max, evenly spaced; use the first and last as the axis domain. A zero span (one value)
 * is widened to one step around it. Non-finite input gives [0, 1].
 */
export function niceTicks(min: number, max: number, count = 5): number[] {
  if (!Number.isFinite(min) || !Number.isFinite(max)) return [0, 1];
  if (min > max) [min, max] = [max, min];
  if (min === max) {
    const pad = min === 0 ? 1 : niceStep(Math.abs(min), 10);
    min -= pad;
    max += pad;
  }
  const step = niceStep(max - min, Math.max(1, count - 1));
  // Work in whole steps so that the ticks are exact decimals (0.1 + 0.2 is not 0.3).
  const decimals = Math.max(0, -Math.floor(Math.log10(step)) + (step * 10 ** -Math.floor(Math.log10(step)) === 2.5 ? 1 : 0));
  const first = Math.floor(min / step + 1e-9);
  const last = Math.ceil(max / step - 1e-9);
  const ticks: number[] = [];
  for (let k = first; k <= last; k++) ticks.push(Number((k * step).toFixed(decimals)));
  return ticks;
}
