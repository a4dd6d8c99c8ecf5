import { useCallback, useEffect, useRef, useState, type DependencyList } from 'react';

export interface AsyncState<T> {
  data: T | undefined;
  error: unknown;
  /** True while the first load (or a reload without data) runs. */
  loading: boolean;
  /** True while a reload runs over data already shown (pull-down refresh). */
  refreshing: boolean;
  /** Loaded, and `isEmpty(data)` says there is nothing to show. */
  empty: boolean;
  reload: () => Promise<void>;
  setData: (data: T) => void;
}

/**
 * Runs `load` when `deps` change and tracks loading / error / empty. Only the
 * latest run may write state, so a slow earlier answer never overwrites a
 * newer one, and nothing is written after unmount.
 */
export function useAsync<T>(
  load: () => Promise<T>,
  deps: DependencyList,
  opts: { isEmpty?: (data: T) => boolean; skip?: boolean } = {},
): AsyncState<T> {
  const [data, setData] = useState<T | undefined>(undefined);
  const [error, setError] = useState<unknown>(undefined);
  const [running, setRunning] = useState(!opts.skip);
  const run = useRef(0);
  const mounted = useRef(true);
  const loadRef = useRef(load);
  loadRef.current = load;

  useEffect(() => {
    mounted.current = true;
    return () => {
      mounted.current = false;
    };
  }, []);

  const reload = useCallback(async () => {
    const mine = ++run.current;
    setRunning(true);
    setError(undefined);
    try {
      const result = await loadRef.current();
      if (mounted.current && mine === run.current) setData(result);
    } catch (e) {
      if (mounted.current && mine === run.current) setError(e);
    } finally {
      if (mounted.current && mine === run.current) setRunning(false);
    }
  }, []);

  useEffect(() => {
    if (opts.skip) return;
    void reload();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [...deps, opts.skip]);

  const isEmpty = opts.isEmpty ?? ((d: T) => d === null || (Array.isArray(d) && d.length === 0));
  return {
    data,
    error,
    loading: running && data === undefined,
    refreshing: running && data !== undefined,
    empty: !running && error === undefined && data !== undefined && isEmpty(data),
    reload,
    setData,
  };
}
