import { useRef } from 'react';

/**
 * Ignores taps for a moment after a view appears. A clerk's double tap (or a slow
 * finger) lands twice: without this, the second half of the tap that opened a
 * confirm sheet or showed a result would hit whatever button has just appeared
 * there (confirm a refund, or start the next order before the result was read).
 * The clock is Date.now, so tests move it instead of waiting.
 */
export const TAP_GUARD_MS = 400;

export interface TapGuard {
  /** Call when the guarded view appears. */
  arm(): void;
  /** True when a tap now should count. */
  allows(): boolean;
}

export function createTapGuard(ms = TAP_GUARD_MS, now: () => number = () => Date.now()): TapGuard {
  let shownAt = Number.NEGATIVE_INFINITY;
  return {
    arm() {
      shownAt = now();
    },
    allows() {
      return now() - shownAt >= ms;
    },
  };
}

/**
 * A guard armed each time `shown` becomes true (or `key` changes while shown); wrap
 * a handler with `guarded(fn)` to drop taps arriving sooner than `ms` after that.
 */
export function useTapGuard(shown: boolean, key: unknown = null, ms = TAP_GUARD_MS) {
  const guard = useRef(createTapGuard(ms));
  // Armed during render, not in an effect: the view and its guard appear in the same commit.
  const armedFor = useRef<{ shown: boolean; key: unknown }>({ shown: false, key: null });
  if (shown && (!armedFor.current.shown || armedFor.current.key !== key)) guard.current.arm();
  armedFor.current = { shown, key };
  return <A extends unknown[]>(fn: (...args: A) => void) =>
    (...args: A) => {
      if (guard.current.allows()) fn(...args);
    };
}
