/**
 * The rolling growth window: growth earned at or after `windowStart(now)` counts.
 * Month arithmetic in UTC with day clamping (31 March minus one month = 28/29 Feb),
 * so the window never skips or doubles a day.
 */
export function windowStart(now: Date, months: number): Date {
  const d = new Date(now.getTime());
  const day = d.getUTCDate();
  d.setUTCDate(1);
  d.setUTCMonth(d.getUTCMonth() - months);
  const last = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 0)).getUTCDate();
  d.setUTCDate(Math.min(day, last));
  return d;
}

/** When an entry made at `at` leaves the window. */
export function countsUntil(at: Date, months: number): Date {
  return windowStart(at, -months);
}

/**
 * When a member's tier could next change with no new growth: the grace period's
 * end, or the moment the oldest growth in the window (made at `oldest`) leaves it.
 * At least a moment after `now`, so a run evaluates each member once; null when
 * neither will happen (only new growth, which sets its own due time, can).
 */
export function nextDueAt(
  oldest: number | null,
  graceUntil: number | null,
  now: number,
  months: number,
): number | null {
  const leaves = oldest === null ? null : countsUntil(new Date(oldest), months).getTime();
  const times = [graceUntil, leaves].filter((t): t is number => t !== null);
  return times.length ? Math.max(now + 1, Math.min(...times)) : null;
}
