import { useCallback, useRef, useState } from 'react';

/**
 * One run at a time: a second call while the first is pending does nothing.
 * The guard is a ref, set before the first await, so two taps in the same
 * frame (before React re-renders a disabled button) still send one request.
 */
export function useSingleFlight() {
  const busy = useRef(false);
  const [pending, setPending] = useState(false);
  const run = useCallback(async <T>(fn: () => Promise<T>): Promise<T | undefined> => {
    if (busy.current) return undefined;
    busy.current = true;
    setPending(true);
    try {
      return await fn();
    } finally {
      busy.current = false;
      setPending(false);
    }
  }, []);
  return { run, pending };
}
