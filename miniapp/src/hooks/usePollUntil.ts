import { useEffect, useRef } from 'react';

/**
 * While `id` is set, asks `fetch(id)` every `everyMs` and hands each answer to
 * `done`, which says whether to stop (the member confirmed, or the request
 * ended). A failed ask is skipped: the next may work. A new `id`, or none,
 * stops the old polling.
 */
export function usePollUntil<T>(
  id: string | null,
  fetch: (id: string) => Promise<T>,
  done: (answer: T) => boolean,
  everyMs: number,
) {
  const latest = useRef(done);
  latest.current = done;
  useEffect(() => {
    if (!id) return;
    let stop = false;
    const timer = setInterval(() => {
      void fetch(id).then(
        (s) => {
          if (!stop && latest.current(s)) clearInterval(timer);
        },
        () => undefined,
      );
    }, everyMs);
    return () => {
      stop = true;
      clearInterval(timer);
    };
  }, [id, fetch, everyMs]);
}
