import { useCallback, useEffect, useRef, useState, type DependencyList } from 'react';

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export interface InfiniteList<T> {
  items: T[];
  /** First page loading (nothing to show yet). */
  loading: boolean;
  loadingMore: boolean;
  /** Error of the last page request; items already loaded stay visible. */
  error: unknown;
  /** No more pages (nextCursor was null). */
  done: boolean;
  empty: boolean;
  loadMore: () => Promise<void>;
  refresh: () => Promise<void>;
}

/**
 * Keyset-cursor list: fetches the first page when deps change, appends a page
 * per `loadMore` (wire it to useReachBottom). One page request at a time; a
 * refresh makes any page still in flight stale so it cannot append old rows.
 */
export function useInfiniteList<T>(
  fetchPage: (cursor: string | null) => Promise<Page<T>>,
  deps: DependencyList,
): InfiniteList<T> {
  const [items, setItems] = useState<T[]>([]);
  const [done, setDone] = useState(false);
  const [error, setError] = useState<unknown>(undefined);
  const [loading, setLoading] = useState(true);
  const [loadingMore, setLoadingMore] = useState(false);
  const generation = useRef(0);
  const busy = useRef(false);
  const fetchRef = useRef(fetchPage);
  fetchRef.current = fetchPage;
  const cursorRef = useRef<string | null>(null);
  const doneRef = useRef(false);

  const fetchInto = useCallback(async (gen: number, from: string | null, first: boolean) => {
    busy.current = true;
    if (first) setLoading(true);
    else setLoadingMore(true);
    setError(undefined);
    try {
      const page = await fetchRef.current(from);
      if (gen !== generation.current) return;
      setItems((prev) => (first ? page.items : [...prev, ...page.items]));
      cursorRef.current = page.nextCursor;
      doneRef.current = page.nextCursor === null;
      setDone(page.nextCursor === null);
    } catch (e) {
      if (gen === generation.current) setError(e);
    } finally {
      if (gen === generation.current) {
        busy.current = false;
        setLoading(false);
        setLoadingMore(false);
      }
    }
  }, []);

  const refresh = useCallback(async () => {
    const gen = ++generation.current;
    cursorRef.current = null;
    doneRef.current = false;
    setDone(false);
    await fetchInto(gen, null, true);
  }, [fetchInto]);

  const loadMore = useCallback(async () => {
    if (busy.current || doneRef.current) return;
    // Nothing loaded yet (the first page failed): retry it as the first page.
    const first = cursorRef.current === null;
    await fetchInto(generation.current, cursorRef.current, first);
  }, [fetchInto]);

  useEffect(() => {
    setItems([]);
    void refresh();
    return () => {
      // Unmount or new deps: whatever is in flight is stale.
      generation.current++;
      busy.current = false;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, deps);

  return {
    items,
    loading: loading && items.length === 0,
    loadingMore,
    error,
    done,
    empty: done && !loading && items.length === 0 && error === undefined,
    loadMore,
    refresh,
  };
}
