/**
 * Ignores taps for a moment after a sheet opens. The tap that opened the sheet
 * can land twice (a double tap, a slow finger): without this its second half
 * would hit the confirm button that has just appeared and spend points the
 * member never confirmed. The clock is injected so tests need no timers.
 */
export const SHEET_GUARD_MS = 400;

export interface TapGuard {
  /** Call when the sheet opens. */
  arm(): void;
  /** True when a tap now should count. */
  allows(): boolean;
}

export function createTapGuard(ms = SHEET_GUARD_MS, now: () => number = () => Date.now()): TapGuard {
  let openedAt = Number.NEGATIVE_INFINITY;
  return {
    arm() {
      openedAt = now();
    },
    allows() {
      return now() - openedAt >= ms;
    },
  };
}
