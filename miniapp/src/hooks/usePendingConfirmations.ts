import { useCallback, useEffect, useRef, useState } from 'react';
import { listConfirmations, type Confirmation } from '../api/confirmations';

/** A clerk's request lives 2 minutes: every 4 s finds it in time, for 3 minutes after the page shows. */
export const CONFIRM_POLL_EVERY_MS = 4_000;
export const CONFIRM_POLL_FOR_MS = 180_000;

/**
 * While `active` (the card or the confirm page is on screen), asks the server
 * for the clerk's requests waiting for this member: at once, then every few
 * seconds for a while. A failed poll keeps the last answer; the next may work.
 * `reload` asks again now (after an answer) and restarts the window.
 */
export function usePendingConfirmations(active: boolean) {
  const [items, setItems] = useState<Confirmation[]>([]);
  const [loaded, setLoaded] = useState(false);
  const generation = useRef(0);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);

  const stop = useCallback(() => {
    generation.current++;
    if (timer.current) clearTimeout(timer.current);
    timer.current = null;
  }, []);

  const start = useCallback(() => {
    stop();
    const gen = generation.current;
    const until = Date.now() + CONFIRM_POLL_FOR_MS;
    const tick = async () => {
      try {
        const r = await listConfirmations();
        if (gen !== generation.current) return;
        setItems(r.items);
        setLoaded(true);
      } catch {
        // Skipped: the card must not show errors for a background check.
      }
      if (gen === generation.current && Date.now() < until)
        timer.current = setTimeout(() => void tick(), CONFIRM_POLL_EVERY_MS);
    };
    void tick();
  }, [stop]);

  useEffect(() => {
    if (active) start();
    else stop();
    return stop;
  }, [active, start, stop]);

  const drop = useCallback((id: string) => setItems((xs) => xs.filter((x) => x.id !== id)), []);
  return { items, loaded, reload: start, drop };
}
